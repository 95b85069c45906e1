/*
 * The health strip and the banners: the service, its feed (announced when it is not the live market), the database,
 * the agents with a table of each one's status, alerts, the LLM analyst and, in cluster mode, the node serving the
 * selected symbol.
 */
import {$, clone} from './dom.js';
import * as F from './format.js';
import {request} from './api.js';
import {get, subscribe, update} from './state.js';

function chip(id, text, level, title) {
  const el = $(id);
  el.querySelector('.v').textContent = text;
  el.dataset.level = level;
  el.dataset.state = level;
  el.title = title || '';
}

/** The banner a feed other than the live market's gets: [class, text], or null. */
function feedWarning(mode, feed) {
  if (mode === 'sim') {
    return ['banner-warn', 'Simulated data: the feed is the built-in simulator. These prices are not the market.'];
  }
  if (mode === 'replay') {
    return ['banner-warn', 'Replay of recorded data' + (feed.replay_finished ? ' (finished)' : '')
      + ': not the live market.'];
  }
  if (mode === 'coinbase' && !feed.connected) {
    return ['banner-error', 'Feed disconnected: prices are stale until it reconnects'
      + (feed.last_error ? ' (' + feed.last_error + ')' : '') + '.'];
  }
  return null;
}

function renderFeed(feed) {
  const mode = feed.mode || 'starting';
  const [text, level] = {
    replay: ['replay · ' + (feed.replay_finished ? 'finished' : feed.connected ? 'playing' : 'stopped'), 'warn'],
    sim: ['simulator · ' + (feed.connected ? 'running' : 'stopped'), 'warn'],
    coinbase: ['coinbase · ' + (feed.connected ? 'connected' : 'disconnected'), feed.connected ? 'ok' : 'bad']
  }[mode] || [mode, 'warn'];
  const age = F.isNum(feed.last_message_age_s) && feed.last_message_age_s >= 5
    ? ' · last message ' + F.seconds(feed.last_message_age_s) + ' ago' : '';
  chip('health-feed', text + age, level, 'messages ' + (feed.messages || 0) + ', reconnects ' + (feed.reconnects || 0)
    + (feed.last_error ? ', last error: ' + feed.last_error : ''));
  $('health-feed').dataset.mode = mode;
  const warning = feedWarning(mode, feed);
  const banner = $('feed-banner');
  banner.hidden = !warning;
  if (warning) {
    banner.className = 'banner ' + warning[0];
    banner.textContent = warning[1];
  }
  banner.dataset.mode = mode;
}

function renderHealth({health: h}) {
  chip('health-service', h.status, h.status === 'ok' ? 'ok' : h.status === 'starting' ? 'warn' : 'bad',
    'up ' + h.uptime_s + ' s');
  renderFeed(h.feed || {});
  const alerts = h.alerts || {};
  if (!alerts.enabled) {
    chip('health-alerts', 'off', 'off', alerts.reason || 'alerts disabled');
  } else if (alerts.config_error) {
    chip('health-alerts', 'config error', 'bad', alerts.config_error);
  } else {
    chip('health-alerts', 'on · sent ' + (alerts.sent || 0) + (alerts.failed ? ' · failed ' + alerts.failed : '')
      + (alerts.queued ? ' · queued ' + alerts.queued : ''), alerts.failed ? 'warn' : 'ok',
      alerts.last_error ? 'last error: ' + alerts.last_error : 'last sent ' + (alerts.last_sent_at || 'never'));
  }
  const llm = h.llm || {};
  chip('health-llm', llm.enabled ? (llm.model || 'on') + ' · ' + (llm.calls || 0) + ' calls' : 'off',
    llm.enabled ? (llm.last_error ? 'warn' : 'ok') : 'off', llm.last_error || '');
}

/** Cluster mode only: how many nodes, whether every symbol has an owner, and which node serves this symbol. */
function renderCluster({health, symbol}) {
  const c = (health && health.cluster) || {};
  $('health-cluster').hidden = !c.enabled;
  if (!c.enabled) {
    return;
  }
  const members = c.members || [];
  const owner = members.find((m) => (m.symbols || []).includes(symbol));
  const where = owner ? (owner.self ? 'this node' : owner.host + ':' + owner.http_port) : 'being taken over';
  chip('health-cluster', members.length + ' nodes · ' + (c.state || 'joining') + ' · ' + symbol + ' on ' + where,
    c.state === 'stable' ? 'ok' : 'warn',
    members.map((m) => (m.self ? '* ' : '') + m.host + ':' + m.http_port + ' ' + (m.symbols || []).length
      + ' symbols').join('\n'));
}

/** From /health's database section and the /db-health probe: a connection /health still believes in may be gone. */
function renderDatabase({database: {status: db, probe}}) {
  const el = $('health-db');
  if (!db || db.mode === 'starting') {
    chip('health-db', 'starting', 'warn');
  } else if (db.mode === 'memory') {
    chip('health-db', 'memory only · nothing kept across a restart (STORE=memory)', 'warn', db.note || '');
    el.dataset.state = 'memory';
  } else if ((probe && probe.ok === false) || (!db.connected && (db.buffered > 0 || !probe))) {
    chip('health-db', 'down · ' + (db.buffered || 0) + ' waiting in the outbox on disk', 'bad',
      (probe && probe.error) || db.last_error || db.note || '');
    el.dataset.state = 'down';
  } else {
    chip('health-db', 'ok · ' + (db.written || 0) + ' written', 'ok',
      (db.mode === 'sqlite' ? 'embedded SQLite store' : 'PostgreSQL') + ' connected');
    el.dataset.state = 'ok';
  }
}

function renderServiceError({serviceError: e, health}) {
  const banner = $('connection-banner');
  banner.hidden = !e;
  if (e) {
    const meanwhile = health ? ': showing the last data received; retrying.' : '; retrying.';
    banner.textContent = e.stopping ? 'The service is stopping (a restart or deploy)' + meanwhile
      : 'Service unreachable (' + e.message + ')' + meanwhile;
  }
}

function renderAgents({agents}) {
  const body = $('agents-table').querySelector('tbody');
  const counts = {};
  const rows = agents.map((a) => {
    counts[a.status] = (counts[a.status] || 0) + 1;
    const tr = clone('agent-row').firstElementChild;
    tr.dataset.agent = a.agent;
    tr.dataset.status = a.status;
    tr.querySelector('.a-name').textContent = a.agent;
    tr.querySelector('.a-name').title = a.description;
    const status = tr.querySelector('.a-status');
    status.textContent = a.status;
    status.className = 'st-' + a.status;
    const run = tr.querySelector('.a-run');
    run.textContent = a.last_run ? F.ago(a.last_run) : 'not yet';
    run.title = a.last_run || '';
    tr.querySelector('.a-findings').textContent = a.findings === undefined ? F.DASH : String(a.findings);
    if (a.last_error || a.disabled_by) {
      tr.title = a.last_error ? 'last error' + (a.last_error_at ? ' at ' + a.last_error_at : '') + ': '
        + a.last_error : 'disabled: ' + a.disabled_by;
    }
    return tr;
  });
  body.replaceChildren(...rows);
  const parts = Object.entries(counts).map(([s, n]) => n + ' ' + s);
  const runs = agents.map((a) => Date.parse(a.last_run)).filter(F.isNum);
  if (runs.length) {
    parts.push('last run ' + F.ago(Math.max(...runs)));
  }
  const level = counts.error ? 'bad' : counts.starting ? 'warn' : 'ok';
  chip('health-agents', parts.join(' · ') || 'none', level, 'open for each agent\'s status and last run');
}

export function refreshHealth() {
  return request('/health').then(async (h) => {
    update({health: h, serviceError: null});
    const db = h.database;
    const probe = db && db.mode === 'postgres'
      ? await request('/db-health', {timeoutMs: 5000}).catch(() => null) : null;
    update({database: {status: db, probe}});
  }, (err) => {
    update({serviceError: {message: err.message, stopping: Boolean(err.body && err.body.status === 'stopping')}});
    throw err;
  });
}

/** The agents' descriptors and statuses: what the trend tile, the findings filter and run-now go by. */
export function refreshAgents() {
  return request('/agents').then((body) => update({agents: body.agents}));
}

export function bindHealth() {
  subscribe(['health'], renderHealth);
  subscribe(['health', 'symbol'], renderCluster);
  subscribe(['database'], renderDatabase);
  subscribe(['serviceError'], renderServiceError);
  subscribe(['agents'], renderAgents);
}
