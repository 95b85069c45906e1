package dev.tapewatch.store;

import dev.tapewatch.scorecard.ScoredFinding;
import dev.tapewatch.store.FindingQuery.Kept;
import dev.tapewatch.tape.MinuteBar;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code STORE=memory}: the newest findings ({@code RECENT_FINDINGS}), the positions and the recent bars of each
 * symbol in this process, gone when it stops. For tests and throwaway runs.
 */
final class MemoryDatabase implements Database {
  /** Bars kept per symbol: enough for the longest baseline, 21 fifteen-minute bars. */
  static final int BARS_PER_SYMBOL = 360;

  private final FindingsRepository findings;
  private final PositionsRepository positions = new MemoryPositions();
  private final BarsRepository bars = new MemoryBars();

  /** {@code recent}: the store's own cache of the newest findings, which here is the whole record. */
  MemoryDatabase(FindingQuery.Recent recent) {
    this.findings = new MemoryFindings(recent);
  }

  @Override
  public String mode() {
    return "memory";
  }

  @Override
  public Future<Void> migrate() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public FindingsRepository findings() {
    return findings;
  }

  @Override
  public PositionsRepository positions() {
    return positions;
  }

  @Override
  public BarsRepository bars() {
    return bars;
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private record MemoryFindings(FindingQuery.Recent recent) implements FindingsRepository {
    @Override
    public Future<Void> insert(List<JsonObject> findings) {
      findings.forEach(recent::add);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> resolve(List<JsonObject> outcomes) {
      outcomes.forEach(recent::resolve);
      return Future.succeededFuture();
    }

    @Override
    public Future<List<Kept>> newest(FindingQuery q) {
      return Future.succeededFuture(q.take(recent.newestFirst()));
    }

    @Override
    public Future<List<ScoredFinding>> scored(FindingQuery q, List<String> horizons) {
      return Future.succeededFuture(q.take(FindingQuery.scoredOnly(recent.newestFirst())).stream()
          .map(k -> k.scored(horizons)).toList());
    }

    @Override
    public Future<List<Kept>> owed(String symbol, Instant since) {
      List<Kept> owed = new ArrayList<>();
      for (Iterator<Kept> it = recent.newestFirst(); it.hasNext(); ) {
        Kept k = it.next();
        if (k.ts().isBefore(since)) {
          break;
        }
        if (symbol.equals(k.finding().getString("symbol")) && FindingQuery.isOwed(k.finding())) {
          owed.add(0, k);
        }
      }
      return Future.succeededFuture(owed);
    }

    @Override
    public Future<Integer> prune(Instant before, int batch) {
      return Future.succeededFuture(0);
    }
  }

  private static final class MemoryPositions implements PositionsRepository {
    private final Map<String, Position> bySymbol = new TreeMap<>();

    @Override
    public Future<Void> upsert(List<Position> changes) {
      changes.forEach(p -> bySymbol.merge(p.symbol(), p,
          (old, now) -> old.updatedAt().isAfter(now.updatedAt()) ? old : now));
      return Future.succeededFuture();
    }

    @Override
    public Future<List<Position>> all() {
      return Future.succeededFuture(new ArrayList<>(bySymbol.values()));
    }
  }

  private static final class MemoryBars implements BarsRepository {
    private final Map<String, TreeMap<Long, MinuteBar>> bySymbol = new HashMap<>();

    @Override
    public Future<Void> insert(List<MinuteBar> bars) {
      for (MinuteBar b : bars) {
        TreeMap<Long, MinuteBar> kept = bySymbol.computeIfAbsent(b.symbol(), s -> new TreeMap<>());
        kept.put(b.startMs(), b);
        while (kept.size() > BARS_PER_SYMBOL) {
          kept.pollFirstEntry();
        }
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<List<MinuteBar>> since(String symbol, long sinceMs) {
      TreeMap<Long, MinuteBar> kept = bySymbol.get(symbol);
      return Future.succeededFuture(kept == null ? List.of() : new ArrayList<>(kept.tailMap(sinceMs, true).values()));
    }

    @Override
    public Future<Integer> prune(long beforeMs, int batch) {
      return Future.succeededFuture(0);
    }
  }
}
