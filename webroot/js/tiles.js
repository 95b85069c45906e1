/*
 * The market tiles, built from the page's templates, and what every tile shows of its data: a badge naming the symbol
 * the data came from (read from the answer, not from the selector), dimmed and marked stale while that is not the
 * selected symbol, and when it was last updated.
 */
import {postureReading} from './descriptors.js';
import {$, clone} from './dom.js';
import * as F from './format.js';
import {symbolRequest} from './api.js';
import {decimals, get, show, subscribe, withReadings} from './state.js';

const sign = (x) => (F.isNum(x) && x > 0.05 ? 'pos' : F.isNum(x) && x < -0.05 ? 'neg' : null);

/**
 * The tiles in their order. A timeframe tile has a row for each timeframe of its template; {@code cells} names its
 * value cells ({@code mom-1m}) and {@code show} fills one from /debug/features.
 */
const TILES = [
  {name: 'price', title: 'Last price', body: 'price-body'},
  {name: 'momentum', title: 'Momentum', hint: 'last bar close vs the bar before', cells: 'mom',
    show(cell, f, tf) {
      const mom = f['mom_bps_' + tf];
      setValue(cell, mom, F.bps(mom), sign(mom));
    }},
  {name: 'vwap', title: 'vs VWAP', hint: 'last price vs VWAP of 20 bars', cells: 'vwap',
    show(cell, f, tf, d) {
      const vw = f['px_vs_vwap_bps_' + tf];
      setValue(cell, vw, F.bps(vw), sign(vw));
      cell.title = F.isNum(vw) && F.isNum(f.last_price) ? 'VWAP ' + F.price(f.last_price / (1 + vw / 1e4), d) : '';
    }},
  {name: 'rvol', title: 'RVOL', hint: 'relative volume: bar vs mean of 20 before', cells: 'rvol',
    show(cell, f, tf) {
      const rv = f['rvol_' + tf];
      setValue(cell, rv, F.times(rv), F.isNum(rv) && rv >= 2 ? 'hot' : null);
      cell.title = 'volume ' + F.volume(f['volume_' + tf]);
    }},
  {name: 'atr', title: 'ATR', hint: 'mean true range, 14 bars', cells: 'atr',
    show(cell, f, tf, d) {
      const atr = f['atr_' + tf];
      const atrBps = F.isNum(atr) && F.isNum(f.last_price) && f.last_price > 0 ? atr / f.last_price * 1e4 : null;
      // At least the price's decimals, and three significant digits of a small range.
      const atrDecimals = F.isNum(atr) && atr > 0 ? Math.min(8, Math.max(d, 2 - Math.floor(Math.log10(atr)))) : d;
      setValue(cell, atr, F.price(atr, atrDecimals), null, F.isNum(atrBps) ? F.fixed(atrBps, 1) + ' bps' : null);
    }},
  {name: 'trend', title: 'Trend score', body: 'trend-body'}
];

const TIMEFRAME_TILES = TILES.filter((t) => t.show);

function build(t) {
  const tile = clone('tile-template').firstElementChild;
  tile.id = 'tile-' + t.name;
  tile.dataset.tile = t.name;
  tile.dataset.testid = tile.id;
  tile.querySelector('h2').textContent = t.title;
  tile.querySelector('.badge').dataset.testid = 'badge-' + t.name;
  const hint = tile.querySelector('.hint');
  if (t.hint) {
    hint.textContent = t.hint;
  } else {
    hint.remove();
  }
  tile.querySelector('[data-role="updated"]').before(clone(t.body || 'timeframes-body'));
  for (const cell of tile.querySelectorAll('[data-tf]')) {
    cell.id = t.cells + '-' + cell.dataset.tf;
    cell.dataset.testid = cell.id;
  }
  return tile;
}

/** Sets a value cell: its text, and its raw number in data-value (empty for none); flashes it when it changed. */
export function setValue(el, value, text, cls, sub) {
  const raw = F.isNum(value) ? String(value) : '';
  const changed = el.dataset.value !== undefined && el.dataset.value !== raw;
  el.dataset.value = raw;
  el.textContent = text;
  if (sub) {
    const small = document.createElement('span');
    small.className = 'sub';
    small.textContent = sub;
    el.appendChild(small);
  }
  el.classList.remove('pos', 'neg', 'hot');
  if (cls) {
    el.classList.add(cls);
  }
  if (changed) {
    el.classList.remove('flash');
    // Reading the layout restarts the animation.
    void el.offsetWidth;
    el.classList.add('flash');
  }
}

function renderBadges({symbol, tiles}) {
  for (const tile of document.querySelectorAll('.tile')) {
    const {symbol: of, updatedMs, error} = tiles[tile.dataset.tile] || {};
    const badge = tile.querySelector('.badge');
    const stale = of !== undefined && of !== symbol;
    badge.textContent = of || F.DASH;
    for (const el of [tile, badge]) {
      if (of) {
        el.dataset.symbol = of;
      } else {
        delete el.dataset.symbol;
      }
    }
    if (updatedMs) {
      tile.dataset.updatedMs = String(updatedMs);
    } else {
      delete tile.dataset.updatedMs;
    }
    tile.classList.toggle('stale', stale);
    tile.classList.toggle('empty', !of);
    tile.classList.toggle('error', Boolean(error));
    badge.classList.toggle('stale', stale);
    badge.title = stale ? 'data of ' + of + ', waiting for ' + symbol : of ? 'data of ' + of : 'waiting for data';
    // The run tile says when it ran in its status instead.
    const foot = tile.querySelector('[data-role="updated"]');
    if (foot) {
      foot.textContent = error ? 'update failed: ' + error + (updatedMs ? ' · data from ' + F.time(updatedMs) : '')
        : updatedMs ? 'updated ' + F.time(updatedMs) : '';
    }
  }
}

function quoteCurrency(symbol) {
  const i = symbol.lastIndexOf('-');
  return i >= 0 ? symbol.slice(i + 1) : '';
}

function renderPrice({signals: s}) {
  const d = decimals(s.symbol);
  setValue($('price-last'), s.last_price, F.price(s.last_price, d));
  $('price-unit').textContent = quoteCurrency(s.symbol);
  setValue($('price-bid'), s.best_bid, F.price(s.best_bid, d));
  setValue($('price-ask'), s.best_ask, F.price(s.best_ask, d));
  let spread = null;
  let spreadBps = null;
  if (F.isNum(s.best_bid) && F.isNum(s.best_ask)) {
    spread = s.best_ask - s.best_bid;
    const mid = (s.best_ask + s.best_bid) / 2;
    spreadBps = mid > 0 ? spread / mid * 1e4 : null;
  }
  setValue($('price-spread'), spread, F.price(spread, d), null,
    spread === null ? null : (F.isNum(spreadBps) ? F.fixed(spreadBps, 1) + ' bps' : F.DASH));
  setValue($('price-chg-60s'), s.mom1_bps, F.bps(s.mom1_bps), sign(s.mom1_bps));
  setValue($('price-chg-5m'), s.mom5_bps, F.bps(s.mom5_bps), sign(s.mom5_bps));
}

function renderFeatures({features: f}) {
  const d = decimals(f.symbol);
  for (const t of TIMEFRAME_TILES) {
    for (const cell of $('tile-' + t.name).querySelectorAll('[data-tf]')) {
      t.show(cell, f, cell.dataset.tf, d);
    }
  }
}

function renderTrend({trend}) {
  const r = trend.reading;
  const d = r ? r.details || {} : {};
  setValue($('trend-pup'), d.p_up, F.prob(d.p_up), d.p_up >= 0.65 ? 'pos' : d.p_up <= 0.35 ? 'neg' : null);
  $('trend-gauge').style.width = F.isNum(d.p_up) ? Math.round(d.p_up * 100) + '%' : '0';
  setValue($('trend-p1m'), d.p_1m, F.prob(d.p_1m));
  setValue($('trend-p5m'), d.p_5m, F.prob(d.p_5m));
  setValue($('trend-p15m'), d.p_15m, F.prob(d.p_15m));
  const posture = d.posture || null;
  const postureEl = $('trend-posture');
  postureEl.textContent = posture || F.DASH;
  postureEl.dataset.value = posture || '';
  postureEl.className = posture === 'long' ? 'posture long' : posture === 'flat' ? 'posture flat' : '';
  if (typeof d.streak === 'number' && d.streak > 0) {
    postureEl.textContent += ' (streak ' + d.streak + ')';
  }
  if (posture === 'long') {
    setValue($('trend-entry'), d.entry_price, F.price(d.entry_price, decimals(trend.symbol)));
  } else {
    setValue($('trend-entry'), null, posture === 'flat' ? 'none' : F.DASH);
  }
  const since = d.posture_since || null;
  const el = $('trend-since');
  el.dataset.value = since || '';
  el.textContent = since ? F.time(since) : r ? 'since start' : F.DASH;
  el.title = since ? since + ' (' + F.ago(since) + ')' : r ? 'no posture change since the service started' : '';
}

export function buildTiles() {
  $('tiles').append(...TILES.map(build));
  subscribe(['symbol', 'tiles'], renderBadges);
  subscribe(['signals'], renderPrice);
  subscribe(['features'], renderFeatures);
  subscribe(['trend'], renderTrend);
}

const pricesOf = (b) => [b.last_price, b.best_bid, b.best_ask];

export function refreshPrice() {
  return symbolRequest(['price'], '/signals').then((a) => show(a, {signals: a.body}, pricesOf(a.body)));
}

export function refreshFeatures() {
  return symbolRequest(TIMEFRAME_TILES.map((t) => t.name), '/debug/features')
    .then((a) => show(a, {features: a.body}, pricesOf(a.body)));
}

/** The posture agent's newest findings: its reading, with the posture, even while the list is filtered. */
export function refreshTrend() {
  return symbolRequest(['trend'], '/findings', {agent: postureReading(get().agents).agent, limit: 5})
    .then((a) => show(a, withReadings(a.body.findings, a.symbol)));
}
