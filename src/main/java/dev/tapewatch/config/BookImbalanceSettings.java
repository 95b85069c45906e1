package dev.tapewatch.config;

import java.util.List;

/**
 * The book-imbalance agent: on ({@code FEATURE_BOOK_IMBALANCE}), its period, the levels a side its imbalance is taken
 * over (1, 5 or 10: the book features keep those), the |imbalance| it must reach, how long it must hold there, the
 * widest spread at which it counts, and its cooldown.
 */
public record BookImbalanceSettings(boolean enabled, int intervalSec, int levels, double threshold, int persistSec,
    double maxSpreadBps, int cooldownSec) {

  static final List<String> LEVELS = List.of("1", "5", "10");

  static BookImbalanceSettings read(ConfigReader r) {
    String levels = r.raw("BOOK_IMB_LEVELS");
    if (!LEVELS.contains(levels)) {
      throw new ConfigException("BOOK_IMB_LEVELS", ConfigException.quote(levels), "1, 5 or 10");
    }
    return new BookImbalanceSettings(
        r.bool("FEATURE_BOOK_IMBALANCE"),
        r.integer("BOOK_IMB_INTERVAL_SEC", 1, 86_400),
        Integer.parseInt(levels),
        r.decimal("BOOK_IMB_THRESHOLD", 0.0, 1.0),
        r.integer("BOOK_IMB_PERSIST_SEC", 0, 86_400),
        r.decimal("BOOK_IMB_MAX_SPREAD_BPS", 0.0, 100_000.0),
        r.integer("BOOK_IMB_COOLDOWN_SEC", 0, 86_400));
  }
}
