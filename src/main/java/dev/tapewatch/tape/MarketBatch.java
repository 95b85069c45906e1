package dev.tapewatch.tape;

import java.util.List;

/**
 * Trades and quotes of one symbol handed from a feed to its symbol verticle in one event-bus message.
 * {@code receivedNanos} is {@link System#nanoTime()} when the first of them reached the feed, for the
 * arrival-to-features latency.
 */
public record MarketBatch(List<Trade> trades, List<Quote> quotes, long receivedNanos) {
}
