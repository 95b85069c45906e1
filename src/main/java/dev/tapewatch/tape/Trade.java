package dev.tapewatch.tape;

/**
 * One executed trade, whatever the source. {@code timeMs} is the exchange's trade time (epoch milliseconds),
 * {@code takerSide} the aggressor's side, {@code tradeId} the exchange's per-product id (0 when the source has none).
 */
public record Trade(String symbol, long timeMs, double price, double size, Side takerSide, long tradeId) {
}
