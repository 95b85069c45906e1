package dev.tapewatch.tape;

/** Best bid and ask of one product at {@code timeMs} (epoch milliseconds). */
public record Quote(String symbol, long timeMs, double bid, double ask) {
}
