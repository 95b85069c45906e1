/*
 * tapewatch dashboard: the page's entry module. Plain browser JavaScript modules under js/, no build step; js/state.js
 * holds the page's state and every other module draws its part of it.
 */
import {depthChart, initBook} from './js/book.js';
import {$} from './js/dom.js';
import {calibrationChart, initCalibration} from './js/calibration.js';
import {chartInstance, initChart} from './js/chart.js';
import {bindFindings} from './js/findings.js';
import {bindHealth, refreshAgents, refreshHealth} from './js/health.js';
import {bindRefresh, refreshNow} from './js/refresh.js';
import {bindRunNow} from './js/run-now.js';
import {bindScorecard} from './js/scorecard.js';
import {get} from './js/state.js';
import {bindSymbol, startOn} from './js/symbol.js';
import {buildTiles} from './js/tiles.js';

// For the browser tests and for debugging: what the page holds, to read.
window.tapewatch = Object.freeze({
  get state() {
    return get();
  },
  get chart() {
    return chartInstance();
  },
  get calibrationChart() {
    return calibrationChart();
  },
  get depthChart() {
    return depthChart();
  },
  refreshNow
});

$('tz').textContent = Intl.DateTimeFormat().resolvedOptions().timeZone || 'browser time';
buildTiles();
initChart();
initBook();
initCalibration();
bindScorecard();
bindHealth();
bindFindings();
bindRunNow();
bindRefresh();
bindSymbol();

// The symbols come from /health, and the agents' descriptors, which the tiles, the filter and run-now go by, from
// /agents: nothing starts before both have answered.
for (;;) {
  try {
    await Promise.all([refreshHealth(), refreshAgents()]);
    break;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
startOn(get().health.symbols || []);
