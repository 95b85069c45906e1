package dev.tapewatch.http;

import dev.tapewatch.agents.AgentDescriptor;
import dev.tapewatch.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest status each symbol verticle and the feed published, kept by the HTTP verticle so that /health answers
 * at once. A symbol whose last status is older than {@link #STALE_AFTER_MS} is reported as not responding.
 */
final class HealthView {
  static final long STALE_AFTER_MS = 3 * Addresses.STATUS_PERIOD_MS;

  private final List<String> symbols;
  private final long startedMs;
  private final Map<String, JsonObject> symbolStatus = new HashMap<>();
  private final Map<String, Long> symbolSeenMs = new HashMap<>();
  private final List<AgentDescriptor> agents;
  private final Map<String, JsonObject> agentStatus = new HashMap<>();
  private JsonObject feedStatus;
  private JsonObject storeStatus;
  private JsonObject alertsStatus;
  private JsonObject llmStatus;
  private final boolean clustered;
  private JsonObject clusterStatus;

  HealthView(List<String> symbols, List<AgentDescriptor> agents, long startedMs, boolean clustered) {
    this.symbols = symbols;
    this.agents = agents;
    this.startedMs = startedMs;
    this.clustered = clustered;
  }

  void clusterStatus(JsonObject status) {
    clusterStatus = status;
  }

  /**
   * True when the cluster has no live owner for {@code symbol} at the moment (its node left and the takeover is under
   * way); always false on a single node.
   */
  boolean awaitingOwner(String symbol) {
    return clustered && (clusterStatus == null || clusterStatus.getJsonObject("owners").getString(symbol) == null);
  }

  /** The agent registry's heartbeat: an agent's latest entry replaces its previous one. */
  void agentStatus(JsonObject status) {
    agentStatus.put(status.getString("agent"), status);
  }

  void storeStatus(JsonObject status) {
    storeStatus = status;
  }

  void alertsStatus(JsonObject status) {
    alertsStatus = status;
  }

  void llmStatus(JsonObject status) {
    llmStatus = status;
  }

  /**
   * Every agent's registry entry in catalogue order, over what it declares of itself (description, labels,
   * settings); one that has not reported yet is {@code starting}.
   */
  JsonArray agents() {
    JsonArray out = new JsonArray();
    for (AgentDescriptor d : agents) {
      JsonObject st = agentStatus.get(d.name());
      out.add(d.toJson().mergeIn(st != null ? st
          : new JsonObject().put("agent", d.name()).put("status", "starting").putNull("last_run")));
    }
    return out;
  }

  void symbolStatus(JsonObject status, long nowMs) {
    String symbol = status.getString("symbol");
    symbolStatus.put(symbol, status);
    symbolSeenMs.put(symbol, nowMs);
  }

  void feedStatus(JsonObject status) {
    feedStatus = status;
  }

  /**
   * {@code {status: ok|degraded|starting, symbols: [..], trades_cached: {SYM: n}, agents: {name: {status,
   * last_run}}, database: {mode, connected, buffered, dropped, ..., note}, alerts: {...}, llm: {...},
   * feed: {..., last_message_age_s},
   * market: {SYM: {responding, trades_cached, last_trade_age_s, late_trades, bars, latency_us, book}},
   * cluster: {enabled: false} or the ownership verticle's status (see SymbolOwnershipVerticle), uptime_s}}. In a
   * cluster, market covers every node's symbols and feed, agents, database, alerts and llm are this node's.
   */
  JsonObject toJson(long nowMs) {
    JsonObject trades = new JsonObject();
    JsonObject market = new JsonObject();
    boolean allResponding = true;
    for (String s : symbols) {
      JsonObject st = symbolStatus.get(s);
      Long seen = symbolSeenMs.get(s);
      boolean responding = seen != null && nowMs - seen <= STALE_AFTER_MS;
      allResponding &= responding;
      JsonObject m = new JsonObject().put("responding", responding);
      if (st != null) {
        Long lastTrade = st.getLong("last_trade_ms");
        m.put("trades_cached", st.getInteger("trades_cached"))
            .put("last_trade_age_s", lastTrade == null ? null : Math.max(0, nowMs - lastTrade) / 1000.0)
            .put("late_trades", st.getLong("late_trades"))
            .put("bars", st.getJsonObject("bars"))
            .put("latency_us", st.getJsonObject("latency_us"))
            .put("book", st.getJsonObject("book"));
        trades.put(s, st.getInteger("trades_cached"));
      } else {
        trades.put(s, 0);
      }
      market.put(s, m);
    }
    JsonObject feed;
    if (feedStatus == null) {
      feed = new JsonObject().put("status", "starting");
    } else {
      feed = feedStatus.copy();
      Long last = feed.getLong("last_message_ms");
      feed.put("last_message_age_s", last == null ? null : Math.max(0, nowMs - last) / 1000.0);
    }
    JsonObject agents = new JsonObject();
    for (Object o : agents()) {
      JsonObject a = (JsonObject) o;
      agents.put(a.getString("agent"), new JsonObject().put("status", a.getString("status"))
          .put("last_run", a.getString("last_run")));
    }
    JsonObject database = database();
    boolean databaseOk = !"postgres".equals(database.getString("mode")) || database.getBoolean("connected", false);
    JsonObject cluster = !clustered ? new JsonObject().put("enabled", false)
        : clusterStatus != null ? clusterStatus : new JsonObject().put("enabled", true).put("state", "joining");
    boolean clusterOk = !clustered || "stable".equals(cluster.getString("state"));
    String status = feedStatus == null ? "starting"
        : allResponding && databaseOk && clusterOk && (feedStatus.getBoolean("connected", false)
            || feedStatus.getBoolean("replay_finished", false)) ? "ok" : "degraded";
    return new JsonObject()
        .put("status", status)
        .put("symbols", symbols)
        .put("trades_cached", trades)
        .put("agents", agents)
        .put("database", database)
        .put("alerts", alertsStatus == null ? new JsonObject().put("enabled", false) : alertsStatus)
        .put("llm", llmStatus == null ? new JsonObject().put("enabled", false) : llmStatus)
        .put("feed", feed)
        .put("market", market)
        .put("cluster", cluster)
        .put("uptime_s", (nowMs - startedMs) / 1000);
  }

  private JsonObject database() {
    if (storeStatus == null) {
      return new JsonObject().put("mode", "starting");
    }
    JsonObject d = storeStatus.copy();
    if ("memory".equals(d.getString("mode"))) {
      d.put("note", "STORE=memory: findings are kept in memory only and forgotten when the process stops");
    } else if (!d.getBoolean("connected", false)) {
      d.put("note", "store down: findings wait in the outbox on disk and are written when it is back");
    }
    return d;
  }
}
