/*
 * "Run agents now" for the selected symbol, with each agent's result. A service with ADMIN_TOKEN answers 401: the
 * page then asks for the token, keeps it in sessionStorage for the tab and retries; a refused token is asked again.
 */
import {runnable} from './descriptors.js';
import {$, clone} from './dom.js';
import * as F from './format.js';
import {q, request} from './api.js';
import {get, show, subscribe, withFindings} from './state.js';

const SS_TOKEN = 'tapewatch.adminToken';

function setStatus(text, state) {
  const status = $('run-now-status');
  status.textContent = text;
  status.dataset.state = state;
}

function askToken(message) {
  $('token-message').textContent = message;
  $('token-form').hidden = false;
  $('admin-token').value = '';
  $('admin-token').focus();
}

/** One result's row: [outcome, text, class of the text]. */
function outcome(r) {
  if (r.error) {
    return /^disabled\b/.test(r.error) ? ['disabled', r.error, 'muted'] : ['error', r.error, 'neg'];
  }
  return r.finding ? ['finding', r.finding.label + ' · ' + F.score(r.finding.score), null]
    : ['none', 'nothing found', 'muted'];
}

function showResults(body, requested) {
  const results = body.results || [];
  const symbol = results.length ? results[0].symbol : requested;
  // The findings also come through the stream; adding them here shows them even while it is down.
  if (!show({tiles: ['run'], symbol}, withFindings(results.filter((r) => r.finding).map((r) => r.finding), symbol))) {
    return;
  }
  const rows = results.map((r) => {
    const li = clone('run-result').firstElementChild;
    const [kind, text, cls] = outcome(r);
    li.dataset.agent = r.agent;
    li.dataset.outcome = kind;
    if (r.finding) {
      li.dataset.findingId = r.finding.id;
    }
    li.querySelector('.r-agent').textContent = r.agent;
    const what = li.querySelector('.r-what');
    what.textContent = text;
    if (cls) {
      what.classList.add(cls);
    }
    return li;
  });
  $('run-now-results').replaceChildren(...rows);
  const found = results.filter((r) => r.finding).length;
  const errors = rows.filter((li) => li.dataset.outcome === 'error').length;
  setStatus('ran ' + (body.ran || []).length + ' agents at ' + F.time(Date.now()) + ': ' + found + ' finding'
    + (found === 1 ? '' : 's') + (errors ? ', ' + errors + ' error' + (errors === 1 ? '' : 's') : ''),
  errors ? 'error' : 'ok');
}

async function runNow() {
  const {symbol, agents} = get();
  const names = runnable(agents);
  const button = $('run-now');
  button.disabled = true;
  setStatus('running ' + names.length + ' agents on ' + symbol + '…', 'running');
  const token = sessionStorage.getItem(SS_TOKEN);
  const headers = {Accept: 'application/json', ...(token ? {Authorization: 'Bearer ' + token} : {})};
  try {
    const body = await request('/agents/run-now' + q({symbol, names: names.join(',')}),
      {method: 'POST', headers, timeoutMs: 20000});
    $('token-form').hidden = true;
    showResults(body, symbol);
  } catch (err) {
    if (err.status === 401) {
      sessionStorage.removeItem(SS_TOKEN);
      askToken(token ? 'That token was refused. Enter the admin token (ADMIN_TOKEN) to run agents.'
        : 'This service needs its admin token (ADMIN_TOKEN) to run agents.');
      setStatus(token ? 'token refused' : 'admin token needed', 'auth');
    } else {
      setStatus('run failed: ' + err.message, 'error');
    }
  } finally {
    button.disabled = false;
  }
}

export function bindRunNow() {
  $('run-now').addEventListener('click', runNow);
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('admin-token').value.trim();
    if (t) {
      sessionStorage.setItem(SS_TOKEN, t);
      $('token-form').hidden = true;
      runNow();
    }
  });
  $('admin-token-cancel').addEventListener('click', () => {
    $('token-form').hidden = true;
    $('run-now-status').textContent = '';
  });
  // The results belong to the symbol they were run for.
  subscribe(['symbol'], () => {
    $('run-now-results').textContent = '';
    $('run-now-status').textContent = '';
  });
}
