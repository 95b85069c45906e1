package dev.tapewatch.feed;

import dev.tapewatch.tape.Trade;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
  private final Set<String> owned = new HashSet<>();

  /** A tape of every symbol; {@link #own} narrows it to a cluster node's share. */
  public ExchangeTape(List<String> symbols, FeedStats stats, FeedSink sink, GapListener gaps) {
    this.parser = new CoinbaseMessageParser(symbols);
    this.stats = stats;
    this.sink = sink;
    this.gaps = gaps;
    own(symbols);
  }

  /**
   * Keeps the trades and quotes of {@code share} only. A symbol taken up afresh starts a new trade-id sequence: the
   * ids it had when this node last owned it would make everything since look like one enormous gap.
   */
  public void own(Collection<String> share) {
    for (String s : share) {
      if (!owned.contains(s)) {
        lastTradeId.put(s, 0L);
      }
    }
    owned.clear();
    owned.addAll(share);
  }

  public Set<String> owned() {
    return Set.copyOf(owned);
  }

  /** Parses and delivers one message; returns it so the caller can act on heartbeats, subscriptions and errors. */
  public FeedMessage accept(String raw, long nowMs, long nowNanos) {
    stats.message(nowMs);
    FeedMessage m = parser.parse(raw);
    if (m instanceof FeedMessage.TradeMessage tm) {
      if (owned.contains(tm.trade().symbol())) {
        acceptTrade(tm.trade(), nowMs, nowNanos);
      }
    } else if (m instanceof FeedMessage.TickerMessage tk) {
      if (!owned.contains(tk.quote().symbol())) {
        return m;
      }
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
      if (t.tradeId() > afterId && t.tradeId() < beforeId && t.symbol().equals(symbol) && owned.contains(symbol)) {
        sink.trade(t, nowNanos);
        n++;
      }
    }
    stats.backfilled(symbol, n);
    return n;
  }
}
