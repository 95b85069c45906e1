package dev.tapewatch.config;

import java.util.List;

/**
 * The products watched ({@code SYMBOL}, the first being every endpoint's default), the trades kept per symbol and the
 * levels kept a side of each symbol's order book ({@code BOOK_DEPTH}).
 */
public record MarketSettings(List<String> symbols, int tradesMax, int bookDepth) {

  static MarketSettings read(ConfigReader r) {
    return new MarketSettings(r.symbols("SYMBOL"), r.integer("TRADES_MAX", 100, 10_000_000),
        r.integer("BOOK_DEPTH", 1, 100_000));
  }
}
