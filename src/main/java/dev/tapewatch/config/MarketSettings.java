package dev.tapewatch.config;

import java.util.List;

/**
 * The products watched ({@code SYMBOL}, the first being every endpoint's default; empty until a selection with
 * patterns is resolved, see {@link TapewatchConfig#withSymbols}), the trades kept per symbol at most and the levels
 * kept a side of each symbol's order book ({@code BOOK_DEPTH}).
 */
public record MarketSettings(SymbolSelection selection, List<String> symbols, int tradesMax, int bookDepth) {

  static MarketSettings read(ConfigReader r) {
    SymbolSelection selection = SymbolSelection.read(r);
    return new MarketSettings(selection, selection.explicit() ? selection.named() : List.of(),
        r.integer("TRADES_MAX", 100, 10_000_000), r.integer("BOOK_DEPTH", 1, 100_000));
  }
}
