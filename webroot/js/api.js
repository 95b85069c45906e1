/*
 * Requests to the service. Each one gives up after a timeout, so that a hung connection shows as a failed tile rather
 * than a refresh that never ends.
 */
import {failed, get} from './state.js';

class HttpError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body || null;
  }
}

/** The JSON answer of {@code path}; an HttpError (status 0 when there is no answer) otherwise. */
export async function request(path, {timeoutMs = 8000, ...options} = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const r = await fetch(path, {cache: 'no-store', ...options, signal: controller.signal});
    const text = await r.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's error page): the status says enough.
    }
    if (!r.ok) {
      throw new HttpError(r.status, (body && body.error) || ('HTTP ' + r.status), body);
    }
    return body;
  } catch (e) {
    if (e instanceof HttpError) {
      throw e;
    }
    throw new HttpError(0, e.name === 'AbortError' ? 'no answer within ' + Math.round(timeoutMs / 1000) + ' s'
      : 'service unreachable');
  } finally {
    clearTimeout(timer);
  }
}

/** A query string of the parameters that have a value. */
export function q(params) {
  const parts = Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v));
  return parts.length ? '?' + parts.join('&') : '';
}

/** The symbol an answer is of, read from it rather than assumed: an empty list of findings is the requested one's. */
function symbolOf(body, requested) {
  if (body && typeof body.symbol === 'string') {
    return body.symbol;
  }
  const rows = body && body.findings;
  return rows && rows.length ? rows[0].symbol : requested;
}

let sent = 0;

/**
 * A request for the selected symbol whose answer feeds {@code tiles}: {tiles, symbol, seq, body}, to be shown with
 * state.show(), which drops it when its symbol is no longer selected or a later request's answer is already shown.
 */
export async function symbolRequest(tiles, path, params = {}) {
  const requested = get().symbol;
  const seq = ++sent;
  try {
    const body = await request(path + q({symbol: requested, ...params}));
    return {tiles, symbol: symbolOf(body, requested), seq, body};
  } catch (err) {
    if (requested === get().symbol) {
      failed(tiles, err.message);
    }
    throw err;
  }
}

/**
 * Server-Sent Events of {@code path}: {@code events[name]} gets each event of that name parsed. A lost stream is
 * closed and opened again after 1 s, doubling to 15 s while it keeps failing. Returns the function that closes it for
 * good.
 */
export function liveStream(path, events, on) {
  let source = null;
  let retry = null;
  let waitMs = 1000;
  const open = () => {
    source = new EventSource(path);
    source.onopen = () => {
      waitMs = 1000;
      on.open();
    };
    for (const [event, handle] of Object.entries(events)) {
      source.addEventListener(event, (ev) => {
        let data;
        try {
          data = JSON.parse(ev.data);
        } catch {
          // A garbled event is one event lost, not the stream.
          return;
        }
        handle(data);
      });
    }
    // EventSource would retry on its own, at its own pace and not after every kind of failure: it is replaced instead.
    source.onerror = () => {
      source.close();
      on.lost();
      retry = setTimeout(open, waitMs);
      waitMs = Math.min(15000, waitMs * 2);
    };
  };
  open();
  return () => {
    clearTimeout(retry);
    source.close();
  };
}

/**
 * {@code ask} (a request whose promise says whether its answer was shown) made at most every {@code ms} for one key:
 * a new key (another symbol, another choice) is asked for at once, and an answer not shown or failed lets the next
 * call ask again.
 */
export function atMostEvery(ms, ask) {
  let last = {key: null, ms: 0};
  const forget = (key) => {
    if (last.key === key) {
      last = {key: null, ms: 0};
    }
  };
  return (key) => {
    if (last.key === key && Date.now() - last.ms < ms) {
      return Promise.resolve(false);
    }
    last = {key, ms: Date.now()};
    return ask().then((shown) => {
      if (!shown) {
        forget(key);
      }
      return shown;
    }, (err) => {
      forget(key);
      throw err;
    });
  };
}
