package dev.tapewatch.feed;

import io.vertx.core.json.JsonObject;

/** The counters a feed's tape keeps, per product and in total, as a test works them out from what a fake sent. */
final class TapeCounts {
  long trades;
  long quotes;
  long gaps;
  long missing;
  long backfilled;
  long duplicates;
  long bookSnapshots;
  long bookUpdates;
  long lastTradeId;

  /**
   * Takes trade {@code id} of this product by the tape's rule: a duplicate when not above the last id, else a trade,
   * a gap first when more than one above. Returns the last id before it, or -1 for a duplicate.
   */
  long take(long id) {
    if (id <= lastTradeId) {
      duplicates++;
      return -1;
    }
    long before = lastTradeId;
    if (before != 0 && id > before + 1) {
      gaps++;
      missing += id - before - 1;
    }
    trades++;
    lastTradeId = id;
    return before;
  }

  void add(TapeCounts o) {
    trades += o.trades;
    quotes += o.quotes;
    gaps += o.gaps;
    missing += o.missing;
    backfilled += o.backfilled;
    duplicates += o.duplicates;
    bookSnapshots += o.bookSnapshots;
    bookUpdates += o.bookUpdates;
  }

  JsonObject json() {
    return new JsonObject().put("trades", trades).put("quotes", quotes).put("gaps", gaps)
        .put("missing_trades", missing).put("backfilled", backfilled).put("duplicates", duplicates)
        .put("book_snapshots", bookSnapshots).put("book_updates", bookUpdates);
  }
}
