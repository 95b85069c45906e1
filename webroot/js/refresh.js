/*
 * The refresh loop: every few seconds (1 to 30, or paused, kept in localStorage) the health, the agents and every
 * tile of the selected symbol are asked for again; the findings only while their live stream is down, the scorecard
 * and the calibration no more than every 30 s.
 */
import {refreshBook} from './book.js';
import {$} from './dom.js';
import * as F from './format.js';
import {refreshCalibration} from './calibration.js';
import {refreshChart} from './chart.js';
import {refreshFindings, updateCsvLink} from './findings.js';
import {refreshAgents, refreshHealth} from './health.js';
import {remembered} from './prefs.js';
import {refreshScorecard} from './scorecard.js';
import {count, get, subscribe, update} from './state.js';
import {refreshFeatures, refreshPrice, refreshTrend} from './tiles.js';

let timer = null;
let again = false;

async function refresh() {
  const {symbol} = get();
  if (get().refreshingFor === symbol) {
    // Asked again for the same symbol while one runs (a new interval, the tab shown again): once it ends.
    again = true;
    return;
  }
  // A new symbol does not wait for the previous one's answers; those are dropped when they come.
  update({refreshingFor: symbol});
  again = false;
  const jobs = [refreshHealth(), refreshAgents(), refreshPrice(), refreshFeatures(), refreshChart(), refreshBook(),
    refreshTrend(), refreshScorecard(), refreshCalibration()];
  if (get().stream.state !== 'live') {
    jobs.push(refreshFindings());
  }
  const results = await Promise.allSettled(jobs);
  if (get().refreshingFor !== symbol) {
    return;
  }
  update({refreshingFor: null});
  count('refreshes');
  // The export's window ends now.
  updateCsvLink();
  const failed = results.filter((r) => r.status === 'rejected').length;
  const el = $('refresh-state');
  el.textContent = (failed ? failed + ' of ' + results.length + ' requests failed · ' : '') + 'updated '
    + F.time(Date.now()) + (get().intervalS ? '' : ' · paused');
  el.dataset.state = failed ? 'error' : 'ok';
  if (again) {
    await refresh();
  }
}

function schedule() {
  clearTimeout(timer);
  const {intervalS} = get();
  if (intervalS > 0) {
    timer = setTimeout(() => refresh().then(schedule), intervalS * 1000);
  }
}

export function refreshNow() {
  refresh().then(schedule);
}

export function bindRefresh() {
  const select = $('refresh-interval');
  remembered(select, 'tapewatch.refreshSeconds');
  update({intervalS: Number(select.value)});
  select.addEventListener('change', () => {
    update({intervalS: Number(select.value)});
    refreshNow();
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && get().symbol) {
      refreshNow();
    }
  });
  subscribe(['symbol'], refreshNow);
}
