package dev.tapewatch.feed;

import dev.tapewatch.config.FeedSettings;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Trade;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules every Coinbase feed keeps between its parsed messages and the {@link FeedSink}, whatever the protocol:
 * malformed input is counted by reason and skipped; every trade and quote passes the {@link TradeGate} (duplicates,
 * gaps in a product's {@code trade_id}, bad prints held back or dropped); only the products of this node's share
 * reach the market. The protocol readers ({@link ExchangeTape}, {@link AdvancedTradeTape}) feed it, a replay both
 * into one. Single-threaded, like its stats.
 */
public final class FeedTape {
  /** Told of every gap in a product's trade ids. */
  @FunctionalInterface
  public interface GapListener {
    void onGap(TradeGap gap);
  }

  private static final Comparator<Trade> TRADE_ORDER = Comparator.comparingLong(Trade::timeMs)
      .thenComparingLong(Trade::tradeId);

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
  public FeedTape(List<String> symbols, FeedSettings settings, boolean live, FeedStats stats, FeedSink sink,
      GapListener gaps) {
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

  boolean owns(String symbol) {
    return owned.contains(symbol);
  }

  /** The time of the newest trade let through of any product, or {@link TradeGate#NO_TRADE}. */
  public long newestTradeMs() {
    return gate.newestTradeMs();
  }

  /** A message arrived now: what it carries is stamped with this arrival. */
  void arrived(long nowMs, long nowNanos) {
    this.nowMs = nowMs;
    this.nowNanos = nowNanos;
    stats.message(nowMs);
  }

  void trade(Trade t) {
    if (owned.contains(t.symbol())) {
      gate.trade(t, nowMs);
    }
  }

  void quote(Quote q) {
    if (owned.contains(q.symbol())) {
      gate.quote(q, nowMs);
    }
  }

  /** A heartbeat that names no product. */
  void heartbeat() {
    stats.heartbeat();
  }

  /** A product's heartbeat: {@code timeMs} is {@link IsoTime#INVALID} when it had no readable time. */
  void heartbeat(String symbol, long lastTradeId, long timeMs) {
    stats.heartbeat();
    if (owned.contains(symbol)) {
      gate.heartbeat(symbol, lastTradeId, timeMs);
    }
  }

  /** Level-2 changes go straight to the market: a book has no clock or id sequence for the gate to keep. */
  void book(BookUpdate b) {
    if (owned.contains(b.symbol())) {
      stats.book(b.symbol(), b.snapshot(), nowMs);
      sink.book(b, nowNanos);
    }
  }

  /** The symbol's book may have missed changes: its verticle stops serving it until the next snapshot. */
  void bookLost(String symbol) {
    if (owned.contains(symbol)) {
      sink.book(BookUpdate.lost(symbol, nowMs), nowNanos);
    }
  }

  /** {@code missing} messages of the connection's one sequence never came. */
  void sequenceGap(long missing) {
    stats.sequenceGap(missing);
  }

  void malformed(MalformedReason reason) {
    stats.malformed(reason);
  }

  void serverError(String text) {
    stats.serverError(text);
  }

  /**
   * Delivers, in trade-time order, what REST answered for {@code gap}: malformed items are counted, trades outside the
   * gap ignored. Returns the count delivered.
   */
  public int acceptBackfill(TradeGap gap, List<FeedMessage> fetched, long nowMs, long nowNanos) {
    List<Trade> inGap = new ArrayList<>();
    for (FeedMessage m : fetched) {
      if (m instanceof FeedMessage.TradeMessage tm) {
        Trade t = tm.trade();
        if (t.tradeId() > gap.afterId() && t.tradeId() < gap.beforeId() && t.symbol().equals(gap.symbol())) {
          inGap.add(t);
        }
      } else if (m instanceof FeedMessage.Malformed bad) {
        stats.malformed(bad.reason());
      }
    }
    inGap.sort(TRADE_ORDER);
    int n = 0;
    for (Trade t : inGap) {
      if (owned.contains(gap.symbol()) && gate.backfill(t, nowMs)) {
        sink.trade(t, nowNanos);
        n++;
      }
    }
    stats.backfilled(gap.symbol(), n);
    return n;
  }

  /** Trades in the order the market takes them: by trade time, then by id. */
  static void sortByTradeTime(List<Trade> trades) {
    trades.sort(TRADE_ORDER);
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
    public void gap(TradeGap gap) {
      stats.gap(gap.symbol(), gap.missing());
      gaps.onGap(gap);
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
