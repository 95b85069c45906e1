package dev.tapewatch.tape;

import java.util.List;

/** Completed exchange candles of one timeframe, oldest first, to warm a symbol's bars before live trades arrive. */
public record CandleSeed(Timeframe timeframe, List<Candle> candles) {

  public record Candle(long startMs, double open, double high, double low, double close, double volume) {
  }
}
