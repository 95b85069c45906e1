/*
 * The findings of the selected symbol, newest first, each id once. New ones arrive through the live stream and are
 * inserted above the older rows, which stay; the list is polled only while the stream is down, and whatever was made
 * meanwhile is fetched when it opens again. The CSV link exports the same symbol and agent over a chosen window.
 */
import {labelOf, postureReading} from './descriptors.js';
import {$, clone} from './dom.js';
import * as F from './format.js';
import {liveStream, q, symbolRequest} from './api.js';
import {remembered} from './prefs.js';
import {count, decimals, get, resolveOutcome, show, subscribe, update, withFindings} from './state.js';
import {refreshTrend} from './tiles.js';

const MAX_ROWS = 300;
/** The filter's choice that shows every agent's findings but the readings. */
const NO_READINGS = '-readings';
const STREAM_TEXT = {live: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…'};

let closeStream = null;
/** The finding each row was drawn from: a row whose finding was replaced (an outcome came in) redraws its chips. */
const drawn = new WeakMap();

/** The agent the filter narrows the list and the export to, or null. */
function chosenAgent(filter) {
  return filter && filter !== NO_READINGS ? filter : null;
}

function passes({agentFilter, agents}) {
  if (agentFilter === NO_READINGS) {
    return (f) => labelOf(agents, f)?.role !== 'reading';
  }
  return (f) => !agentFilter || f.agent === agentFilter;
}

function row(f, agents) {
  const li = clone('finding-row').firstElementChild;
  Object.assign(li.dataset, {id: f.id, ts: f.ts_utc, agent: f.agent, label: f.label});
  const time = li.querySelector('.f-time');
  time.textContent = F.time(f.ts_utc);
  time.dateTime = f.ts_utc;
  time.title = f.ts_utc;
  li.querySelector('.f-agent').textContent = f.agent;
  const label = li.querySelector('.f-label');
  const spec = labelOf(agents, f);
  label.textContent = f.label;
  label.title = spec ? spec.description : '';
  label.classList.toggle('up', spec?.direction === 1);
  label.classList.toggle('down', spec?.direction === -1);
  const score = li.querySelector('.f-score');
  score.textContent = F.score(f.score);
  score.dataset.value = F.isNum(f.score) ? String(f.score) : '';
  li.querySelector('.f-details').textContent = JSON.stringify(f.details, null, 2) + '\n\nid ' + f.id;
  drawChips(li, f, spec);
  return li;
}

/**
 * The verdict at one horizon: [state, text]. Without a direction there is nothing to be right about, so only the
 * return shows.
 */
function verdict(o) {
  if (o === null || o === undefined) {
    return ['pending', ''];
  }
  if (o.missed) {
    return ['missed', 'missed'];
  }
  const ret = F.bps(o.ret_bps);
  return o.hit === true ? ['hit', '✓ ' + ret] : o.hit === false ? ['miss', '✗ ' + ret] : ['neutral', ret];
}

/** One chip per horizon of {@code f.outcomes}, in the order the service configured them. */
function drawChips(li, f, spec) {
  drawn.set(li, f);
  const chips = Object.entries(f.outcomes || {}).map(([horizon, o]) => {
    const [state, text] = verdict(o);
    const chip = document.createElement('span');
    chip.className = 'oc';
    Object.assign(chip.dataset, {horizon, state, testid: 'outcome-chip'});
    chip.textContent = horizon + (text ? ' ' + text : '');
    chip.title = state === 'pending' ? 'no trade yet ' + horizon + ' after the finding'
      : state === 'missed' ? 'the service was down when ' + horizon + ' passed: no price to judge by'
        : 'price ' + F.price(o.price, decimals(f.symbol)) + ' vs ' + F.price(f.ref_price, decimals(f.symbol))
          + ' at the finding'
          + (spec?.direction === 0 ? '; the label calls no direction' : '');
    return chip;
  });
  li.querySelector('.f-outcomes').replaceChildren(...chips);
}

/**
 * Brings the list to the newest findings that pass the filter without redrawing the rows it keeps, so that an open
 * row stays open and the rows do not jump; new data flashes its rows into a list that already had some.
 */
function renderList(s, newData) {
  const ol = $('findings-list');
  const wanted = [...s.findings.values()].filter(passes(s))
    .sort((a, b) => Date.parse(b.ts_utc) - Date.parse(a.ts_utc)).slice(0, MAX_ROWS);
  const keep = new Set(wanted.map((f) => f.id));
  for (const li of [...ol.children]) {
    if (!keep.has(li.dataset.id)) {
      li.remove();
    } else if (drawn.get(li) !== s.findings.get(li.dataset.id)) {
      const f = s.findings.get(li.dataset.id);
      drawChips(li, f, labelOf(s.agents, f));
    }
  }
  const flash = newData && ol.children.length > 0;
  const shown = new Set([...ol.children].map((li) => li.dataset.id));
  for (const f of wanted.filter((x) => !shown.has(x.id))) {
    const li = row(f, s.agents);
    li.classList.toggle('new', flash);
    const ts = Date.parse(f.ts_utc);
    let before = ol.firstElementChild;
    while (before && Date.parse(before.dataset.ts) > ts) {
      before = before.nextElementSibling;
    }
    ol.insertBefore(li, before);
  }
  $('findings-empty').hidden = ol.children.length > 0;
}

/** The filter offers every agent of /agents; it is rebuilt only when they change, so an open menu stays open. */
function renderFilter({agents, agentFilter}) {
  const select = $('agent-filter');
  const offered = [...select.querySelectorAll('option[data-agent]')];
  if (offered.map((o) => o.value).join() !== agents.map((a) => a.agent).join()) {
    offered.forEach((o) => o.remove());
    for (const a of agents) {
      const o = new Option(a.agent, a.agent);
      o.dataset.agent = a.agent;
      o.title = a.description;
      select.append(o);
    }
  }
  select.value = agentFilter;
}

function renderStream({stream}) {
  const el = $('stream-state');
  el.dataset.state = stream.state;
  el.textContent = STREAM_TEXT[stream.state];
  el.title = stream.state === 'live' ? 'findings arrive as they are made'
    : stream.downSince ? 'live stream lost at ' + F.time(stream.downSince) + '; retrying, the list is polled meanwhile'
      : 'the live stream is opening; the list is polled meanwhile';
}

export function updateCsvLink() {
  const {symbol, agentFilter} = get();
  const agent = chosenAgent(agentFilter);
  const range = $('csv-window');
  const since = range.value === 'all' ? null : new Date(Date.now() - Number(range.value) * 1000).toISOString();
  const link = $('csv-export');
  link.href = '/findings.csv' + q({symbol, agent, limit: 1000, since});
  link.download = 'findings_' + symbol + '.csv';
  link.title = 'findings of ' + symbol + ' as CSV, ' + range.selectedOptions[0].textContent
    + (agent ? ', agent ' + agent : ', all agents');
}

export function refreshFindings() {
  const agent = chosenAgent(get().agentFilter);
  return symbolRequest(['findings'], '/findings', {agent, limit: agent ? 100 : 200})
    .then((a) => show(a, withFindings(a.body.findings, a.symbol)));
}

// A failed request already shows on its tile; left unhandled, it would also reach the console as an error.
const quietly = (p) => p.catch(() => {});

function openStream({symbol}) {
  if (closeStream) {
    closeStream();
  }
  const events = {
    finding(f) {
      count('streamEvents');
      const ofTrend = f.agent === postureReading(get().agents).agent;
      show({tiles: ofTrend ? ['findings', 'trend'] : ['findings'], symbol: f.symbol}, withFindings([f], f.symbol));
    },
    outcome(o) {
      count('streamEvents');
      resolveOutcome(o);
    }
  };
  closeStream = liveStream('/findings/stream' + q({symbol}), events, {
    open() {
      const wasDown = get().stream.downSince !== null;
      count('streamOpens');
      update({stream: {state: 'live', downSince: null}});
      // Whatever was made while the stream was down comes from the list endpoint.
      quietly(refreshFindings());
      if (wasDown) {
        quietly(refreshTrend());
      }
    },
    lost() {
      count('streamErrors');
      update({stream: {state: 'reconnecting', downSince: get().stream.downSince ?? Date.now()}});
    }
  });
}

export function bindFindings() {
  const filter = $('agent-filter');
  filter.addEventListener('change', () => {
    update({agentFilter: filter.value});
    quietly(refreshFindings());
  });
  remembered($('csv-window'), 'tapewatch.csvWindow');
  $('csv-window').addEventListener('change', updateCsvLink);
  // The window ends now: the link is renewed the moment it is used.
  ['pointerdown', 'focus', 'keydown'].forEach((ev) => $('csv-export').addEventListener(ev, updateCsvLink));
  subscribe(['findings'], (s) => renderList(s, true));
  subscribe(['agentFilter', 'agents'], (s) => renderList(s, false));
  subscribe(['agentFilter', 'agents'], renderFilter);
  subscribe(['stream'], renderStream);
  subscribe(['symbol', 'agentFilter'], updateCsvLink);
  subscribe(['symbol'], openStream);
}
