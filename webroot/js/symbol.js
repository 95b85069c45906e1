/*
 * The symbol selector, which every market request follows. The choice is kept in the URL hash (a link that opens on
 * a symbol) and in localStorage, so that a reload keeps it; the hash wins over the stored one.
 */
import {$} from './dom.js';
import {load, save} from './prefs.js';
import {get, selectSymbol, subscribe, update} from './state.js';

const LS_SYMBOL = 'tapewatch.symbol';

function symbolFromHash() {
  const m = /(?:^#|&)symbol=([^&]+)/.exec(location.hash);
  return m ? decodeURIComponent(m[1]).trim().toUpperCase() : null;
}

function remember({symbol}) {
  $('symbol').value = symbol;
  save(LS_SYMBOL, symbol);
  const hash = '#symbol=' + encodeURIComponent(symbol);
  if (location.hash !== hash) {
    history.replaceState(null, '', hash);
  }
  document.title = symbol + ' · tapewatch';
}

export function bindSymbol() {
  $('symbol').addEventListener('change', (e) => selectSymbol(e.target.value));
  window.addEventListener('hashchange', () => selectSymbol(symbolFromHash()));
  subscribe(['symbol'], remember);
}

/** Offers the configured symbols and selects the one the hash, the stored choice or the configuration's order gives. */
export function startOn(symbols) {
  update({symbols});
  $('symbol').append(...symbols.map((s) => new Option(s, s)));
  selectSymbol([symbolFromHash(), load(LS_SYMBOL), symbols[0]].find((s) => symbols.includes(s)));
}
