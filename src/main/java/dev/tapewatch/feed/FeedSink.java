package dev.tapewatch.feed;

import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Trade;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.tape.MarketBatch;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a feed's trades, quotes and book changes per symbol and sends each symbol's share as one {@link MarketBatch} on
 * {@link #flush()}, so a burst costs one event-bus message per symbol rather than one per trade. Used by one thread.
 */
public final class FeedSink {
  /** Batches hold objects, not JSON: they go to this node's symbol verticles only, never over the wire. */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final EventBus bus;
  private final Map<String, Pending> pending = new HashMap<>();
  /**
   * The pending batches with content, in the order they got it: a paced replay flushes about every millisecond, and
   * a walk of every symbol's batch to find the one or two with content took that many steps for each.
   */
  private final List<Pending> filled = new ArrayList<>();
  /** The agents' clock when it is the tape's, else null. */
  private final TapeClock clock;
  private long newestMs = Long.MIN_VALUE;

  /**
   * Each list is the shared empty one until something is added to it: a trade feed never fills quotes or books, and a
   * paced replay sends a batch for almost every message.
   */
  private static final class Pending {
    final String address;
    List<Trade> trades = List.of();
    List<Quote> quotes = List.of();
    List<BookUpdate> books = List.of();
    long firstNanos;

    Pending(String address) {
      this.address = address;
    }

    boolean isEmpty() {
      return trades.isEmpty() && quotes.isEmpty() && books.isEmpty();
    }
  }

  public FeedSink(EventBus bus, List<String> symbols) {
    this(bus, symbols, null);
  }

  /** A sink whose deliveries keep the agents' tape clock: see {@link TapeClock}. */
  FeedSink(EventBus bus, List<String> symbols, TapeClock clock) {
    this.bus = bus;
    this.clock = clock;
    symbols.forEach(s -> pending.put(s, new Pending(Addresses.Market.EVENTS.of(s))));
  }

  public void trade(Trade t, long receivedNanos) {
    advanceTo(t.timeMs());
    Pending p = arriving(t.symbol(), receivedNanos);
    p.trades = added(p.trades, t);
  }

  public void quote(Quote q, long receivedNanos) {
    Pending p = arriving(q.symbol(), receivedNanos);
    p.quotes = added(p.quotes, q);
  }

  public void book(BookUpdate b, long receivedNanos) {
    Pending p = arriving(b.symbol(), receivedNanos);
    p.books = added(p.books, b);
  }

  /** The symbol's pending batch, which starts at {@code receivedNanos} if this is its first content. */
  private Pending arriving(String symbol, long receivedNanos) {
    Pending p = pending.get(symbol);
    if (p.isEmpty()) {
      p.firstNanos = receivedNanos;
      filled.add(p);
    }
    return p;
  }

  private static <T> List<T> added(List<T> list, T item) {
    List<T> out = list.isEmpty() ? new ArrayList<>() : list;
    out.add(item);
    return out;
  }

  /**
   * On the tape clock, before a trade of time {@code t} is delivered: every agent due at a tape time before t runs,
   * after everything up to that time has been delivered. Trades keep the clock, quotes do not: a quote cannot start it
   * or move it, whatever its stamp. A jump of more than {@link TapeClock#MAX_SILENT_GAP_MS} (a tape with a long hole,
   * or a first trade stamped far from the rest) runs no tick over the gap: the clock starts again at t.
   */
  private void advanceTo(long t) {
    if (clock == null) {
      return;
    }
    if (t - clock.next(t) > TapeClock.MAX_SILENT_GAP_MS) {
      flush();
      clock.restartAt(t);
    }
    while (clock.next(t) < t) {
      flush();
      clock.tick();
    }
    newestMs = Math.max(newestMs, t);
  }

  /** At the end of a tape on the tape clock: the agents due up to its newest trade run too. */
  void finish() {
    if (clock == null || newestMs == Long.MIN_VALUE) {
      return;
    }
    while (clock.next(newestMs) <= newestMs) {
      flush();
      clock.tick();
    }
  }

  public void flush() {
    for (Pending p : filled) {
      bus.send(p.address, new MarketBatch(p.trades, p.quotes, p.books, p.firstNanos), LOCAL);
      p.trades = List.of();
      p.quotes = List.of();
      p.books = List.of();
    }
    filled.clear();
  }
}
