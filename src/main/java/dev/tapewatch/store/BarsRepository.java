package dev.tapewatch.store;

import dev.tapewatch.tape.MinuteBar;
import io.vertx.core.Future;
import java.util.List;

/** Closed one-minute bars, one per symbol and minute; a bar written again replaces itself. */
interface BarsRepository {
  Future<Void> insert(List<MinuteBar> bars);

  /** A symbol's bars starting at or after {@code sinceMs}, oldest first. */
  Future<List<MinuteBar>> since(String symbol, long sinceMs);

  /** Deletes up to {@code batch} bars that started before {@code beforeMs}; the number deleted. */
  Future<Integer> prune(long beforeMs, int batch);
}
