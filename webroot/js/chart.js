/* The chart of the last 120 one-minute candles with their volume, redrawn at every refresh. */
import * as echarts from '/webjars/echarts/5.3.1/dist/echarts.esm.min.js';
import {$} from './dom.js';
import * as F from './format.js';
import {symbolRequest} from './api.js';
import {decimals, show, subscribe} from './state.js';

const CHART_BARS = 120;

let chart = null;

/** The ECharts instance, for window.tapewatch. */
export function chartInstance() {
  return chart;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;',
    "'": '&#39;'}[c]));
}

function tooltip(items, bars, d, symbol) {
  const b = items && items.length ? bars[items[0].dataIndex] : null;
  if (!b) {
    return '';
  }
  const esc = escapeHtml;
  return esc(symbol) + ' · ' + esc(F.time(b.ts_utc)) + '<br>'
    + 'O ' + esc(F.price(b.open, d)) + ' H ' + esc(F.price(b.high, d)) + '<br>'
    + 'L ' + esc(F.price(b.low, d)) + ' C ' + esc(F.price(b.close, d)) + '<br>'
    + 'vol ' + esc(F.volume(b.volume)) + ' · ' + b.trades + ' trades';
}

function render({bars: {symbol, bars}}) {
  const d = decimals(symbol);
  const times = bars.map((b) => F.hhmm(Date.parse(b.ts_utc)));
  const candles = bars.map((b) => [b.open, b.close, b.low, b.high]);
  const volumes = bars.map((b) => ({value: b.volume,
    itemStyle: {color: b.close >= b.open ? 'rgba(38,166,154,0.6)' : 'rgba(239,83,80,0.6)'}}));
  // Both grids share one left margin wide enough for the longest price label, so candles and volumes line up.
  const widest = bars.reduce((m, b) => Math.max(m, F.price(b.high, d).length, F.price(b.low, d).length), 4);
  const left = 14 + widest * 7;
  chart.setOption({
    grid: [{left}, {left}],
    xAxis: [{data: times}, {data: times}],
    yAxis: [{axisLabel: {formatter: (v) => F.price(v, d)}}, {}],
    tooltip: {formatter: (items) => tooltip(items, bars, d, symbol)},
    series: [{name: symbol, data: candles}, {data: volumes}]
  });
}

export function initChart() {
  chart = echarts.init($('chart'), 'dark', {renderer: 'canvas'});
  chart.setOption({
    backgroundColor: 'transparent',
    animation: false,
    legend: {show: false},
    tooltip: {trigger: 'axis', axisPointer: {type: 'cross'}, confine: true},
    axisPointer: {link: [{xAxisIndex: 'all'}]},
    grid: [
      {left: 64, right: 12, top: 8, height: '62%'},
      {left: 64, right: 12, top: '76%', bottom: 24}
    ],
    xAxis: [
      {type: 'category', data: [], boundaryGap: true, axisLabel: {show: false}, axisTick: {show: false}},
      {type: 'category', gridIndex: 1, data: [], boundaryGap: true}
    ],
    yAxis: [
      {scale: true, splitLine: {lineStyle: {color: '#222a33'}}},
      {scale: true, gridIndex: 1, splitNumber: 2, axisLabel: {formatter: (v) => F.volume(v)},
        splitLine: {show: false}}
    ],
    dataZoom: [{type: 'inside', xAxisIndex: [0, 1], start: 0, end: 100}],
    series: [
      {name: 'price', type: 'candlestick', data: [],
        itemStyle: {color: '#26a69a', color0: '#ef5350', borderColor: '#26a69a', borderColor0: '#ef5350'}},
      {name: 'volume', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: [], barMaxWidth: 8}
    ]
  });
  new ResizeObserver(() => chart.resize()).observe($('chart'));
  subscribe(['bars'], render);
}

export function refreshChart() {
  return symbolRequest(['chart'], '/bars', {tf: '1m', limit: CHART_BARS}).then((a) => {
    const bars = a.body.bars || [];
    const last = bars[bars.length - 1];
    const prices = bars.slice(-10).flatMap((b) => [b.open, b.high, b.low, b.close]);
    return show(a, {bars: {symbol: a.symbol, bars},
      chartInfo: {symbol: a.symbol, count: bars.length, lastTs: last ? last.ts_utc : null,
        lastClose: last ? last.close : null}}, prices);
  });
}
