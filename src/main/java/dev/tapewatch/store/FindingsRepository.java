package dev.tapewatch.store;

import dev.tapewatch.scorecard.ScoredFinding;
import dev.tapewatch.store.FindingQuery.Kept;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Where findings and their outcomes are kept and read. Every write is idempotent, so the outbox can send a batch
 * again after a crash: a finding's id is its key, and the first resolution of a horizon stands.
 */
interface FindingsRepository {
  /** Findings as announced: {@code {id, ts_utc, agent, symbol, score, label, details, ref_price, outcomes}}. */
  Future<Void> insert(List<JsonObject> findings);

  /** Outcomes {@code {id, horizon, outcome}}: each sets its finding's horizon unless it is already resolved. */
  Future<Void> resolve(List<JsonObject> outcomes);

  /** The findings matching the query, newest first (equal times by id), at most its limit. */
  Future<List<Kept>> newest(FindingQuery q);

  /**
   * The same restricted to findings with at least one horizon resolved with a return (not pending or missed), as the
   * scorecard reads them: their outcomes at {@code horizons} only, and no details.
   */
  Future<List<ScoredFinding>> scored(FindingQuery q, List<String> horizons);

  /** A symbol's findings since a time with a horizon still unresolved, oldest first (equal times by id). */
  Future<List<Kept>> owed(String symbol, Instant since);

  /** Deletes up to {@code batch} findings older than {@code before}; the number deleted. */
  Future<Integer> prune(Instant before, int batch);
}
