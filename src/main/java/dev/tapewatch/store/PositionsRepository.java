package dev.tapewatch.store;

import io.vertx.core.Future;
import java.util.List;

/** position_state: one row per symbol; an older change never overwrites a newer one, so a replay is harmless. */
interface PositionsRepository {
  Future<Void> upsert(List<Position> changes);

  /** Every symbol's row, by symbol. */
  Future<List<Position>> all();
}
