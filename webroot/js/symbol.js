/*
 * The symbol selector, which every market request follows: a combobox searched by typing, since a node may serve
 * hundreds of symbols. The choice is kept in the URL hash (a link that opens on a symbol) and in localStorage, so that
 * a reload keeps it; the hash wins over the stored one. The latest picks, kept too, head the list before anything is
 * typed.
 */
import {bindCombobox} from './combobox.js';
import {load, save} from './prefs.js';
import {get, selectSymbol, subscribe, update} from './state.js';

const LS_SYMBOL = 'tapewatch.symbol';
const LS_RECENT = 'tapewatch.recentSymbols';
/** The most options the list draws: beyond it, typing narrows the symbols down rather than scrolling through them. */
const SHOWN = 50;

let showCurrent = null;

function symbolFromHash() {
  const m = /(?:^#|&)symbol=([^&]+)/.exec(location.hash);
  return m ? decodeURIComponent(m[1]).trim().toUpperCase() : null;
}

function storedRecent() {
  try {
    const list = JSON.parse(load(LS_RECENT));
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** The configured symbols containing {@code query} in any case, those starting with it first, each in their order. */
function matching(symbols, query) {
  const q = query.toUpperCase();
  const hits = symbols.filter((s) => s.includes(q));
  return [...hits.filter((s) => s.startsWith(q)), ...hits.filter((s) => !s.startsWith(q))];
}

const more = (n) => (n > 0 ? n + ' more — keep typing' : '');

/** What the list offers for {@code query}: the recent picks then the others before anything is typed, else matches. */
function offer(query) {
  const {symbols, recentSymbols} = get();
  if (!query) {
    const others = symbols.filter((s) => !recentSymbols.includes(s)).slice(0, SHOWN - recentSymbols.length);
    return {groups: [{label: 'recent', items: recentSymbols}, {label: 'all symbols', items: others}],
      note: more(symbols.length - recentSymbols.length - others.length)};
  }
  const hits = matching(symbols, query);
  return {groups: [{label: null, items: hits.slice(0, SHOWN)}],
    note: hits.length ? more(hits.length - SHOWN) : 'No symbol matches “' + query + '”'};
}

function remember({symbol, recentSymbols}) {
  showCurrent();
  save(LS_SYMBOL, symbol);
  save(LS_RECENT, JSON.stringify(recentSymbols));
  const hash = '#symbol=' + encodeURIComponent(symbol);
  if (location.hash !== hash) {
    history.replaceState(null, '', hash);
  }
  document.title = symbol + ' · tapewatch';
}

export function bindSymbol() {
  showCurrent = bindCombobox('symbol', {search: offer, pick: selectSymbol, current: () => get().symbol});
  window.addEventListener('hashchange', () => selectSymbol(symbolFromHash()));
  subscribe(['symbol'], remember);
}

/** Offers the configured symbols and selects the one the hash, the stored choice or the configuration's order gives. */
export function startOn(symbols) {
  update({symbols, recentSymbols: storedRecent().filter((s, i, all) => symbols.includes(s) && all.indexOf(s) === i)});
  selectSymbol([symbolFromHash(), load(LS_SYMBOL), symbols[0]].find((s) => symbols.includes(s)));
}
