package dev.tapewatch.bus;

import java.util.Locale;

/**
 * Every event-bus address, in one place, each with the shape of its messages; a symbol's own addresses are the
 * constants of {@link Market}.
 *
 * <p>In cluster mode the market, run-now and {@link #FINDINGS} addresses span the cluster (a request reaches the
 * symbol's owner wherever it runs); the status, store and stopping addresses are consumed with
 * {@code localConsumer}, so each node hears only its own verticles: a finding is stored and alerted by the node that
 * produced it, once.
 */
public final class Addresses {
  /** How often every status address is published; /health reads a status older than a few periods as stale. */
  public static final long STATUS_PERIOD_MS = 1000;
  /**
   * Published every second by each symbol's verticle: {@code {symbol, trades_cached, last_trade_ms, late_trades,
   * bars: {1m, 5m, 15m}, latency_us: {count, p50, p99, p999, max}, book: {state: none|ok|resyncing, resync_reason,
   * bid_levels, ask_levels, updates, resyncs, latency_us}}}.
   */
  public static final String MARKET_STATUS = "market.status";
  /** Published every second by the feed: the feed status JSON shown under {@code feed} in /health. */
  public static final String FEED_STATUS = "feed.status";
  /**
   * Published on this node only by a symbol's verticle whose book cannot be trusted (crossed, or an update before
   * its snapshot): {@code {symbol, reason}}. The feed asks the exchange for a fresh snapshot of that product.
   */
  public static final String FEED_BOOK_RESYNC = "feed.book.resync";
  /** Every finding, published: {@code {id, ts_utc, agent, symbol, score, label, details}}. */
  public static final String FINDINGS = "findings";
  /** Published by each agent after every run: its registry entry (see AgentStatus). */
  public static final String AGENTS_STATUS = "agents.status";
  /**
   * Every outcome the moment it is resolved, published by the symbol's owner: {@code {id, symbol, agent, horizon,
   * outcome: {price, ret_bps, hit} | {missed: true}}}.
   */
  public static final String FINDING_OUTCOMES = "findings.outcomes";
  /**
   * Request {@code {symbol, since}} → {@code {pending: [{id, agent, ts_utc, ref_price, direction, horizons:
   * [label]}]}}: the outcomes still owed to findings made since then, for a symbol's verticle taking it up.
   */
  public static final String STORE_OUTCOMES_PENDING = "store.outcomes.pending";
  /**
   * Request, this node only: a finding as it is to be announced → {@code {seq}} once it is durable (forced to disk
   * in the outbox; {@code seq} null with STORE=memory). Nothing publishes a finding on {@link #FINDINGS}, alerts it
   * or answers with it before this answer; a failure means it was not made durable and is not announced.
   */
  public static final String STORE_FINDINGS_APPEND = "store.findings.append";
  /**
   * How long a request to {@link #STORE_FINDINGS_APPEND} or {@link #STORE_OUTCOMES_APPEND} may wait: appends are
   * forced to disk in batches, and a store that takes longer is not making them durable.
   */
  public static final long DURABLE_TIMEOUT_MS = 10_000;
  /** Request, this node only: an outcome as published on {@link #FINDING_OUTCOMES} → {@code {seq}} once durable. */
  public static final String STORE_OUTCOMES_APPEND = "store.outcomes.append";
  /** Send, this node only: a closed one-minute bar as {@code MinuteBar} JSON, to be stored. */
  public static final String STORE_BARS_APPEND = "store.bars.append";
  /** Request {@code {symbol, since_ms}} → {@code {bars: [MinuteBar JSON]}}, oldest first: a symbol's stored bars. */
  public static final String STORE_BARS_RECENT = "store.bars.recent";
  /**
   * Request {@code {symbol?, limit, since?, before?, agent?}} → {@code {findings: [...], source}}, newest first;
   * {@code before} (exclusive) pages back.
   */
  public static final String STORE_FINDINGS_QUERY = "store.findings.query";
  /**
   * Request, this node only: {@code {symbol?, agent?, since?, horizons: [label]}} → a
   * {@code scorecard.ScoredFindings} passed by reference: the findings with at least one resolved (non-missed)
   * outcome, newest first, at most {@link #SCORED_MAX}, each with its outcomes at those horizons; what the scorecard
   * reads.
   */
  public static final String STORE_FINDINGS_SCORED = "store.findings.scored";
  /** The most findings one {@link #STORE_FINDINGS_SCORED} answer holds (the newest); {@code truncated} says so. */
  public static final int SCORED_MAX = 100_000;
  /** Request → {@code {positions: [{symbol, status, qty, avg_price, updated_at, last_action, last_conf}]}}. */
  public static final String STORE_POSITIONS = "store.positions";
  /** Request → {@code {ok: true}} or {@code {ok: false, error}}. */
  public static final String STORE_DB_HEALTH = "store.db-health";
  /**
   * Published every second by the store: {@code {mode, connected, buffered, dropped, written, ..., outbox: {depth,
   * oldest_age_sec, bytes, dropped, torn_bytes}}}.
   */
  public static final String STORE_STATUS = "store.status";
  /** Request, empty body: /health turns not-ready before anything else stops; answered once it has. */
  public static final String HTTP_STOPPING = "http.stopping";
  /**
   * Published on this node only after each scorecard refresh (every {@code SCORECARD_METRICS_SEC}): a JsonArray of
   * the {@code /scorecard} rows over every symbol ({@code "symbol": "*"}), the track record Slack and the LLM quote.
   */
  public static final String SCORECARD_ROWS = "scorecard.rows";
  /** Published every second by the alert verticle: the {@code alerts} section of /health. */
  public static final String ALERTS_STATUS = "alerts.status";
  /** Published every second by the LLM analyst: the {@code llm} section of /health. */
  public static final String LLM_STATUS = "llm.status";

  /**
   * Published on this node only by the symbol-ownership verticle whenever the node's share changes:
   * {@code {symbols: [...]}}, the symbols whose feed and agents now run here.
   */
  public static final String NODE_SYMBOLS = "node.symbols";
  /** Published on this node only, every second and on change: the {@code cluster} section of /health. */
  public static final String CLUSTER_STATUS = "cluster.status";
  /** Published cluster-wide by a node that released symbols, empty body: the others claim them at once. */
  public static final String CLUSTER_REBALANCE = "cluster.rebalance";

  private Addresses() {
  }

  /**
   * Request, on the tape clock only: {@code {from_ms}} → {@code {next_ms}}, the first tape time at or after it at
   * which an agent is due; {@code {t_ms}} → every agent due at that tape time runs on every symbol, then the answer
   * {@code {next_ms}} (null: no agent runs). The replay waits for each answer before it delivers later messages.
   */
  public static final String AGENTS_TICK = "agents.tick";

  /** Request {@code {t_ms}} to one agent on the tape clock: it runs at that tape time, answered when done. */
  public static String agentTick(String agent) {
    return "agents." + agent + ".tick";
  }

  /**
   * Request {@code {insert: bool}} to the agent's runner of one symbol, on whichever node owns it →
   * {@code {results: [{agent, symbol, finding?, error?}]}}.
   */
  public static String agentRunNow(String agent, String symbol) {
    return "agents." + agent + "." + symbol.toLowerCase(Locale.ROOT) + ".run-now";
  }

  /**
   * The addresses of one symbol, answered by its verticle wherever it runs: {@code market.<symbol>.<leaf>}, the
   * symbol in lower case.
   */
  public enum Market {
    /** Send, local: a {@link dev.tapewatch.tape.MarketBatch} of trades, quotes and book changes. */
    EVENTS("events"),
    /** Send, local: a {@link dev.tapewatch.tape.CandleSeed} for the warm-up. */
    CANDLES("candles"),
    /** Request, empty body: the /signals JSON, as encoded text. */
    SIGNALS("signals"),
    /** Request: the /signals_tf JSON, as encoded text. */
    SIGNALS_TF("signals-tf"),
    /** Request: the /debug/features JSON, as encoded text. */
    FEATURES("features"),
    /** Request: the /debug/state JSON. */
    STATE("state"),
    /** Request {@code {tf, limit}}: the /bars JSON. */
    BARS("bars"),
    /**
     * Request {@code {id, agent, ts_ms, direction, open}} → {@code {ref_price, horizons: [label]}}: the finding's
     * reference price (the last trade at or before ts_ms, or null) and, with {@code open}, its outcomes owed.
     */
    OUTCOMES_OPEN("outcomes-open"),
    /** Request: a {@code MarketSnapshot} as JSON, what agents read. */
    SNAPSHOT("snapshot"),
    /**
     * Request {@code {depth}}: the /book JSON, as encoded text (prices written exactly): {@code {symbol, ts, bids:
     * [[price, qty]...], asks, mid, spread_bps, microprice, imbalance_1, imbalance_5, imbalance_10, depth_bps:
     * {"10": {bid, ask}, "25", "50"}, book_age_ms, book: "ok" | "none"}}, nulls with "none".
     */
    BOOK("book"),
    /**
     * Request: the symbol's status JSON (as published on {@link #MARKET_STATUS}). A body {@code {reset_latency:
     * true}} also starts a new latency window; {@code {histogram: true}} adds {@code latency_histogram}, the
     * trade-to-features latencies in nanoseconds as a compressed HdrHistogram in Base64 (the form of its log files).
     */
    STATUS("status");

    private final String leaf;

    Market(String leaf) {
      this.leaf = leaf;
    }

    public String of(String symbol) {
      return "market." + symbol.toLowerCase(Locale.ROOT) + "." + leaf;
    }
  }
}
