package dev.tapewatch.feed;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns raw Coinbase Exchange ws-feed messages into trades and quotes for the {@link FeedSink}, keeping the rules that
 * the live feed and a replay share: malformed messages are counted by reason and skipped; a trade whose id is not
 * above the product's last one ({@code last_match} after a resubscribe, a resend) is a duplicate and skipped; a jump
 * in a product's {@code trade_id} is a gap (ids, not {@code sequence}, which counts every order-book event).
 * Single-threaded, like its stats.
 */
public final class ExchangeTape {

  /** Told of every gap: the trades with ids strictly between {@code afterId} and {@code beforeId} are missing. */
  @FunctionalInterface
  public interface GapListener {
    void onGap(String symbol, long afterId, long beforeId);
  }

  private final CoinbaseMessageParser parser;
  private final FeedStats stats;
  private final FeedSink sink;
  private final GapListener gaps;
  private final Map<String, Long> lastTradeId = new HashMap<>();

  public ExchangeTape(List<String> symbols, FeedStats stats, FeedSink sink, GapListener gaps) {
    this.parser = new CoinbaseMessageParser(symbols);
    this.stats = stats;
    this.sink = sink;
    this.gaps = gaps;
    symbols.forEach(s -> lastTradeId.put(s, 0L));
  }

  /** Parses and delivers one message; returns it so the caller can act on heartbeats, subscriptions and errors. */
  public FeedMessage accept(String raw, long nowMs, long nowNanos) {
    stats.message(nowMs);
    FeedMessage m = parser.parse(raw);
    if (m instanceof FeedMessage.TradeMessage tm) {
      acceptTrade(tm.trade(), nowMs, nowNanos);
    } else if (m instanceof FeedMessage.TickerMessage tk) {
      stats.quote(tk.quote().symbol(), nowMs);
      sink.quote(tk.quote(), nowNanos);
    } else if (m instanceof FeedMessage.Heartbeat) {
      stats.heartbeat();
    } else if (m instanceof FeedMessage.Malformed bad) {
      stats.malformed(bad.reason());
    } else if (m instanceof FeedMessage.ServerError err) {
      stats.serverError(err.reason().isEmpty() ? err.message() : err.message() + ": " + err.reason());
    }
    return m;
  }

  private void acceptTrade(Trade t, long nowMs, long nowNanos) {
    long last = lastTradeId.get(t.symbol());
    long id = t.tradeId();
    if (id <= last) {
      stats.duplicate(t.symbol());
      return;
    }
    if (last != 0 && id > last + 1) {
      stats.gap(t.symbol(), id - last - 1);
      gaps.onGap(t.symbol(), last, id);
    }
    lastTradeId.put(t.symbol(), id);
    stats.trade(t.symbol(), id, nowMs);
    sink.trade(t, nowNanos);
  }

  /** Delivers trades fetched to fill the gap (afterId, beforeId); anything outside it is ignored. Returns the count. */
  public int acceptBackfill(String symbol, long afterId, long beforeId, List<Trade> fetched, long nowNanos) {
    int n = 0;
    for (Trade t : fetched) {
      if (t.tradeId() > afterId && t.tradeId() < beforeId && t.symbol().equals(symbol)) {
        sink.trade(t, nowNanos);
        n++;
      }
    }
    stats.backfilled(symbol, n);
    return n;
  }
}
