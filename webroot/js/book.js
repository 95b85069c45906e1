/*
 * The selected symbol's order book, from /book: a depth chart (the cumulative bid and ask quantity from the best
 * levels outwards, the mid marked between them) and a tile with the mid, the spread, the microprice against the mid
 * and the imbalance over the best 1, 5 and 10 levels. A symbol without a book says so on both.
 */
import * as echarts from '/webjars/echarts/5.3.1/dist/echarts.esm.min.js';
import {$, clone} from './dom.js';
import * as F from './format.js';
import {symbolRequest} from './api.js';
import {decimals, show, subscribe} from './state.js';
import {setValue} from './tiles.js';

/** The levels a side the chart shows. */
const CHART_LEVELS = 100;
const IMBALANCE_LEVELS = [1, 5, 10];

let chart = null;

/** The ECharts instance, for window.tapewatch. */
export function depthChart() {
  return chart;
}

/** [price, quantity at this price and better] of levels given best first. */
function cumulative(levels) {
  let sum = 0;
  return levels.map(([price, qty]) => [price, sum += qty]);
}

function renderChart(b, d) {
  const ok = b.book === 'ok';
  $('tile-depth').classList.toggle('no-book', !ok);
  $('depth-empty').hidden = ok;
  // Price ascending on both sides: the bids' step holds the quantity at and above each price, the asks' at and below.
  chart.setOption({
    xAxis: {axisLabel: {formatter: (v) => F.price(v, d)}},
    tooltip: {formatter: (items) => items.map((p) => p.seriesName + ' ' + F.price(p.value[0], d) + ': '
      + F.volume(p.value[1])).join('<br>')},
    series: [
      {data: ok ? cumulative(b.bids).reverse() : [],
        markLine: {data: ok ? [{xAxis: b.mid, name: 'mid'}] : []}},
      {data: ok ? cumulative(b.asks) : []}
    ]
  });
  chart.resize();
}

function renderTile(b, d) {
  const ok = b.book === 'ok';
  $('book-none').hidden = ok;
  setValue($('book-mid'), b.mid, F.price(b.mid, d + 1));
  const spread = ok ? b.asks[0][0] - b.bids[0][0] : null;
  setValue($('book-spread'), b.spread_bps, F.isNum(b.spread_bps) ? F.fixed(b.spread_bps, 2) + ' bps' : F.DASH, null,
    ok ? F.price(spread, d) : null);
  const microBps = ok ? (b.microprice - b.mid) / b.mid * 1e4 : null;
  setValue($('book-micro'), microBps, F.isNum(microBps) ? F.bps(microBps) : F.DASH,
    microBps > 0 ? 'pos' : microBps < 0 ? 'neg' : null, ok ? F.price(b.microprice, d + 1) : null);
  for (const n of IMBALANCE_LEVELS) {
    const v = b['imbalance_' + n];
    const row = $('book-imb-' + n);
    const fill = row.querySelector('.imb-fill');
    const width = F.isNum(v) ? Math.min(1, Math.abs(v)) * 50 : 0;
    fill.style.left = (F.isNum(v) && v < 0 ? 50 - width : 50) + '%';
    fill.style.width = width + '%';
    fill.className = 'imb-fill' + (F.isNum(v) && v > 0 ? ' pos' : F.isNum(v) && v < 0 ? ' neg' : '');
    setValue(row.querySelector('.imb-v'), v, F.isNum(v) ? (v > 0 ? '+' : '') + F.fixed(v, 2) : F.DASH);
  }
}

function render({book}) {
  const d = decimals(book.symbol);
  renderChart(book, d);
  renderTile(book, d);
}

export function initBook() {
  $('book-imbalances').append(...IMBALANCE_LEVELS.map((n) => {
    const row = clone('imbalance-row').firstElementChild;
    row.id = 'book-imb-' + n;
    row.dataset.testid = row.id;
    row.querySelector('.imb-k').textContent = 'top ' + n;
    return row;
  }));
  chart = echarts.init($('depth-chart'), 'dark', {renderer: 'canvas'});
  const side = (name, color, step) => ({name, type: 'line', step, data: [], symbol: 'none',
    lineStyle: {color, width: 1.5}, areaStyle: {color, opacity: 0.25}});
  chart.setOption({
    backgroundColor: 'transparent',
    animation: false,
    grid: {left: 56, right: 40, top: 12, bottom: 28},
    tooltip: {trigger: 'axis', confine: true},
    xAxis: {type: 'value', scale: true, splitLine: {show: false}},
    yAxis: {type: 'value', axisLabel: {formatter: (v) => F.volume(v)}, splitLine: {lineStyle: {color: '#222a33'}}},
    series: [
      {...side('bids', '#26a69a', 'start'), markLine: {symbol: 'none', silent: true, data: [],
        label: {formatter: 'mid'}, lineStyle: {color: '#8b96a3', type: 'dashed'}}},
      side('asks', '#ef5350', 'end')
    ]
  });
  new ResizeObserver(() => chart.resize()).observe($('depth-chart'));
  subscribe(['book'], render);
}

export function refreshBook() {
  return symbolRequest(['depth', 'book'], '/book', {depth: CHART_LEVELS}).then((a) => {
    const b = a.body;
    const best = b.book === 'ok' ? [b.bids[0][0], b.asks[0][0]] : [];
    return show(a, {book: b}, best);
  });
}
