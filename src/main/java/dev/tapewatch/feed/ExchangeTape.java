package dev.tapewatch.feed;

import dev.tapewatch.config.FeedSettings;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Trade;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns raw Coinbase Exchange ws-feed messages into trades, quotes and book changes for the {@link FeedSink}, keeping
 * the rules that the live feed and a replay share: malformed messages are counted by reason and skipped, and every
 * trade and quote passes the {@link TradeGate} (duplicates, gaps in a product's {@code trade_id} (ids, not
 * {@code sequence}, which counts every order-book event), and bad prints held back or dropped). Book changes go to
 * the symbol's book as they come, in order; a snapshot without a time is stamped with its arrival. Single-threaded,
 * like its stats.
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
  private final TradeGate gate;
  private final Set<String> owned = new HashSet<>();
  // The arrival of the message being handled. A held trade that a later message lets through counts as arriving with
  // that message: the latency metric measures the market's work, not the time a trade spent held.
  private long nowMs;
  private long nowNanos;

  /**
   * A tape of every symbol; {@link #own} narrows it to a cluster node's share. {@code live}: trades must also not run
   * ahead of this machine's clock.
   */
  public ExchangeTape(List<String> symbols, FeedSettings settings, boolean live, FeedStats stats, FeedSink sink,
      GapListener gaps) {
    this.parser = new CoinbaseMessageParser(symbols);
    this.stats = stats;
    this.sink = sink;
    this.gaps = gaps;
    this.gate = new TradeGate(settings.maxClockSkewSec() * 1000L, settings.maxTradeIdJump(), live, new Decisions());
    own(symbols);
  }

  /** Keeps the trades and quotes of {@code share} only; a symbol let go is forgotten (see {@link TradeGate#forget}). */
  public void own(Collection<String> share) {
    for (String s : owned) {
      if (!share.contains(s)) {
        gate.forget(s);
      }
    }
    owned.clear();
    owned.addAll(share);
  }

  public Set<String> owned() {
    return Set.copyOf(owned);
  }

  /** The time of the newest trade let through of any product, or {@link TradeGate#NO_TRADE}. */
  public long newestTradeMs() {
    return gate.newestTradeMs();
  }

  /** Parses and delivers one message; returns it so the caller can act on heartbeats, subscriptions and errors. */
  public FeedMessage accept(String raw, long nowMs, long nowNanos) {
    this.nowMs = nowMs;
    this.nowNanos = nowNanos;
    stats.message(nowMs);
    FeedMessage m = parser.parse(raw);
    if (m instanceof FeedMessage.TradeMessage tm) {
      if (owned.contains(tm.trade().symbol())) {
        gate.trade(tm.trade(), nowMs);
      }
    } else if (m instanceof FeedMessage.TickerMessage tk) {
      if (owned.contains(tk.quote().symbol())) {
        gate.quote(tk.quote(), nowMs);
      }
    } else if (m instanceof FeedMessage.BookMessage bm) {
      BookUpdate u = bm.update();
      if (owned.contains(u.symbol())) {
        stats.book(u.symbol(), u.snapshot(), nowMs);
        sink.book(u.timeMs() != IsoTime.INVALID ? u : new BookUpdate(u.symbol(), nowMs, u.snapshot(), u.bidPrices(),
            u.bidSizes(), u.askPrices(), u.askSizes()), nowNanos);
      }
    } else if (m instanceof FeedMessage.Heartbeat hb) {
      stats.heartbeat();
      if (owned.contains(hb.symbol())) {
        gate.heartbeat(hb.symbol(), hb.lastTradeId(), hb.timeMs());
      }
    } else if (m instanceof FeedMessage.Malformed bad) {
      stats.malformed(bad.reason());
    } else if (m instanceof FeedMessage.ServerError err) {
      stats.serverError(err.reason().isEmpty() ? err.message() : err.message() + ": " + err.reason());
    }
    return m;
  }

  /** Delivers trades fetched to fill the gap (afterId, beforeId); anything outside it is ignored. Returns the count. */
  public int acceptBackfill(String symbol, long afterId, long beforeId, List<Trade> fetched, long nowMs,
      long nowNanos) {
    int n = 0;
    for (Trade t : fetched) {
      if (t.tradeId() > afterId && t.tradeId() < beforeId && t.symbol().equals(symbol) && owned.contains(symbol)
          && gate.backfill(t, nowMs)) {
        sink.trade(t, nowNanos);
        n++;
      }
    }
    stats.backfilled(symbol, n);
    return n;
  }

  /** What the gate decides goes to the stats and, for what it lets through, to the sink. */
  private final class Decisions implements TradeGate.Listener {
    @Override
    public void trade(Trade t) {
      stats.trade(t.symbol(), t.tradeId(), nowMs);
      sink.trade(t, nowNanos);
    }

    @Override
    public void quote(Quote q) {
      stats.quote(q.symbol(), nowMs);
      sink.quote(q, nowNanos);
    }

    @Override
    public void gap(String symbol, long afterId, long beforeId) {
      stats.gap(symbol, beforeId - afterId - 1);
      gaps.onGap(symbol, afterId, beforeId);
    }

    @Override
    public void duplicate(String symbol) {
      stats.duplicate(symbol);
    }

    @Override
    public void dropped(String symbol, MalformedReason reason) {
      stats.malformed(reason);
    }

    @Override
    public void holding(String symbol, boolean holding) {
      stats.holding(symbol, holding);
    }
  }
}
