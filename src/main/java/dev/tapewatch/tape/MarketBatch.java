package dev.tapewatch.tape;

import java.util.List;

/**
 * Trades, quotes and level-2 book changes of one symbol handed from a feed to its symbol verticle in one event-bus
 * message, each list in arrival order.
 * {@code receivedNanos} is {@link System#nanoTime()} when the first of them reached the feed, for the
 * arrival-to-features latency.
 */
public record MarketBatch(List<Trade> trades, List<Quote> quotes, List<BookUpdate> books, long receivedNanos) {
  public MarketBatch(List<Trade> trades, List<Quote> quotes, long receivedNanos) {
    this(trades, quotes, List.of(), receivedNanos);
  }
}
