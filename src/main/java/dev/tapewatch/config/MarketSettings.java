package dev.tapewatch.config;

import java.util.List;

/** The products watched ({@code SYMBOL}, the first being every endpoint's default) and the trades kept per symbol. */
public record MarketSettings(List<String> symbols, int tradesMax) {

  static MarketSettings read(ConfigReader r) {
    return new MarketSettings(r.symbols("SYMBOL"), r.integer("TRADES_MAX", 100, 10_000_000));
  }
}
