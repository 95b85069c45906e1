package dev.tapewatch.store;

import dev.tapewatch.config.Secret;
import dev.tapewatch.scorecard.ScoredFinding;
import dev.tapewatch.store.FindingQuery.Kept;
import dev.tapewatch.tape.MinuteBar;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** PostgreSQL through the Vert.x reactive client: every call is asynchronous and fails after {@link #TIMEOUT_MS}. */
final class PgDatabase implements Database {
  static final long TIMEOUT_MS = 2000;
  /** Serialises concurrent migrations (several pods starting at once) on one advisory lock. */
  private static final String MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(727274701)";
  private static final String COLUMNS = "id, ts_utc, agent, symbol, score, label, details, ref_price, outcomes";
  /**
   * What the scorecard reads of a scored finding, up to SCORED_MAX at a time: no details, and the outcomes as text,
   * which the client would otherwise decode into objects on the event loop, to be read token by token on a worker.
   */
  private static final String SCORED_COLUMNS = "id, ts_utc, agent, symbol, score, label, outcomes::text AS outcomes";
  private final Vertx vertx;
  private final Pool pool;
  private final FindingsRepository findings = new PgFindings();
  private final PositionsRepository positions = new PgPositions();
  private final BarsRepository bars = new PgBars();

  PgDatabase(Vertx vertx, Secret url) {
    this.vertx = vertx;
    this.pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(4))
        .with(new NetClientOptions().setConnectTimeout((int) TIMEOUT_MS))
        .connectingTo(PgConnectOptions.fromUri(url.reveal()))
        .using(vertx)
        .build();
  }

  @Override
  public String mode() {
    return "postgres";
  }

  @Override
  public Future<Void> migrate() {
    return timed(pool.withTransaction(conn -> conn.query(MIGRATION_LOCK).execute()
        // "already exists, skipping" notices of IF NOT EXISTS would reach the log at every start as warnings.
        .compose(v -> conn.query("SET LOCAL client_min_messages = warning").execute())
        .compose(v -> conn.query(Migrations.CREATE_TABLE).execute())
        .compose(v -> conn.query(Migrations.APPLIED).execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          rows.forEach(r -> applied.add(r.getInteger(0)));
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < Migrations.POSTGRES.size(); i++) {
            int version = i + 1;
            if (!applied.contains(version)) {
              List<String> statements = Migrations.statements("postgres", Migrations.POSTGRES.get(i));
              chain = chain.compose(v -> runAll(conn, statements))
                  .compose(v -> conn.preparedQuery("INSERT INTO schema_migrations (version) VALUES ($1)")
                      .execute(Tuple.of(version)))
                  .mapEmpty();
            }
          }
          return chain;
        })), 4 * TIMEOUT_MS);
  }

  private static Future<Void> runAll(SqlConnection conn, List<String> statements) {
    Future<Void> chain = Future.succeededFuture();
    for (String sql : statements) {
      chain = chain.compose(v -> conn.query(sql).execute().mapEmpty());
    }
    return chain;
  }

  @Override
  public Future<Void> ping() {
    return timed(pool.query("SELECT 1").execute()).mapEmpty();
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
    return pool.close();
  }

  private static <T> Future<T> timed(Future<T> f) {
    return timed(f, TIMEOUT_MS);
  }

  /** The same future, failed if it has not completed within {@code timeoutMs}, saying so (for /health). */
  private static <T> Future<T> timed(Future<T> f, long timeoutMs) {
    return f.timeout(timeoutMs, TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(e instanceof TimeoutException
        ? new TimeoutException("database did not answer within " + timeoutMs + " ms") : e));
  }

  private Future<Void> batch(String sql, List<Tuple> rows) {
    return rows.isEmpty() ? Future.succeededFuture() : timed(pool.preparedQuery(sql).executeBatch(rows)).mapEmpty();
  }

  private static OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }

  private static List<Kept> kept(RowSet<Row> rows) {
    List<Kept> out = new ArrayList<>();
    for (Row r : rows) {
      Instant ts = r.getOffsetDateTime("ts_utc").toInstant();
      String id = r.getUUID("id").toString();
      out.add(new Kept(ts, id, new JsonObject()
          .put("id", id)
          .put("ts_utc", ts.toString())
          .put("agent", r.getString("agent"))
          .put("symbol", r.getString("symbol"))
          .put("score", r.getDouble("score"))
          .put("label", r.getString("label"))
          .put("details", r.getJsonObject("details"))
          .put("ref_price", r.getDouble("ref_price"))
          .put("outcomes", r.getJsonObject("outcomes"))));
    }
    return out;
  }

  private final class PgFindings implements FindingsRepository {
    @Override
    public Future<Void> insert(List<JsonObject> findings) {
      return batch("INSERT INTO findings (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
          + " ON CONFLICT (id) DO NOTHING", findings.stream().map(f -> Tuple.of(UUID.fromString(f.getString("id")),
          utc(Instant.parse(f.getString("ts_utc"))), f.getString("agent"), f.getString("symbol"), f.getDouble("score"),
          f.getString("label"), f.getJsonObject("details"), f.getDouble("ref_price"), f.getJsonObject("outcomes")))
          .toList());
    }

    @Override
    public Future<Void> resolve(List<JsonObject> outcomes) {
      return batch("""
          UPDATE findings SET outcomes = jsonb_set(coalesce(outcomes, '{}'::jsonb), ARRAY[$2::text], $3::jsonb)
          WHERE id = $1 AND coalesce(outcomes -> $2::text, 'null'::jsonb) = 'null'::jsonb""",
          outcomes.stream().map(o -> Tuple.of(UUID.fromString(o.getString("id")), o.getString("horizon"),
              o.getJsonObject("outcome"))).toList());
    }

    @Override
    public Future<List<Kept>> newest(FindingQuery q) {
      return select(COLUMNS, "", q).map(PgDatabase::kept);
    }

    @Override
    public Future<List<ScoredFinding>> scored(FindingQuery q, List<String> horizons) {
      return select(SCORED_COLUMNS, " AND outcomes IS NOT NULL"
          + " AND jsonb_path_exists(outcomes, '$.* ? (@.ret_bps.type() == \"number\")')", q)
          .compose(rows -> vertx.executeBlocking(() -> {
            List<ScoredFinding> out = new ArrayList<>(rows.size());
            // By position, in the order of SCORED_COLUMNS: a name is looked up in the columns at every call.
            for (Row r : rows) {
              out.add(new ScoredFinding(r.getOffsetDateTime(1).toInstant(), r.getUUID(0).toString(),
                  r.getString(3), r.getString(2), r.getString(5), r.getDouble(4),
                  ScoredFinding.outcomes(r.getString(6), horizons)));
            }
            return out;
          }, false));
    }

    /**
     * The findings of {@code q} that also meet {@code also}, newest first. The statement holds only the filters
     * given, each a plain comparison: written once with "$1 IS NULL OR symbol = $1" for every filter, the plan
     * (generic once cached) could not start an index at the symbol, the agent or the page's end, and a page a
     * million findings deep read every newer one first. The page's end (before, before_id) is "ts_utc <= before"
     * and then the tie, so that the scan starts there.
     */
    private Future<RowSet<Row>> select(String columns, String also, FindingQuery q) {
      List<Object> params = new ArrayList<>();
      StringBuilder where = new StringBuilder("TRUE");
      if (q.symbol() != null) {
        params.add(q.symbol());
        where.append(" AND symbol = $").append(params.size());
      }
      if (q.agent() != null) {
        params.add(q.agent());
        where.append(" AND agent = $").append(params.size());
      }
      if (q.since() != null) {
        params.add(utc(q.since()));
        where.append(" AND ts_utc >= $").append(params.size());
      }
      if (q.before() != null) {
        params.add(utc(q.before()));
        int before = params.size();
        if (q.beforeId() == null) {
          where.append(" AND ts_utc < $").append(before);
        } else {
          params.add(UUID.fromString(q.beforeId()));
          where.append(" AND ts_utc <= $").append(before).append(" AND (ts_utc < $").append(before)
              .append(" OR id < $").append(params.size()).append(')');
        }
      }
      params.add(q.limit());
      return timed(pool.preparedQuery("SELECT " + columns + " FROM findings WHERE " + where + also
          + " ORDER BY ts_utc DESC, id DESC LIMIT $" + params.size()).execute(Tuple.from(params)));
    }

    @Override
    public Future<List<Kept>> owed(String symbol, Instant since) {
      return timed(pool.preparedQuery("SELECT " + COLUMNS + " FROM findings"
          + " WHERE symbol = $1 AND ts_utc >= $2 AND outcomes IS NOT NULL"
          + " AND EXISTS (SELECT 1 FROM jsonb_each(outcomes) o WHERE o.value = 'null'::jsonb) ORDER BY ts_utc, id")
          .execute(Tuple.of(symbol, utc(since)))).map(PgDatabase::kept);
    }

    @Override
    public Future<Integer> prune(Instant before, int batch) {
      return timed(pool.preparedQuery("DELETE FROM findings WHERE id IN"
          + " (SELECT id FROM findings WHERE ts_utc < $1 ORDER BY ts_utc LIMIT $2)")
          .execute(Tuple.of(utc(before), batch))).map(RowSet::rowCount);
    }
  }

  private final class PgPositions implements PositionsRepository {
    @Override
    public Future<Void> upsert(List<Position> changes) {
      return batch("""
          INSERT INTO position_state (symbol, status, qty, avg_price, updated_at, last_action, last_conf)
          VALUES ($1, $2, $3, $4, $5, $6, $7)
          ON CONFLICT (symbol) DO UPDATE SET status = EXCLUDED.status, qty = EXCLUDED.qty,
            avg_price = EXCLUDED.avg_price, updated_at = EXCLUDED.updated_at, last_action = EXCLUDED.last_action,
            last_conf = EXCLUDED.last_conf
          WHERE position_state.updated_at <= EXCLUDED.updated_at""",
          changes.stream().map(p -> Tuple.of(p.symbol(), p.status(), p.qty(), p.avgPrice(), utc(p.updatedAt()),
              p.lastAction(), p.lastConf())).toList());
    }

    @Override
    public Future<List<Position>> all() {
      return timed(pool.query("SELECT symbol, status, qty, avg_price, updated_at, last_action, last_conf"
          + " FROM position_state ORDER BY symbol").execute()).map(rows -> {
            List<Position> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Position(r.getString("symbol"), r.getString("status"), r.getDouble("qty"),
                r.getDouble("avg_price"), r.getOffsetDateTime("updated_at").toInstant(), r.getString("last_action"),
                r.getDouble("last_conf"))));
            return out;
          });
    }
  }

  private final class PgBars implements BarsRepository {
    @Override
    public Future<Void> insert(List<MinuteBar> bars) {
      return batch("""
          INSERT INTO bars_1m (symbol, start_ms, open, high, low, close, volume, price_volume, signed_volume, trades,
            first_ms, last_ms)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
          ON CONFLICT (symbol, start_ms) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high,
            low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume,
            price_volume = EXCLUDED.price_volume, signed_volume = EXCLUDED.signed_volume, trades = EXCLUDED.trades,
            first_ms = EXCLUDED.first_ms, last_ms = EXCLUDED.last_ms""",
          bars.stream().map(b -> Tuple.tuple(List.of(b.symbol(), b.startMs(), b.open(), b.high(), b.low(), b.close(),
              b.volume(), b.priceVolume(), b.signedVolume(), b.trades(), b.firstMs(), b.lastMs()))).toList());
    }

    @Override
    public Future<List<MinuteBar>> since(String symbol, long sinceMs) {
      return timed(pool.preparedQuery("SELECT * FROM bars_1m WHERE symbol = $1 AND start_ms >= $2 ORDER BY start_ms")
          .execute(Tuple.of(symbol, sinceMs))).map(rows -> {
            List<MinuteBar> out = new ArrayList<>();
            rows.forEach(r -> out.add(new MinuteBar(r.getString("symbol"), r.getLong("start_ms"), r.getDouble("open"),
                r.getDouble("high"), r.getDouble("low"), r.getDouble("close"), r.getDouble("volume"),
                r.getDouble("price_volume"), r.getDouble("signed_volume"), r.getInteger("trades"),
                r.getLong("first_ms"), r.getLong("last_ms"))));
            return out;
          });
    }

    @Override
    public Future<Integer> prune(long beforeMs, int batch) {
      return timed(pool.preparedQuery("DELETE FROM bars_1m WHERE (symbol, start_ms) IN"
          + " (SELECT symbol, start_ms FROM bars_1m WHERE start_ms < $1 ORDER BY start_ms LIMIT $2)")
          .execute(Tuple.of(beforeMs, batch))).map(RowSet::rowCount);
    }
  }
}
