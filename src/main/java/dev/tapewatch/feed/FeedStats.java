package dev.tapewatch.feed;

import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters of one feed, owned by the thread that runs the feed (plain fields, no locking); the owner publishes
 * {@link #toJson(long)} on {@code feed.status}.
 */
public final class FeedStats {
  private final String mode;
  private final Map<String, SymbolCounters> symbols = new LinkedHashMap<>();
  private final Map<MalformedReason, Long> malformed = new EnumMap<>(MalformedReason.class);
  private boolean connected;
  private long messages;
  private long heartbeats;
  private long reconnects;
  private long sequenceGaps;
  private long lostMessages;
  private long resubscribes;
  private long serverErrors;
  private String lastServerError;
  private long lastMessageMs;
  private Boolean replayFinished;
  private String lastError;

  /** Per-symbol counters; gaps and backfill are kept per product as trade ids are. */
  public static final class SymbolCounters {
    long trades;
    long quotes;
    long duplicates;
    long gaps;
    long missingTrades;
    long backfilled;
    long bookSnapshots;
    long bookUpdates;
    long bookResubscribes;
    long lastTradeId;
    long lastMessageMs;
    boolean holding;
  }

  public FeedStats(String mode, List<String> symbolList) {
    this.mode = mode;
    symbolList.forEach(s -> symbols.put(s, new SymbolCounters()));
  }

  public void message(long nowMs) {
    messages++;
    lastMessageMs = nowMs;
  }

  public void trade(String symbol, long tradeId, long nowMs) {
    SymbolCounters c = symbols.get(symbol);
    c.trades++;
    c.lastTradeId = Math.max(c.lastTradeId, tradeId);
    c.lastMessageMs = nowMs;
  }

  public void quote(String symbol, long nowMs) {
    SymbolCounters c = symbols.get(symbol);
    c.quotes++;
    c.lastMessageMs = nowMs;
  }

  /** A level-2 snapshot or update of the symbol handed on to its book. */
  public void book(String symbol, boolean snapshot, long nowMs) {
    SymbolCounters c = symbols.get(symbol);
    if (snapshot) {
      c.bookSnapshots++;
    } else {
      c.bookUpdates++;
    }
    c.lastMessageMs = nowMs;
  }

  /**
   * The feed asked the exchange for a fresh snapshot of the symbol's book: its verticle found it wrong, or the
   * snapshot was overdue.
   */
  public void bookResubscribe(String symbol) {
    symbols.get(symbol).bookResubscribes++;
  }

  public void heartbeat() {
    heartbeats++;
  }

  /** Messages of the connection's one sequence never came. */
  public void sequenceGap(long missing) {
    sequenceGaps++;
    lostMessages += missing;
  }

  /** The feed asked the exchange again for what a lost message may have held. */
  public void resubscribe() {
    resubscribes++;
  }

  public void duplicate(String symbol) {
    symbols.get(symbol).duplicates++;
  }

  public void gap(String symbol, long missing) {
    SymbolCounters c = symbols.get(symbol);
    c.gaps++;
    c.missingTrades += missing;
  }

  public void holding(String symbol, boolean holding) {
    symbols.get(symbol).holding = holding;
  }

  public void backfilled(String symbol, long count) {
    symbols.get(symbol).backfilled += count;
  }

  public void malformed(MalformedReason reason) {
    malformed.merge(reason, 1L, Long::sum);
  }

  public void serverError(String message) {
    serverErrors++;
    lastServerError = message;
  }

  public void connected(boolean up) {
    connected = up;
  }

  public void reconnect() {
    reconnects++;
  }

  public void lastError(String error) {
    lastError = error;
  }

  public void replayFinished(boolean finished) {
    replayFinished = finished;
  }

  public long messages() {
    return messages;
  }

  public long malformedTotal() {
    return malformed.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * {@code {mode, connected, messages, trades, quotes, heartbeats, malformed: {reason: n}, malformed_total, gaps,
   * missing_trades, backfilled, duplicates, book_snapshots, book_updates, sequence_gaps, lost_messages, resubscribes,
   * reconnects, server_errors, last_server_error, last_error, last_message_ms, replay_finished (replay only),
   * symbols: {SYM: {trades, quotes, gaps, missing_trades, backfilled, duplicates, held, book_snapshots, book_updates,
   * book_resubscribes, last_trade_id, last_message_ms}}, published_ms}}; {@code held} is 1 while a trade of the symbol is
   * held back (see {@link TradeGate}), else 0.
   */
  public JsonObject toJson(long nowMs) {
    JsonObject perSymbol = new JsonObject();
    long trades = 0;
    long quotes = 0;
    long gaps = 0;
    long missing = 0;
    long backfilled = 0;
    long duplicates = 0;
    long bookSnapshots = 0;
    long bookUpdates = 0;
    for (Map.Entry<String, SymbolCounters> e : symbols.entrySet()) {
      SymbolCounters c = e.getValue();
      trades += c.trades;
      quotes += c.quotes;
      gaps += c.gaps;
      missing += c.missingTrades;
      backfilled += c.backfilled;
      duplicates += c.duplicates;
      bookSnapshots += c.bookSnapshots;
      bookUpdates += c.bookUpdates;
      perSymbol.put(e.getKey(), new JsonObject()
          .put("trades", c.trades)
          .put("quotes", c.quotes)
          .put("gaps", c.gaps)
          .put("missing_trades", c.missingTrades)
          .put("backfilled", c.backfilled)
          .put("duplicates", c.duplicates)
          .put("held", c.holding ? 1 : 0)
          .put("book_snapshots", c.bookSnapshots)
          .put("book_updates", c.bookUpdates)
          .put("book_resubscribes", c.bookResubscribes)
          .put("last_trade_id", c.lastTradeId == 0 ? null : c.lastTradeId)
          .put("last_message_ms", c.lastMessageMs == 0 ? null : c.lastMessageMs));
    }
    JsonObject reasons = new JsonObject();
    malformed.forEach((r, n) -> reasons.put(r.key(), n));
    JsonObject out = new JsonObject()
        .put("mode", mode)
        .put("connected", connected)
        .put("messages", messages)
        .put("trades", trades)
        .put("quotes", quotes)
        .put("heartbeats", heartbeats)
        .put("malformed", reasons)
        .put("malformed_total", malformedTotal())
        .put("gaps", gaps)
        .put("missing_trades", missing)
        .put("backfilled", backfilled)
        .put("duplicates", duplicates)
        .put("book_snapshots", bookSnapshots)
        .put("book_updates", bookUpdates)
        .put("sequence_gaps", sequenceGaps)
        .put("lost_messages", lostMessages)
        .put("resubscribes", resubscribes)
        .put("reconnects", reconnects)
        .put("server_errors", serverErrors)
        .put("last_server_error", lastServerError)
        .put("last_error", lastError)
        .put("last_message_ms", lastMessageMs == 0 ? null : lastMessageMs)
        .put("symbols", perSymbol)
        .put("published_ms", nowMs);
    if (replayFinished != null) {
      out.put("replay_finished", replayFinished);
    }
    return out;
  }
}
