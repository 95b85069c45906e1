/*
 * The scorecard: for each agent and label, at each horizon, how often its findings were right (the hit rate with its
 * 95% interval), over how many, and the edge in bps over a random entry in the same direction. The service computes
 * it from every scored finding, so it is asked for at most every 30 s whatever the page's refresh interval; another
 * symbol or scope is asked for at once.
 */
import {labelOf} from './descriptors.js';
import {$, clone} from './dom.js';
import * as F from './format.js';
import {atMostEvery, symbolRequest} from './api.js';
import {get, show, subscribe, update} from './state.js';

export const SCORECARD_MIN_AGE_MS = 30000;
const ALL = '*';

const ask = atMostEvery(SCORECARD_MIN_AGE_MS, () => {
  const scope = get().scorecardScope;
  // The all-symbols rows pool every symbol only when no symbol narrows the answer.
  return symbolRequest(['scorecard'], '/scorecard', scope === ALL ? {symbol: null} : {})
    .then((a) => show(a, {scorecard: {symbol: a.symbol, scope, horizons: a.body.horizons || [],
      rows: a.body.rows || [], truncated: Boolean(a.body.truncated), fetchedMs: Date.now()}}));
});

export function refreshScorecard() {
  const {symbol, scorecardScope} = get();
  return ask(symbol + ' ' + scorecardScope);
}

function cell(row) {
  const td = clone('scorecard-cell').firstElementChild;
  if (!row) {
    td.replaceChildren(F.DASH);
    return td;
  }
  td.querySelector('.sc-hit').textContent = F.rateWithInterval(row.hit_rate, row.hit_rate_ci95);
  td.querySelector('.sc-n').textContent = 'n ' + row.n;
  const edge = td.querySelector('.sc-edge');
  edge.textContent = F.bps(row.edge_bps);
  // By the sign shown: an edge that rounds to 0.0 is no edge either way.
  edge.classList.toggle('pos', edge.textContent.startsWith('+'));
  edge.classList.toggle('neg', edge.textContent.startsWith('-'));
  td.title = row.hits + ' hits · mean ' + F.bps(row.mean_ret_bps) + ', signed ' + F.bps(row.mean_signed_ret_bps)
    + ', median ' + F.bps(row.median_ret_bps) + '\nrandom entry over ' + row.base_n + ' minutes: right '
    + F.rateWithInterval(row.base_hit_rate) + ', mean ' + F.bps(row.base_mean_ret_bps);
  return td;
}

function render({scorecard: sc, agents}) {
  const of = sc.scope === ALL ? ALL : sc.symbol;
  const byLabel = new Map();
  for (const r of sc.rows.filter((x) => x.symbol === of)) {
    const key = JSON.stringify([r.agent, r.label]);
    if (!byLabel.has(key)) {
      byLabel.set(key, {agent: r.agent, label: r.label, at: {}});
    }
    byLabel.get(key).at[r.horizon] = r;
  }
  const head = $('scorecard-table').querySelector('thead tr');
  const horizonCells = sc.horizons.map((h) => {
    const th = document.createElement('th');
    th.textContent = h;
    return th;
  });
  head.replaceChildren(head.firstElementChild, ...horizonCells);
  const rows = [...byLabel.values()].map(({agent, label, at}) => {
    const tr = clone('scorecard-row').firstElementChild;
    Object.assign(tr.dataset, {agent, label});
    tr.querySelector('.sc-agent').textContent = agent;
    const name = tr.querySelector('.sc-label');
    const spec = labelOf(agents, {agent, label});
    name.textContent = label;
    name.title = spec ? spec.description : '';
    name.classList.toggle('up', spec?.direction === 1);
    name.classList.toggle('down', spec?.direction === -1);
    for (const h of sc.horizons) {
      const td = cell(at[h]);
      td.dataset.horizon = h;
      tr.append(td);
    }
    return tr;
  });
  $('scorecard-table').querySelector('tbody').replaceChildren(...rows);
  $('scorecard-table').hidden = !rows.length;
  $('scorecard-empty').hidden = rows.length > 0;
  $('scorecard-truncated').hidden = !sc.truncated;
}

function renderScope({symbol, scorecardScope}) {
  for (const b of $('scorecard-scope').querySelectorAll('button')) {
    b.setAttribute('aria-pressed', String(b.dataset.scope === scorecardScope));
  }
  $('scorecard-scope').querySelector('[data-scope="symbol"]').textContent = symbol;
}

export function bindScorecard() {
  $('scorecard-scope').addEventListener('click', (e) => {
    const scope = e.target.closest('button')?.dataset.scope;
    if (scope) {
      update({scorecardScope: scope});
      // A failure shows on the tile.
      refreshScorecard().catch(() => {});
    }
  });
  subscribe(['scorecard', 'agents'], (s) => s.scorecard && render(s));
  subscribe(['symbol', 'scorecardScope'], renderScope);
}
