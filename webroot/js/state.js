/*
 * The page's state, owned here alone. Modules read it with get() and change it only through update() and the actions
 * below; a module that draws part of it subscribes to the keys it draws and is called after every change of one of
 * them. Each state is a new frozen object holding frozen values, so that nothing changes behind a subscriber's back
 * and what window.tapewatch hands out cannot be written to.
 */
import * as F from './format.js';
import {postureReading} from './descriptors.js';

/** The newest findings of the symbol kept: four times the list's rows, so that a filter still has rows to show. */
const MAX_FINDINGS = 1200;
/** How many of the latest picks the symbol selector offers first. */
const RECENT_SYMBOLS = 5;

let state = Object.freeze({
  symbols: [],
  symbol: null,
  // The symbols picked lately, the selected one first.
  recentSymbols: [],
  intervalS: 5,
  refreshingFor: null,
  agents: [],
  agentFilter: '',
  // Per tile {symbol, updatedMs, seq, error}: its badge names the symbol of its data, and an answer to an earlier
  // request (a lower seq) cannot replace a later one's.
  tiles: {},
  decimals: {},
  signals: null,
  features: null,
  bars: null,
  chartInfo: null,
  // The /book answer of the selected symbol (book "ok" or "none").
  book: null,
  trend: {symbol: null, reading: null},
  findings: new Map(),
  // The scorecard's answer {symbol, scope, horizons, rows, fetchedMs}, the scope its toggle asks for ('symbol' or
  // '*'), the calibration's answer and the horizon it is asked at.
  scorecard: null,
  scorecardScope: 'symbol',
  calibration: null,
  calibrationHorizon: null,
  stream: {state: 'connecting', downSince: null},
  health: null,
  database: null,
  serviceError: null,
  stats: {staleDropped: 0, refreshes: 0, streamEvents: 0, streamOpens: 0, streamErrors: 0}
});

const subscribers = [];

function frozen(value) {
  if (value instanceof Map) {
    value.forEach(frozen);
  } else if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(frozen);
  }
  return value;
}

export function get() {
  return state;
}

/** Calls {@code fn(state, changedKeys)} after every change of one of {@code keys}. */
export function subscribe(keys, fn) {
  subscribers.push({keys, fn});
}

export function update(patch) {
  const changed = Object.keys(patch).filter((k) => patch[k] !== state[k]);
  if (!changed.length) {
    return;
  }
  changed.forEach((k) => frozen(patch[k]));
  state = Object.freeze({...state, ...patch});
  for (const s of subscribers) {
    if (s.keys.some((k) => changed.includes(k))) {
      s.fn(state, changed);
    }
  }
}

export function count(stat) {
  update({stats: {...state.stats, [stat]: state.stats[stat] + 1}});
}

/** The decimals prices of {@code symbol} are shown with. */
export function decimals(symbol) {
  const d = state.decimals[symbol];
  return F.isNum(d) ? d : 2;
}

/**
 * Selects a configured symbol. The findings list and the run results belong to one symbol and start empty; the other
 * tiles keep their data, shown stale, until the new symbol's arrives.
 */
export function selectSymbol(symbol) {
  if (symbol === state.symbol || !state.symbols.includes(symbol)) {
    return;
  }
  const tiles = {...state.tiles};
  delete tiles.findings;
  delete tiles.run;
  const recentSymbols = [symbol, ...state.recentSymbols.filter((s) => s !== symbol)].slice(0, RECENT_SYMBOLS);
  update({symbol, recentSymbols, tiles, findings: new Map(), stream: {state: 'connecting', downSince: null}});
}

/**
 * Shows data for {@code symbol} on {@code tiles}: the data ({@code patch}), the precision {@code prices} show, and
 * the tiles stamped with the symbol. An answer ({@code seq} given) older than one a tile already shows is dropped, and
 * so is anything for a symbol no longer selected; says whether it was shown.
 */
export function show({tiles, symbol, seq}, patch, prices = []) {
  if (symbol !== state.symbol) {
    count('staleDropped');
    return false;
  }
  if (tiles.some((t) => state.tiles[t]?.seq > seq)) {
    return false;
  }
  const stamped = {...state.tiles};
  for (const t of tiles) {
    stamped[t] = {symbol, updatedMs: Date.now(), seq: seq ?? state.tiles[t]?.seq ?? 0, error: null};
  }
  const d = F.priceDecimals(prices, state.decimals[symbol]);
  update({...patch, tiles: stamped,
    decimals: d === null || d === state.decimals[symbol] ? state.decimals : {...state.decimals, [symbol]: d}});
  return true;
}

/** A request for {@code tiles} failed: they keep their data and say so. */
export function failed(tiles, message) {
  const marked = {...state.tiles};
  for (const t of tiles) {
    marked[t] = {...marked[t], error: message};
  }
  update({tiles: marked});
}

/** The trend tile's patch for {@code list}: the posture agent's newest reading of {@code symbol}. */
export function withReadings(list, symbol) {
  const kind = postureReading(state.agents);
  const held = state.trend.symbol === symbol ? state.trend.reading : null;
  let reading = held;
  for (const f of list) {
    if (f.agent === kind.agent && f.label === kind.label
        && (!reading || Date.parse(f.ts_utc) >= Date.parse(reading.ts_utc))) {
      reading = f;
    }
  }
  return reading === held && state.trend.symbol === symbol ? {} : {trend: {symbol, reading}};
}

/** How many of {@code f}'s horizons have a verdict: a later copy of a finding with more replaces the one held. */
function resolved(f) {
  return Object.values(f.outcomes || {}).filter((o) => o !== null).length;
}

/**
 * The patch that adds {@code list} to the findings of the selected symbol (each id once, the copy with the most
 * outcomes resolved kept, so that a poll after a lost stream brings the verdicts it missed) and to the trend tile.
 */
export function withFindings(list, symbol) {
  const fresh = list.filter((f) => f.symbol === symbol
    && (!state.findings.has(f.id) || resolved(f) > resolved(state.findings.get(f.id))));
  if (!fresh.length) {
    return withReadings(list, symbol);
  }
  const byId = new Map(state.findings);
  fresh.forEach((f) => byId.set(f.id, f));
  const all = [...byId.values()];
  if (all.length > MAX_FINDINGS) {
    all.sort((a, b) => Date.parse(b.ts_utc) - Date.parse(a.ts_utc));
    all.length = MAX_FINDINGS;
  }
  return {findings: new Map(all.map((f) => [f.id, f])), ...withReadings(list, symbol)};
}

/** A finding's outcome at one horizon resolved ({id, horizon, outcome} of the stream): its row shows the verdict. */
export function resolveOutcome({id, horizon, outcome}) {
  const f = state.findings.get(id);
  if (!f || typeof horizon !== 'string') {
    return;
  }
  const findings = new Map(state.findings);
  findings.set(id, {...f, outcomes: {...f.outcomes, [horizon]: outcome ?? null}});
  update({findings});
}
