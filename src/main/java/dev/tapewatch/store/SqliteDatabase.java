package dev.tapewatch.store;

import dev.tapewatch.scorecard.ScoredFinding;
import dev.tapewatch.store.FindingQuery.Kept;
import dev.tapewatch.tape.MinuteBar;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The embedded default store: one SQLite file ({@code tapewatch.db}) in DATA_DIR through xerial's JDBC driver, in
 * WAL mode with synchronous=NORMAL (a committed transaction survives a killed process; the outbox in front of it
 * covers a power cut). JDBC blocks, so every call runs on one worker thread of its own, in order, never on an event
 * loop; one connection serves them all.
 */
final class SqliteDatabase implements Database {
  static final String FILE = "tapewatch.db";
  private static final String COLUMNS = "id, ts_ms, agent, symbol, score, label, details, ref_price, outcomes";
  /**
   * Parameters: symbol twice, since twice, before twice, the id at before twice, before, agent twice (null switches a
   * filter off; see FindingQuery).
   */
  private static final String FILTER = """
      (? IS NULL OR symbol = ?) AND (? IS NULL OR ts_ms >= ?)
        AND (? IS NULL OR ts_ms < ? OR (? IS NOT NULL AND id < ? AND ts_ms = ?))
        AND (? IS NULL OR agent = ?)""";

  private final WorkerExecutor worker;
  private final Path file;
  private Connection conn;
  private final FindingsRepository findings = new SqliteFindings();
  private final PositionsRepository positions = new SqlitePositions();
  private final BarsRepository bars = new SqliteBars();

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** What a query's statement, bound, is read into. */
  @FunctionalInterface
  private interface Reader<T> {
    T read(PreparedStatement ps) throws SQLException;
  }

  SqliteDatabase(Vertx vertx, Path dataDir) {
    this.file = dataDir.resolve(FILE);
    this.worker = vertx.createSharedWorkerExecutor("tapewatch-sqlite-" + dataDir, 1);
  }

  @Override
  public String mode() {
    return "sqlite";
  }

  /** Runs on the store's worker thread; opens the connection on first use. */
  private <T> Future<T> call(Work<T> work) {
    Callable<T> task = () -> {
      if (conn == null) {
        conn = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = conn.createStatement()) {
          s.execute("PRAGMA journal_mode=WAL");
          s.execute("PRAGMA synchronous=NORMAL");
          s.execute("PRAGMA busy_timeout=5000");
        }
      }
      return work.run(conn);
    };
    return worker.executeBlocking(task, true);
  }

  /** Runs {@code work} in one transaction. */
  private <T> Future<T> transaction(Work<T> work) {
    return call(c -> {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    });
  }

  @Override
  public Future<Void> migrate() {
    return transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.execute(Migrations.CREATE_TABLE);
        Set<Integer> applied = new HashSet<>();
        try (ResultSet rs = s.executeQuery(Migrations.APPLIED)) {
          while (rs.next()) {
            applied.add(rs.getInt(1));
          }
        }
        for (int i = 0; i < Migrations.SQLITE.size(); i++) {
          if (applied.contains(i + 1)) {
            continue;
          }
          for (String sql : Migrations.statements("sqlite", Migrations.SQLITE.get(i))) {
            s.execute(sql);
          }
          s.execute("INSERT INTO schema_migrations (version) VALUES (" + (i + 1) + ")");
        }
      }
      return null;
    });
  }

  @Override
  public Future<Void> ping() {
    return call(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT 1");
      }
      return null;
    });
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
    return call(c -> {
      c.close();
      conn = null;
      return (Void) null;
    }).eventually(worker::close);
  }

  private static void set(PreparedStatement ps, int index, Object value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.NULL);
    } else {
      ps.setObject(index, value);
    }
  }

  /** Binds {@code values} in order from index 1. */
  private static void bind(PreparedStatement ps, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      set(ps, i + 1, values[i]);
    }
  }

  private static List<Kept> kept(PreparedStatement ps) throws SQLException {
    List<Kept> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Instant ts = Instant.ofEpochMilli(rs.getLong("ts_ms"));
        String id = rs.getString("id");
        String outcomes = rs.getString("outcomes");
        out.add(new Kept(ts, id, new JsonObject()
            .put("id", id)
            .put("ts_utc", ts.toString())
            .put("agent", rs.getString("agent"))
            .put("symbol", rs.getString("symbol"))
            .put("score", rs.getDouble("score"))
            .put("label", rs.getString("label"))
            .put("details", new JsonObject(rs.getString("details")))
            .put("ref_price", nullableDouble(rs, "ref_price"))
            .put("outcomes", outcomes == null ? null : new JsonObject(outcomes))));
      }
    }
    return out;
  }

  /** A REAL column that may be NULL: the driver's getObject(column, Double.class) throws on NULL. */
  private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
    double value = rs.getDouble(column);
    return rs.wasNull() ? null : value;
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  private final class SqliteFindings implements FindingsRepository {
    @Override
    public Future<Void> insert(List<JsonObject> findings) {
      return findings.isEmpty() ? Future.succeededFuture() : transaction(c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO findings (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
          for (JsonObject f : findings) {
            JsonObject outcomes = f.getJsonObject("outcomes");
            bind(ps, f.getString("id"), Instant.parse(f.getString("ts_utc")).toEpochMilli(), f.getString("agent"),
                f.getString("symbol"), f.getDouble("score"), f.getString("label"), f.getJsonObject("details").encode(),
                f.getDouble("ref_price"), outcomes == null ? null : outcomes.encode());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
    }

    @Override
    public Future<Void> resolve(List<JsonObject> outcomes) {
      return outcomes.isEmpty() ? Future.succeededFuture() : transaction(c -> {
        // json_extract answers NULL both for a missing horizon and for one still null: either may be set.
        try (PreparedStatement ps = c.prepareStatement("""
            UPDATE findings SET outcomes = json_set(coalesce(outcomes, '{}'), '$."' || ? || '"', json(?))
            WHERE id = ? AND json_extract(coalesce(outcomes, '{}'), '$."' || ? || '"') IS NULL""")) {
          for (JsonObject o : outcomes) {
            String horizon = o.getString("horizon");
            bind(ps, horizon, o.getJsonObject("outcome").encode(), o.getString("id"), horizon);
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
    }

    @Override
    public Future<List<Kept>> newest(FindingQuery q) {
      return select("SELECT " + COLUMNS + " FROM findings WHERE " + FILTER
          + " ORDER BY ts_ms DESC, id DESC LIMIT ?", q, SqliteDatabase::kept);
    }

    @Override
    public Future<List<ScoredFinding>> scored(FindingQuery q, List<String> horizons) {
      return select("SELECT id, ts_ms, agent, symbol, score, label, outcomes FROM findings"
          + " WHERE outcomes IS NOT NULL AND " + FILTER
          + " AND EXISTS (SELECT 1 FROM json_each(outcomes) o"
          + " WHERE o.type = 'object' AND json_type(o.value, '$.ret_bps') IN ('integer', 'real'))"
          + " ORDER BY ts_ms DESC, id DESC LIMIT ?", q, ps -> {
            List<ScoredFinding> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new ScoredFinding(Instant.ofEpochMilli(rs.getLong("ts_ms")), rs.getString("id"),
                    rs.getString("symbol"), rs.getString("agent"), rs.getString("label"), rs.getDouble("score"),
                    ScoredFinding.outcomes(rs.getString("outcomes"), horizons)));
              }
            }
            return out;
          });
    }

    private <T> Future<T> select(String sql, FindingQuery q, Reader<T> reader) {
      return call(c -> {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          Long since = millis(q.since());
          Long before = millis(q.before());
          bind(ps, q.symbol(), q.symbol(), since, since, before, before, q.beforeId(), q.beforeId(), before,
              q.agent(), q.agent(), q.limit());
          return reader.read(ps);
        }
      });
    }

    @Override
    public Future<List<Kept>> owed(String symbol, Instant since) {
      return call(c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM findings"
            + " WHERE symbol = ? AND ts_ms >= ? AND outcomes IS NOT NULL"
            + " AND EXISTS (SELECT 1 FROM json_each(outcomes) o WHERE o.type = 'null') ORDER BY ts_ms, id")) {
          bind(ps, symbol, since.toEpochMilli());
          return kept(ps);
        }
      });
    }

    @Override
    public Future<Integer> prune(Instant before, int batch) {
      return call(c -> {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM findings WHERE id IN"
            + " (SELECT id FROM findings WHERE ts_ms < ? ORDER BY ts_ms LIMIT ?)")) {
          bind(ps, before.toEpochMilli(), batch);
          return ps.executeUpdate();
        }
      });
    }
  }

  private final class SqlitePositions implements PositionsRepository {
    @Override
    public Future<Void> upsert(List<Position> changes) {
      return changes.isEmpty() ? Future.succeededFuture() : transaction(c -> {
        try (PreparedStatement ps = c.prepareStatement("""
            INSERT INTO position_state (symbol, status, qty, avg_price, updated_ms, last_action, last_conf)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (symbol) DO UPDATE SET status = excluded.status, qty = excluded.qty,
              avg_price = excluded.avg_price, updated_ms = excluded.updated_ms, last_action = excluded.last_action,
              last_conf = excluded.last_conf
            WHERE position_state.updated_ms <= excluded.updated_ms""")) {
          for (Position p : changes) {
            bind(ps, p.symbol(), p.status(), p.qty(), p.avgPrice(), p.updatedAt().toEpochMilli(), p.lastAction(),
                p.lastConf());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
    }

    @Override
    public Future<List<Position>> all() {
      return call(c -> {
        List<Position> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT symbol, status, qty,"
            + " avg_price, updated_ms, last_action, last_conf FROM position_state ORDER BY symbol")) {
          while (rs.next()) {
            out.add(new Position(rs.getString("symbol"), rs.getString("status"), rs.getDouble("qty"),
                nullableDouble(rs, "avg_price"), Instant.ofEpochMilli(rs.getLong("updated_ms")),
                rs.getString("last_action"), nullableDouble(rs, "last_conf")));
          }
        }
        return out;
      });
    }
  }

  private final class SqliteBars implements BarsRepository {
    @Override
    public Future<Void> insert(List<MinuteBar> bars) {
      return bars.isEmpty() ? Future.succeededFuture() : transaction(c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO bars_1m (symbol, start_ms, open,"
            + " high, low, close, volume, price_volume, signed_volume, trades, first_ms, last_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          for (MinuteBar b : bars) {
            bind(ps, b.symbol(), b.startMs(), b.open(), b.high(), b.low(), b.close(), b.volume(), b.priceVolume(),
                b.signedVolume(), b.trades(), b.firstMs(), b.lastMs());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
    }

    @Override
    public Future<List<MinuteBar>> since(String symbol, long sinceMs) {
      return call(c -> {
        List<MinuteBar> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT * FROM bars_1m WHERE symbol = ? AND start_ms >= ? ORDER BY start_ms")) {
          bind(ps, symbol, sinceMs);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(new MinuteBar(rs.getString("symbol"), rs.getLong("start_ms"), rs.getDouble("open"),
                  rs.getDouble("high"), rs.getDouble("low"), rs.getDouble("close"), rs.getDouble("volume"),
                  rs.getDouble("price_volume"), rs.getDouble("signed_volume"), rs.getInt("trades"),
                  rs.getLong("first_ms"), rs.getLong("last_ms")));
            }
          }
        }
        return out;
      });
    }

    @Override
    public Future<Integer> prune(long beforeMs, int batch) {
      return call(c -> {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM bars_1m WHERE rowid IN"
            + " (SELECT rowid FROM bars_1m WHERE start_ms < ? ORDER BY start_ms LIMIT ?)")) {
          bind(ps, beforeMs, batch);
          return ps.executeUpdate();
        }
      });
    }
  }
}
