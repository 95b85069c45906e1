package dev.tapewatch.feed;

/**
 * The trades of {@code symbol} with ids strictly between two accepted trades never came: the one before the hole
 * ({@code afterId} at {@code afterMs}) and the one that showed it ({@code beforeId} at {@code beforeMs}).
 */
public record TradeGap(String symbol, long afterId, long afterMs, long beforeId, long beforeMs) {
  public long missing() {
    return beforeId - afterId - 1;
  }
}
