/*
 * tapewatch dashboard. Plain browser JavaScript, no build step.
 *
 * Every market request carries ?symbol= of the selected symbol. Each tile shows a badge with the symbol its data came
 * from, taken from the response (not from the selector), and a response for a symbol that is no longer selected is
 * dropped; a response older than one already shown for the same tile is dropped too. Findings arrive live through
 * the Server-Sent Events stream /findings/stream; the list is only polled while that stream is down.
 */
import * as echarts from '/webjars/echarts/5.3.1/dist/echarts.esm.min.js';
import * as F from './js/format.js';

(function () {
  'use strict';

  const TFS = ['1m', '5m', '15m'];
  const LS_SYMBOL = 'tapewatch.symbol';
  const LS_INTERVAL = 'tapewatch.refreshSeconds';
  const LS_WINDOW = 'tapewatch.csvWindow';
  const SS_TOKEN = 'tapewatch.adminToken';
  const MAX_ROWS = 300;
  const CHART_BARS = 120;
  const TILES = ['price', 'momentum', 'vwap', 'rvol', 'atr', 'trend', 'chart', 'findings', 'run'];

  const $ = (id) => document.getElementById(id);

  const state = {
    symbols: [],
    symbol: null,
    intervalS: 5,
    timer: null,
    refreshingFor: null,
    refreshPending: false,
    seq: 0,
    applied: {},
    decimals: {},
    lastPrice: {},
    findings: new Map(),
    agentFilter: '',
    agents: [],
    trend: {symbol: null, reading: null},
    stream: {es: null, state: 'connecting', retryMs: 1000, retryTimer: null, opens: 0, downSince: null},
    stats: {staleDropped: 0, refreshes: 0, streamEvents: 0, streamOpens: 0, streamErrors: 0},
    chartInfo: null,
    health: null
  };

  // ---------------------------------------------------------------------------------------------- requests

  class HttpError extends Error {
    constructor(status, message, body) {
      super(message);
      this.status = status;
      this.body = body || null;
    }
  }

  async function request(path, options) {
    const opts = Object.assign({cache: 'no-store'}, options || {});
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), opts.timeoutMs || 8000);
    opts.signal = controller.signal;
    try {
      const r = await fetch(path, opts);
      const text = await r.text();
      let body = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch (e) {
        body = null;
      }
      if (!r.ok) {
        throw new HttpError(r.status, (body && body.error) || ('HTTP ' + r.status), body);
      }
      return body;
    } catch (e) {
      if (e.name === 'AbortError') {
        throw new HttpError(0, 'no answer within ' + Math.round((opts.timeoutMs || 8000) / 1000) + ' s');
      }
      if (e instanceof HttpError) {
        throw e;
      }
      throw new HttpError(0, 'service unreachable');
    } finally {
      clearTimeout(timer);
    }
  }

  function q(params) {
    const parts = [];
    for (const [k, v] of Object.entries(params)) {
      if (v !== null && v !== undefined && v !== '') {
        parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
      }
    }
    return parts.length ? '?' + parts.join('&') : '';
  }

  /**
   * A request for the selected symbol whose answer feeds {@code tiles}. The answer is applied only while its symbol
   * is still selected and no newer answer for the same tile has been applied; {@code symbolOf} reads the symbol from
   * the answer.
   */
  function symbolRequest(tiles, path, symbolOf, apply) {
    const requested = state.symbol;
    const seq = ++state.seq;
    return request(path).then((body) => {
      const sym = symbolOf(body, requested);
      if (sym !== state.symbol) {
        state.stats.staleDropped++;
        return;
      }
      if (tiles.some((t) => (state.applied[t] || 0) > seq)) {
        return;
      }
      tiles.forEach((t) => {
        state.applied[t] = seq;
      });
      apply(body, sym);
      tiles.forEach((t) => tileUpdated(t, sym));
    }, (err) => {
      if (requested === state.symbol) {
        tiles.forEach((t) => tileFailed(t, err));
      }
      throw err;
    });
  }

  // ---------------------------------------------------------------------------------------------- tiles

  function tileEl(name) {
    return $('tile-' + name);
  }

  function badgeEl(name) {
    return tileEl(name).querySelector('.badge');
  }

  function tileUpdated(name, symbol) {
    const tile = tileEl(name);
    const badge = badgeEl(name);
    badge.textContent = symbol;
    badge.dataset.symbol = symbol;
    tile.dataset.symbol = symbol;
    tile.classList.remove('error');
    tile.dataset.updatedMs = String(Date.now());
    const foot = tile.querySelector('[data-role="updated"]');
    if (foot) {
      foot.textContent = 'updated ' + F.time(Date.now());
      foot.title = '';
    }
    markStale();
  }

  function tileFailed(name, err) {
    const tile = tileEl(name);
    tile.classList.add('error');
    const foot = tile.querySelector('[data-role="updated"]');
    if (foot) {
      const since = Number(tile.dataset.updatedMs);
      foot.textContent = 'update failed: ' + err.message + (since ? ' · data from ' + F.time(since) : '');
    }
  }

  /** A tile whose data came from another symbol than the selected one is dimmed and its badge marked. */
  function markStale() {
    for (const name of TILES) {
      const tile = tileEl(name);
      const badge = badgeEl(name);
      const stale = badge.dataset.symbol !== undefined && badge.dataset.symbol !== state.symbol;
      const empty = badge.dataset.symbol === undefined;
      tile.classList.toggle('stale', stale);
      tile.classList.toggle('empty', empty);
      badge.classList.toggle('stale', stale);
      badge.title = stale ? 'data of ' + badge.dataset.symbol + ', waiting for ' + state.symbol
        : empty ? 'waiting for data' : 'data of ' + badge.dataset.symbol;
    }
  }

  /** Sets a value cell: its text, and its raw number in data-value (empty for none); flashes it when it changed. */
  function setValue(id, value, text, cls, sub) {
    const el = $(id);
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
    el.classList.remove('pos', 'neg');
    if (cls) {
      el.classList.add(cls);
    }
    if (changed) {
      el.classList.remove('flash');
      // Restart the animation.
      void el.offsetWidth;
      el.classList.add('flash');
    }
  }

  function sign(x) {
    return F.isNum(x) && x > 0.05 ? 'pos' : F.isNum(x) && x < -0.05 ? 'neg' : null;
  }

  function decimals(symbol) {
    const d = state.decimals[symbol];
    return F.isNum(d) ? d : 2;
  }

  function notePrices(symbol, prices) {
    const d = F.priceDecimals(prices, state.decimals[symbol]);
    if (d !== null) {
      state.decimals[symbol] = d;
    }
  }

  function quoteCurrency(symbol) {
    const i = symbol.lastIndexOf('-');
    return i >= 0 ? symbol.slice(i + 1) : '';
  }

  function num(x) {
    return F.isNum(x) ? x : null;
  }

  function renderPrice(s, symbol) {
    notePrices(symbol, [s.last_price, s.best_bid, s.best_ask]);
    const d = decimals(symbol);
    state.lastPrice[symbol] = num(s.last_price);
    setValue('price-last', s.last_price, F.price(s.last_price, d));
    $('price-unit').textContent = quoteCurrency(symbol);
    setValue('price-bid', s.best_bid, F.price(s.best_bid, d));
    setValue('price-ask', s.best_ask, F.price(s.best_ask, d));
    let spread = null;
    let spreadBps = null;
    if (F.isNum(s.best_bid) && F.isNum(s.best_ask)) {
      spread = s.best_ask - s.best_bid;
      const mid = (s.best_ask + s.best_bid) / 2;
      spreadBps = mid > 0 ? spread / mid * 1e4 : null;
    }
    setValue('price-spread', spread, F.price(spread, d), null,
      spread === null ? null : (F.isNum(spreadBps) ? F.fixed(spreadBps, 1) + ' bps' : F.DASH));
    setValue('price-chg-60s', s.mom1_bps, F.bps(s.mom1_bps), sign(s.mom1_bps));
    setValue('price-chg-5m', s.mom5_bps, F.bps(s.mom5_bps), sign(s.mom5_bps));
  }

  function renderFeatures(f, symbol) {
    notePrices(symbol, [f.last_price, f.best_bid, f.best_ask]);
    const d = decimals(symbol);
    const last = num(f.last_price);
    for (const tf of TFS) {
      const mom = f['mom_bps_' + tf];
      setValue('mom-' + tf, mom, F.bps(mom), sign(mom));
      const vw = f['px_vs_vwap_bps_' + tf];
      const vwapPrice = F.isNum(vw) && last !== null ? last / (1 + vw / 1e4) : null;
      setValue('vwap-' + tf, vw, F.bps(vw), sign(vw));
      $('vwap-' + tf).title = vwapPrice === null ? '' : 'VWAP ' + F.price(vwapPrice, d);
      const rv = f['rvol_' + tf];
      setValue('rvol-' + tf, rv, F.times(rv), F.isNum(rv) && rv >= 2 ? 'hot' : null);
      $('rvol-' + tf).title = 'volume ' + F.volume(f['volume_' + tf]);
      const atr = f['atr_' + tf];
      const atrBps = F.isNum(atr) && last ? atr / last * 1e4 : null;
      // At least the price's decimals, and three significant digits of a small range.
      const atrDecimals = F.isNum(atr) && atr > 0 ? Math.min(8, Math.max(d, 2 - Math.floor(Math.log10(atr)))) : d;
      setValue('atr-' + tf, atr, F.price(atr, atrDecimals), null,
        F.isNum(atrBps) ? F.fixed(atrBps, 1) + ' bps' : null);
    }
  }

  // ---------------------------------------------------------------------------------------------- trend tile

  /** The label an agent gave a finding, as its descriptor in /agents declares it. */
  function labelOf(f) {
    const agent = state.agents.find((a) => a.agent === f.agent);
    return agent && agent.labels.find((l) => l.label === f.label);
  }

  /** The agent that keeps the posture: the trend tile shows its newest reading, which carries p_up and the posture. */
  function postureAgent() {
    return state.agents.find((a) => a.keeps_posture);
  }

  function isTrendReading(f) {
    const agent = postureAgent();
    const label = labelOf(f);
    return Boolean(agent) && f.agent === agent.agent && Boolean(label) && label.role === 'reading';
  }

  function isTrendFinding(f) {
    const agent = postureAgent();
    return Boolean(agent) && f.agent === agent.agent;
  }

  /** Takes the posture agent's findings of the selected symbol in. */
  function trendFindings(list, symbol) {
    if (state.trend.symbol !== symbol) {
      state.trend = {symbol, reading: null};
    }
    for (const f of list) {
      if (isTrendReading(f) && (!state.trend.reading || Date.parse(f.ts_utc) >= Date.parse(state.trend.reading.ts_utc))) {
        state.trend.reading = f;
      }
    }
    renderTrend(symbol);
  }

  function renderTrend(symbol) {
    const r = state.trend.reading;
    const d = r ? r.details || {} : {};
    setValue('trend-pup', d.p_up, F.prob(d.p_up), d.p_up >= 0.65 ? 'pos' : d.p_up <= 0.35 ? 'neg' : null);
    $('trend-gauge').style.width = F.isNum(d.p_up) ? Math.round(d.p_up * 100) + '%' : '0';
    setValue('trend-p1m', d.p_1m, F.prob(d.p_1m));
    setValue('trend-p5m', d.p_5m, F.prob(d.p_5m));
    setValue('trend-p15m', d.p_15m, F.prob(d.p_15m));
    const posture = d.posture || null;
    const postureEl = $('trend-posture');
    postureEl.textContent = posture || F.DASH;
    postureEl.dataset.value = posture || '';
    postureEl.className = posture === 'long' ? 'posture long' : posture === 'flat' ? 'posture flat' : '';
    if (r && typeof d.streak === 'number' && d.streak > 0) {
      postureEl.textContent += ' (streak ' + d.streak + ')';
    }
    if (posture === 'long') {
      setValue('trend-entry', d.entry_price, F.price(d.entry_price, decimals(symbol)));
    } else {
      setValue('trend-entry', null, posture === 'flat' ? 'none' : F.DASH);
    }
    const since = d.posture_since || null;
    const el = $('trend-since');
    el.dataset.value = since || '';
    el.textContent = since ? F.time(since) : r ? 'since start' : F.DASH;
    el.title = since ? since + ' (' + F.ago(since) + ')' : r ? 'no posture change since the service started' : '';
  }

  function refreshTrend() {
    return symbolRequest(['trend'], '/findings' + q({symbol: state.symbol, agent: postureAgent().agent, limit: 5}),
      findingsSymbol, (body, sym) => trendFindings(body.findings, sym));
  }

  function findingsSymbol(body, requested) {
    const rows = body && body.findings;
    return rows && rows.length ? rows[0].symbol : requested;
  }

  // ---------------------------------------------------------------------------------------------- chart

  let chart = null;

  function initChart() {
    chart = echarts.init($('chart'), 'dark', {renderer: 'canvas'});
    chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      legend: {show: false},
      tooltip: {trigger: 'axis', axisPointer: {type: 'cross'}, confine: true},
      axisPointer: {link: [{xAxisIndex: 'all'}]},
      grid: [
        {left: 64, right: 12, top: 8, height: '62%'},
        {left: 64, right: 12, top: '76%', bottom: 24}
      ],
      xAxis: [
        {type: 'category', data: [], boundaryGap: true, axisLabel: {show: false}, axisTick: {show: false}},
        {type: 'category', gridIndex: 1, data: [], boundaryGap: true}
      ],
      yAxis: [
        {scale: true, splitLine: {lineStyle: {color: '#222a33'}}},
        {scale: true, gridIndex: 1, splitNumber: 2, axisLabel: {formatter: (v) => F.volume(v)},
          splitLine: {show: false}}
      ],
      dataZoom: [{type: 'inside', xAxisIndex: [0, 1], start: 0, end: 100}],
      series: [
        {name: 'price', type: 'candlestick', data: [],
          itemStyle: {color: '#26a69a', color0: '#ef5350', borderColor: '#26a69a', borderColor0: '#ef5350'}},
        {name: 'volume', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: [], barMaxWidth: 8}
      ]
    });
    if (window.ResizeObserver) {
      new ResizeObserver(() => chart.resize()).observe($('chart'));
    } else {
      window.addEventListener('resize', () => chart.resize());
    }
  }

  function renderChart(body, symbol) {
    const bars = body.bars || [];
    const prices = [];
    bars.forEach((b) => prices.push(b.open, b.high, b.low, b.close));
    notePrices(symbol, prices.slice(-40));
    const d = decimals(symbol);
    const times = bars.map((b) => F.hhmm(Date.parse(b.ts_utc)));
    const candles = bars.map((b) => [b.open, b.close, b.low, b.high]);
    const volumes = bars.map((b) => ({value: b.volume,
      itemStyle: {color: b.close >= b.open ? 'rgba(38,166,154,0.6)' : 'rgba(239,83,80,0.6)'}}));
    state.chartInfo = {symbol, count: bars.length,
      lastTs: bars.length ? bars[bars.length - 1].ts_utc : null,
      lastClose: bars.length ? bars[bars.length - 1].close : null};
    // Both grids share one left margin wide enough for the longest price label, so candles and volumes line up.
    const widest = bars.reduce((m, b) => Math.max(m, F.price(b.high, d).length, F.price(b.low, d).length), 4);
    const left = 14 + widest * 7;
    chart.setOption({
      grid: [{left}, {left}],
      xAxis: [{data: times}, {data: times}],
      yAxis: [{axisLabel: {formatter: (v) => F.price(v, d)}}, {}],
      tooltip: {formatter: (items) => chartTooltip(items, bars, d, symbol)},
      series: [{name: symbol, data: candles}, {data: volumes}]
    });
  }

  function chartTooltip(items, bars, d, symbol) {
    if (!items || !items.length) {
      return '';
    }
    const b = bars[items[0].dataIndex];
    if (!b) {
      return '';
    }
    const esc = escapeHtml;
    return esc(symbol) + ' · ' + esc(F.time(b.ts_utc)) + '<br>'
      + 'O ' + esc(F.price(b.open, d)) + ' H ' + esc(F.price(b.high, d)) + '<br>'
      + 'L ' + esc(F.price(b.low, d)) + ' C ' + esc(F.price(b.close, d)) + '<br>'
      + 'vol ' + esc(F.volume(b.volume)) + ' · ' + b.trades + ' trades';
  }

  // ---------------------------------------------------------------------------------------------- findings

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;',
      "'": '&#39;'}[c]));
  }

  function passesFilter(f) {
    const a = state.agentFilter;
    if (!a) {
      return true;
    }
    if (a === '-readings') {
      const label = labelOf(f);
      return !label || label.role !== 'reading';
    }
    return f.agent === a;
  }

  /** The side a label calls, from its descriptor: a label whose side depends on the score gets none. */
  function labelClass(f) {
    const label = labelOf(f);
    return label && label.direction === 1 ? 'up' : label && label.direction === -1 ? 'down' : '';
  }

  function findingRow(f) {
    const li = document.createElement('li');
    li.className = 'finding';
    li.dataset.id = f.id;
    li.dataset.ts = f.ts_utc;
    li.dataset.agent = f.agent;
    li.dataset.label = f.label;
    li.dataset.testid = 'finding-row';
    const det = document.createElement('details');
    const sum = document.createElement('summary');
    sum.innerHTML = '<time class="f-time"></time><span class="f-agent"></span>'
      + '<span class="f-label"></span><span class="f-score"></span>';
    sum.querySelector('.f-time').textContent = F.time(f.ts_utc);
    sum.querySelector('.f-time').dateTime = f.ts_utc;
    sum.querySelector('.f-time').title = f.ts_utc;
    sum.querySelector('.f-agent').textContent = f.agent;
    const label = sum.querySelector('.f-label');
    label.textContent = f.label;
    const lc = labelClass(f);
    if (lc) {
      label.classList.add(lc);
    }
    sum.querySelector('.f-score').textContent = F.score(f.score);
    sum.querySelector('.f-score').dataset.value = F.isNum(f.score) ? String(f.score) : '';
    det.appendChild(sum);
    const pre = document.createElement('pre');
    pre.className = 'f-details';
    pre.textContent = JSON.stringify(f.details, null, 2) + '\n\nid ' + f.id;
    det.appendChild(pre);
    li.appendChild(det);
    return li;
  }

  /** Adds findings of the selected symbol: each id once, newest first, rows already shown stay where they are. */
  function addFindings(list, symbol, live) {
    if (symbol !== state.symbol) {
      return;
    }
    const ol = $('findings-list');
    const fresh = list.filter((f) => f && f.id && f.symbol === symbol && !state.findings.has(f.id));
    // Oldest first, so that each insertion lands above the rows older than it.
    fresh.sort((a, b) => Date.parse(a.ts_utc) - Date.parse(b.ts_utc));
    for (const f of fresh) {
      state.findings.set(f.id, f);
      if (!passesFilter(f)) {
        continue;
      }
      insertRow(ol, findingRow(f), f, live);
    }
    trimRows();
    updateEmpty();
  }

  function insertRow(ol, li, f, live) {
    const ts = Date.parse(f.ts_utc);
    let before = ol.firstElementChild;
    while (before && Date.parse(before.dataset.ts) > ts) {
      before = before.nextElementSibling;
    }
    if (live) {
      li.classList.add('new');
    }
    ol.insertBefore(li, before);
  }

  function trimRows() {
    const ol = $('findings-list');
    while (ol.children.length > MAX_ROWS) {
      const last = ol.lastElementChild;
      state.findings.delete(last.dataset.id);
      ol.removeChild(last);
    }
    if (state.findings.size > MAX_ROWS * 4) {
      // Hidden rows (filtered out) are kept only up to a bound.
      const shown = new Set(Array.from(ol.children).map((li) => li.dataset.id));
      const all = Array.from(state.findings.values()).sort((a, b) => Date.parse(b.ts_utc) - Date.parse(a.ts_utc));
      all.slice(MAX_ROWS * 2).forEach((f) => {
        if (!shown.has(f.id)) {
          state.findings.delete(f.id);
        }
      });
    }
  }

  function updateEmpty() {
    $('findings-empty').hidden = $('findings-list').children.length > 0;
  }

  function rerenderFindings() {
    const ol = $('findings-list');
    ol.textContent = '';
    const all = Array.from(state.findings.values()).filter(passesFilter)
      .sort((a, b) => Date.parse(b.ts_utc) - Date.parse(a.ts_utc)).slice(0, MAX_ROWS);
    all.forEach((f) => ol.appendChild(findingRow(f)));
    updateEmpty();
  }

  function refreshFindings() {
    const symbol = state.symbol;
    const a = state.agentFilter && state.agentFilter !== '-readings' ? state.agentFilter : null;
    return symbolRequest(['findings'], '/findings' + q({symbol, agent: a, limit: a ? 100 : 200}), findingsSymbol,
      (body, sym) => {
        addFindings(body.findings, sym, false);
        trendFindings(body.findings.filter(isTrendFinding), sym);
      });
  }

  /** The filter offers every agent /agents lists, new ones appended: the choice in use stays. */
  function noteAgents(agents) {
    const select = $('agent-filter');
    const offered = Array.from(select.options).map((o) => o.value);
    for (const a of agents) {
      if (!offered.includes(a.agent)) {
        const o = new Option(a.agent, a.agent);
        o.title = a.description;
        select.appendChild(o);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- live stream

  function setStreamState(s, detail) {
    state.stream.state = s;
    const el = $('stream-state');
    el.dataset.state = s;
    el.textContent = s === 'live' ? 'live' : s === 'reconnecting' ? 'reconnecting…' : 'connecting…';
    el.title = detail || (s === 'live' ? 'findings arrive as they are made' : 'the live stream is down; '
      + 'the list is polled meanwhile');
  }

  function closeStream() {
    const st = state.stream;
    if (st.retryTimer) {
      clearTimeout(st.retryTimer);
      st.retryTimer = null;
    }
    if (st.es) {
      st.es.close();
      st.es = null;
    }
  }

  /** One EventSource for the selected symbol; on any error it is closed and reopened with backoff (1 s to 15 s). */
  function openStream() {
    closeStream();
    const st = state.stream;
    const symbol = state.symbol;
    const es = new EventSource('/findings/stream' + q({symbol}));
    st.es = es;
    if (st.state !== 'reconnecting') {
      setStreamState('connecting');
    }
    es.onopen = () => {
      if (st.es !== es) {
        return;
      }
      const wasDown = st.downSince;
      st.retryMs = 1000;
      st.downSince = null;
      state.stats.streamOpens++;
      setStreamState('live');
      // Whatever was made while the stream was down comes from the list endpoint.
      refreshFindings().catch(() => {});
      if (wasDown) {
        refreshTrend().catch(() => {});
      }
    };
    es.addEventListener('finding', (ev) => {
      if (st.es !== es) {
        return;
      }
      let f;
      try {
        f = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      state.stats.streamEvents++;
      if (f.symbol !== state.symbol) {
        state.stats.staleDropped++;
        return;
      }
      addFindings([f], f.symbol, true);
      if (isTrendFinding(f)) {
        trendFindings([f], f.symbol);
        tileUpdated('trend', f.symbol);
      }
      tileUpdated('findings', f.symbol);
    });
    es.onerror = () => {
      if (st.es !== es) {
        return;
      }
      state.stats.streamErrors++;
      es.close();
      st.es = null;
      if (!st.downSince) {
        st.downSince = Date.now();
      }
      setStreamState('reconnecting', 'live stream lost at ' + F.time(st.downSince) + '; retrying');
      const wait = st.retryMs;
      st.retryMs = Math.min(15000, st.retryMs * 2);
      st.retryTimer = setTimeout(() => {
        st.retryTimer = null;
        openStream();
      }, wait);
    };
  }

  // ---------------------------------------------------------------------------------------------- CSV

  function csvHref() {
    const w = $('csv-window').value;
    const a = state.agentFilter && state.agentFilter !== '-readings' ? state.agentFilter : null;
    const params = {symbol: state.symbol, agent: a, limit: 1000};
    if (w !== 'all') {
      params.since = new Date(Date.now() - Number(w) * 1000).toISOString();
    }
    return '/findings.csv' + q(params);
  }

  function updateCsvLink() {
    const link = $('csv-export');
    link.href = csvHref();
    link.download = 'findings_' + state.symbol + '.csv';
    link.title = 'findings of ' + state.symbol + ' as CSV, ' + $('csv-window').selectedOptions[0].textContent
      + (state.agentFilter && state.agentFilter !== '-readings' ? ', agent ' + state.agentFilter : ', all agents');
  }

  // ---------------------------------------------------------------------------------------------- health

  function chip(id, text, level, title) {
    const el = $(id);
    const v = el.querySelector('.v');
    v.textContent = text;
    el.dataset.level = level;
    el.dataset.state = level;
    el.title = title || '';
  }

  function renderHealth(h) {
    state.health = h;
    chip('health-service', h.status, h.status === 'ok' ? 'ok' : h.status === 'starting' ? 'warn' : 'bad',
      'up ' + h.uptime_s + ' s');
    const feed = h.feed || {};
    const mode = feed.mode || 'starting';
    let feedText;
    let feedLevel;
    if (mode === 'replay') {
      feedText = 'replay · ' + (feed.replay_finished ? 'finished' : feed.connected ? 'playing' : 'stopped');
      feedLevel = 'warn';
    } else if (mode === 'sim') {
      feedText = 'simulator · ' + (feed.connected ? 'running' : 'stopped');
      feedLevel = 'warn';
    } else if (mode === 'coinbase') {
      feedText = 'coinbase · ' + (feed.connected ? 'connected' : 'disconnected');
      feedLevel = feed.connected ? 'ok' : 'bad';
    } else {
      feedText = mode;
      feedLevel = 'warn';
    }
    if (F.isNum(feed.last_message_age_s) && feed.last_message_age_s >= 5) {
      feedText += ' · last message ' + F.seconds(feed.last_message_age_s) + ' ago';
    }
    chip('health-feed', feedText, feedLevel, 'messages ' + (feed.messages || 0) + ', reconnects '
      + (feed.reconnects || 0) + (feed.last_error ? ', last error: ' + feed.last_error : ''));
    $('health-feed').dataset.mode = mode;
    const banner = $('feed-banner');
    if (mode === 'sim') {
      banner.hidden = false;
      banner.className = 'banner banner-warn';
      banner.textContent = 'Simulated data: the feed is the built-in simulator. These prices are not the market.';
    } else if (mode === 'replay') {
      banner.hidden = false;
      banner.className = 'banner banner-warn';
      banner.textContent = 'Replay of recorded data' + (feed.replay_finished ? ' (finished)' : '')
        + ': not the live market.';
    } else if (mode === 'coinbase' && !feed.connected) {
      banner.hidden = false;
      banner.className = 'banner banner-error';
      banner.textContent = 'Feed disconnected: prices are stale until it reconnects'
        + (feed.last_error ? ' (' + feed.last_error + ')' : '') + '.';
    } else {
      banner.hidden = true;
    }
    banner.dataset.mode = mode;

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
    renderCluster(h.cluster || {});
  }

  /** Cluster mode only: how many nodes, whether every symbol has an owner, and which node serves this symbol. */
  function renderCluster(c) {
    const el = $('health-cluster');
    el.hidden = !c.enabled;
    if (!c.enabled) {
      return;
    }
    const members = c.members || [];
    const owner = members.find((m) => (m.symbols || []).includes(state.symbol));
    const where = owner ? (owner.self ? 'this node' : owner.host + ':' + owner.http_port) : 'being taken over';
    chip('health-cluster', members.length + ' nodes · ' + (c.state || 'joining') + ' · ' + state.symbol + ' on '
      + where, c.state === 'stable' ? 'ok' : 'warn',
      members.map((m) => (m.self ? '* ' : '') + m.host + ':' + m.http_port + ' ' + (m.symbols || []).length
        + ' symbols').join('\n'));
  }

  function renderDatabase(db, probe) {
    const el = $('health-db');
    if (!db || db.mode === 'starting') {
      chip('health-db', 'starting', 'warn');
      return;
    }
    if (db.mode === 'memory') {
      chip('health-db', 'memory only · findings kept in memory (no DATABASE_URL)', 'warn', db.note || '');
      el.dataset.state = 'memory';
      return;
    }
    const down = (probe && probe.ok === false) || (!db.connected && db.buffered > 0)
      || (!db.connected && !probe);
    if (down) {
      chip('health-db', 'down · findings kept in memory (' + (db.buffered || 0) + ' waiting)', 'bad',
        (probe && probe.error) || db.last_error || db.note || '');
      el.dataset.state = 'down';
    } else {
      chip('health-db', 'ok · ' + (db.written || 0) + ' written', 'ok', 'PostgreSQL connected');
      el.dataset.state = 'ok';
    }
  }

  function renderAgents(agents) {
    const body = $('agents-table').querySelector('tbody');
    body.textContent = '';
    const counts = {};
    for (const a of agents) {
      counts[a.status] = (counts[a.status] || 0) + 1;
      const tr = document.createElement('tr');
      tr.dataset.agent = a.agent;
      tr.dataset.status = a.status;
      const cells = [a.agent, a.status, a.last_run ? F.ago(a.last_run) : 'not yet',
        a.findings === undefined ? F.DASH : String(a.findings)];
      cells.forEach((c, i) => {
        const td = document.createElement('td');
        td.textContent = c;
        if (i === 1) {
          td.className = 'st-' + a.status;
        }
        if (i === 2 && a.last_run) {
          td.title = a.last_run;
        }
        tr.appendChild(td);
      });
      if (a.last_error || a.disabled_by) {
        tr.title = a.last_error ? 'last error' + (a.last_error_at ? ' at ' + a.last_error_at : '') + ': '
          + a.last_error : 'disabled: ' + a.disabled_by;
      }
      body.appendChild(tr);
    }
    const parts = Object.entries(counts).map(([s, n]) => n + ' ' + s);
    const runs = agents.map((a) => Date.parse(a.last_run)).filter(F.isNum);
    if (runs.length) {
      parts.push('last run ' + F.ago(Math.max(...runs)));
    }
    const level = counts.error ? 'bad' : counts.starting ? 'warn' : 'ok';
    chip('health-agents', parts.join(' · ') || 'none', level, 'open for each agent\'s status and last run');
    noteAgents(agents);
  }

  function refreshHealth() {
    return request('/health').then((h) => {
      $('connection-banner').hidden = true;
      renderHealth(h);
      const db = h.database;
      if (db && db.mode === 'postgres') {
        return request('/db-health', {timeoutMs: 5000}).then((probe) => renderDatabase(db, probe),
          () => renderDatabase(db, null));
      }
      renderDatabase(db, null);
      return null;
    }, (err) => {
      const banner = $('connection-banner');
      banner.hidden = false;
      banner.textContent = err.body && err.body.status === 'stopping'
        ? 'The service is stopping (a restart or deploy): showing the last data received; retrying.'
        : 'Service unreachable (' + err.message + '): showing the last data received; retrying.';
      throw err;
    });
  }

  function refreshAgents() {
    return request('/agents').then((body) => {
      state.agents = body.agents;
      renderAgents(body.agents);
    });
  }

  // ---------------------------------------------------------------------------------------------- run now

  async function runNow() {
    const symbol = state.symbol;
    const button = $('run-now');
    const status = $('run-now-status');
    button.disabled = true;
    // The LLM analyst runs on findings, not on demand.
    const names = state.agents.filter((a) => !a.needs_llm).map((a) => a.agent);
    status.textContent = 'running ' + names.length + ' agents on ' + symbol + '…';
    status.dataset.state = 'running';
    const token = sessionStorage.getItem(SS_TOKEN);
    const headers = {Accept: 'application/json'};
    if (token) {
      headers.Authorization = 'Bearer ' + token;
    }
    try {
      const body = await request('/agents/run-now' + q({symbol, names: names.join(',')}),
        {method: 'POST', headers, timeoutMs: 20000});
      $('token-form').hidden = true;
      showRunResults(body, symbol);
    } catch (err) {
      if (err.status === 401) {
        if (token) {
          sessionStorage.removeItem(SS_TOKEN);
        }
        askToken(token ? 'That token was refused. Enter the admin token (ADMIN_TOKEN) to run agents.'
          : 'This service needs its admin token (ADMIN_TOKEN) to run agents.');
        status.textContent = token ? 'token refused' : 'admin token needed';
        status.dataset.state = 'auth';
      } else {
        status.textContent = 'run failed: ' + err.message;
        status.dataset.state = 'error';
      }
    } finally {
      button.disabled = false;
    }
  }

  function askToken(message) {
    $('token-message').textContent = message;
    $('token-form').hidden = false;
    $('admin-token').value = '';
    $('admin-token').focus();
  }

  function showRunResults(body, symbol) {
    const status = $('run-now-status');
    const ul = $('run-now-results');
    ul.textContent = '';
    const results = body.results || [];
    let found = 0;
    let errors = 0;
    let sym = symbol;
    for (const r of results) {
      sym = r.symbol || sym;
      const li = document.createElement('li');
      li.dataset.agent = r.agent;
      li.dataset.testid = 'run-result';
      const name = document.createElement('span');
      name.className = 'r-agent';
      name.textContent = r.agent;
      const what = document.createElement('span');
      what.className = 'r-what';
      if (r.error && /^disabled\b/.test(r.error)) {
        li.dataset.outcome = 'disabled';
        what.textContent = r.error;
        what.classList.add('muted');
      } else if (r.error) {
        errors++;
        li.dataset.outcome = 'error';
        what.textContent = r.error;
        what.classList.add('neg');
      } else if (r.finding) {
        found++;
        li.dataset.outcome = 'finding';
        li.dataset.findingId = r.finding.id;
        what.textContent = r.finding.label + ' · ' + F.score(r.finding.score);
      } else {
        li.dataset.outcome = 'none';
        what.textContent = 'nothing found';
        what.classList.add('muted');
      }
      li.appendChild(name);
      li.appendChild(what);
      ul.appendChild(li);
    }
    status.textContent = 'ran ' + (body.ran || []).length + ' agents at ' + F.time(Date.now()) + ': ' + found
      + ' finding' + (found === 1 ? '' : 's') + (errors ? ', ' + errors + ' error' + (errors === 1 ? '' : 's') : '');
    status.dataset.state = errors ? 'error' : 'ok';
    tileUpdated('run', sym);
    // The findings also come through the stream; adding them here shows them even while it is down.
    if (sym === state.symbol) {
      const made = results.filter((r) => r.finding).map((r) => r.finding);
      addFindings(made, sym, true);
      trendFindings(made.filter(isTrendFinding), sym);
    }
  }

  // ---------------------------------------------------------------------------------------------- refresh loop

  async function refresh() {
    const symbol = state.symbol;
    if (state.refreshingFor === symbol) {
      // Asked again for the same symbol while one runs (a new interval, the tab shown again): once it ends.
      state.refreshPending = true;
      return;
    }
    // A new symbol does not wait for the previous one's answers; those are dropped when they come.
    state.refreshingFor = symbol;
    state.refreshPending = false;
    const jobs = [
      refreshHealth(),
      refreshAgents(),
      symbolRequest(['price'], '/signals' + q({symbol}), (b) => b.symbol, renderPrice),
      symbolRequest(['momentum', 'vwap', 'rvol', 'atr'], '/debug/features' + q({symbol}), (b) => b.symbol,
        renderFeatures),
      symbolRequest(['chart'], '/bars' + q({symbol, tf: '1m', limit: CHART_BARS}), (b) => b.symbol, renderChart),
      refreshTrend()
    ];
    if (state.stream.state !== 'live') {
      jobs.push(refreshFindings());
    }
    const results = await Promise.allSettled(jobs);
    if (state.refreshingFor !== symbol) {
      return;
    }
    state.refreshingFor = null;
    state.stats.refreshes++;
    updateCsvLink();
    const failed = results.filter((r) => r.status === 'rejected').length;
    const el = $('refresh-state');
    el.textContent = (failed ? failed + ' of ' + results.length + ' requests failed · ' : '') + 'updated '
      + F.time(Date.now()) + (state.intervalS ? '' : ' · paused');
    el.dataset.state = failed ? 'error' : 'ok';
    if (state.refreshPending) {
      await refresh();
    }
  }

  function schedule() {
    if (state.timer) {
      clearTimeout(state.timer);
      state.timer = null;
    }
    if (state.intervalS > 0) {
      state.timer = setTimeout(async () => {
        state.timer = null;
        await refresh();
        schedule();
      }, state.intervalS * 1000);
    }
  }

  function refreshNow() {
    refresh().then(schedule);
  }

  // ---------------------------------------------------------------------------------------------- symbol

  function symbolFromHash() {
    const m = /(?:^#|&)symbol=([^&]+)/.exec(location.hash);
    if (!m) {
      return null;
    }
    return decodeURIComponent(m[1]).trim().toUpperCase();
  }

  function storedSymbol() {
    try {
      return localStorage.getItem(LS_SYMBOL);
    } catch (e) {
      return null;
    }
  }

  function selectSymbol(symbol, why) {
    if (!state.symbols.includes(symbol)) {
      return;
    }
    const changed = symbol !== state.symbol;
    state.symbol = symbol;
    $('symbol').value = symbol;
    try {
      localStorage.setItem(LS_SYMBOL, symbol);
    } catch (e) {
      // private mode: the hash still carries it
    }
    const hash = '#symbol=' + encodeURIComponent(symbol);
    if (location.hash !== hash) {
      history.replaceState(null, '', hash);
    }
    document.title = symbol + ' · tapewatch';
    if (!changed && why !== 'start') {
      return;
    }
    // The list belongs to one symbol; rows of the previous one go, the tiles keep their data marked stale.
    state.findings.clear();
    $('findings-list').textContent = '';
    updateEmpty();
    $('run-now-results').textContent = '';
    $('run-now-status').textContent = '';
    // The list and the run results start empty for the new symbol: their badges name no symbol until data comes.
    for (const name of ['findings', 'run']) {
      const badge = badgeEl(name);
      delete badge.dataset.symbol;
      badge.textContent = '—';
    }
    markStale();
    updateCsvLink();
    state.stream.downSince = null;
    state.stream.retryMs = 1000;
    setStreamState('connecting');
    openStream();
    refreshNow();
  }

  // ---------------------------------------------------------------------------------------------- start

  function bind() {
    $('symbol').addEventListener('change', (e) => selectSymbol(e.target.value, 'select'));
    window.addEventListener('hashchange', () => {
      const s = symbolFromHash();
      if (s && s !== state.symbol) {
        selectSymbol(s, 'hash');
      }
    });
    const interval = $('refresh-interval');
    interval.addEventListener('change', () => {
      state.intervalS = Number(interval.value);
      try {
        localStorage.setItem(LS_INTERVAL, interval.value);
      } catch (e) {
        // not kept
      }
      refreshNow();
    });
    $('agent-filter').addEventListener('change', (e) => {
      state.agentFilter = e.target.value;
      rerenderFindings();
      updateCsvLink();
      refreshFindings().catch(() => {});
    });
    $('csv-window').addEventListener('change', () => {
      try {
        localStorage.setItem(LS_WINDOW, $('csv-window').value);
      } catch (e) {
        // not kept
      }
      updateCsvLink();
    });
    // The window ends now: the link is renewed the moment it is used.
    ['pointerdown', 'focus', 'keydown'].forEach((ev) => $('csv-export').addEventListener(ev, updateCsvLink));
    $('run-now').addEventListener('click', runNow);
    $('token-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const t = $('admin-token').value.trim();
      if (!t) {
        return;
      }
      sessionStorage.setItem(SS_TOKEN, t);
      $('token-form').hidden = true;
      runNow();
    });
    $('admin-token-cancel').addEventListener('click', () => {
      $('token-form').hidden = true;
      $('run-now-status').textContent = '';
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && state.symbol) {
        refreshNow();
      }
    });
  }

  function restorePrefs() {
    try {
      const i = localStorage.getItem(LS_INTERVAL);
      if (i !== null && Array.from($('refresh-interval').options).some((o) => o.value === i)) {
        $('refresh-interval').value = i;
      }
      const w = localStorage.getItem(LS_WINDOW);
      if (w !== null && Array.from($('csv-window').options).some((o) => o.value === w)) {
        $('csv-window').value = w;
      }
    } catch (e) {
      // defaults
    }
    state.intervalS = Number($('refresh-interval').value);
  }

  async function start() {
    $('tz').textContent = Intl.DateTimeFormat().resolvedOptions().timeZone || 'browser time';
    bind();
    restorePrefs();
    initChart();
    markStale();
    // The agents' descriptors first: the trend tile, the findings filter and run-now read them.
    let h = null;
    while (!h) {
      try {
        [h] = await Promise.all([request('/health'), refreshAgents()]);
      } catch (e) {
        const banner = $('connection-banner');
        banner.hidden = false;
        banner.textContent = 'Service unreachable (' + e.message + '); retrying.';
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    state.symbols = h.symbols || [];
    const select = $('symbol');
    for (const s of state.symbols) {
      const o = document.createElement('option');
      o.value = s;
      o.textContent = s;
      select.appendChild(o);
    }
    const wanted = [symbolFromHash(), storedSymbol(), state.symbols[0]];
    const symbol = wanted.find((s) => s && state.symbols.includes(s));
    selectSymbol(symbol, 'start');
  }

  // For the browser tests and for curious users: read-only views of what the page holds.
  window.tapewatch = {
    get state() {
      return state;
    },
    get chart() {
      return chart;
    },
    refreshNow
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
