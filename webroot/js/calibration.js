/*
 * How well the posture-keeping agent's p_up matches what followed: per tenth of p, the share of its readings after
 * which the price went up, against the mean p (a calibrated probability lies on the diagonal), with the Brier score.
 * Asked for with the scorecard and as seldom, since it reads the same scored findings.
 */
import * as echarts from '/webjars/echarts/5.3.1/dist/echarts.esm.min.js';
import {$} from './dom.js';
import * as F from './format.js';
import {atMostEvery, symbolRequest} from './api.js';
import {get, show, subscribe, update} from './state.js';
import {SCORECARD_MIN_AGE_MS} from './scorecard.js';

let chart = null;

/** The ECharts instance, for window.tapewatch. */
export function calibrationChart() {
  return chart;
}

const ask = atMostEvery(SCORECARD_MIN_AGE_MS, () => symbolRequest(['calibration'], '/scorecard/calibration',
  {horizon: get().calibrationHorizon}).then((a) => show(a, {calibration: a.body})));

export function refreshCalibration() {
  const {symbol, calibrationHorizon} = get();
  return ask(symbol + ' ' + calibrationHorizon);
}

/** A point's size grows with the readings behind it, so that a bucket of one reading does not look like a fact. */
const pointSize = (buckets) => (value, p) => 6 + Math.min(14, Math.sqrt(buckets[p.dataIndex]?.n || 0) * 2);

function tooltip(b) {
  return b ? 'p ' + F.fixed(b.lo, 1) + '–' + F.fixed(b.hi, 1) + ' · ' + b.n + ' readings<br>mean p '
    + F.prob(b.mean_p) + ' · went up ' + F.rateWithInterval(b.up_rate) : '';
}

function render({calibration: c}) {
  const buckets = c.buckets || [];
  chart.setOption({
    tooltip: {formatter: (p) => tooltip(buckets[p.dataIndex])},
    series: [{data: buckets.map((b) => [b.mean_p, b.up_rate]), symbolSize: pointSize(buckets)}]
  });
  $('calibration-text').textContent = c.agent + ' · ' + c.label + ' at ' + c.horizon + ': Brier '
    + (F.isNum(c.brier) ? F.fixed(c.brier, 3) : F.DASH) + ' · n ' + c.n;
}

/**
 * The horizons come from the scorecard's answer; the select is rebuilt only when they change, so that an open menu
 * stays open.
 */
function renderHorizons({scorecard, calibration, calibrationHorizon}) {
  const select = $('calibration-horizon');
  const horizons = scorecard?.horizons || [];
  if ([...select.options].map((o) => o.value).join() !== horizons.join()) {
    select.replaceChildren(...horizons.map((h) => new Option(h, h)));
  }
  select.value = calibrationHorizon ?? calibration?.horizon ?? horizons[0] ?? '';
}

export function initCalibration() {
  chart = echarts.init($('calibration-chart'), 'dark', {renderer: 'canvas'});
  const axis = (name) => ({type: 'value', min: 0, max: 1, name, nameLocation: 'middle', nameGap: 30,
    splitLine: {lineStyle: {color: '#222a33'}}});
  chart.setOption({
    backgroundColor: 'transparent',
    animation: false,
    grid: {left: 52, right: 12, top: 10, bottom: 40},
    xAxis: axis('mean p_up'),
    yAxis: axis('went up'),
    tooltip: {trigger: 'item', confine: true},
    series: [
      {name: 'observed', type: 'line', data: [], connectNulls: true, itemStyle: {color: '#6cb6ff'}},
      {name: 'calibrated', type: 'line', data: [[0, 0], [1, 1]], symbol: 'none', silent: true,
        lineStyle: {type: 'dashed', color: '#8b96a3', width: 1}}
    ]
  });
  new ResizeObserver(() => chart.resize()).observe($('calibration-chart'));
  const select = $('calibration-horizon');
  select.addEventListener('change', () => {
    update({calibrationHorizon: select.value});
    // A failure shows on the tile.
    refreshCalibration().catch(() => {});
  });
  subscribe(['calibration'], render);
  subscribe(['scorecard', 'calibration', 'calibrationHorizon'], renderHorizons);
}
