package dev.tapewatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tapewatch.config.Secret;
import dev.tapewatch.scorecard.ScoredFinding;
import dev.tapewatch.scorecard.ScoredFinding.Outcome;
import dev.tapewatch.store.FindingQuery.Kept;
import dev.tapewatch.support.TestDatabase;
import dev.tapewatch.tape.MinuteBar;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema each database migrates to, from an empty database and, on PostgreSQL, from the schema the service
 * wrote before this store (versions 1 and 2), keeping its rows; a second migrate changes nothing, and two nodes
 * migrating one empty database at once both succeed.
 */
class MigrationsTest {
  /** Every PostgreSQL column: table.column type, "not null" where it is. */
  private static final List<String> PG_COLUMNS = List.of(
      "bars_1m.symbol text not null",
      "bars_1m.start_ms bigint not null",
      "bars_1m.open double precision not null",
      "bars_1m.high double precision not null",
      "bars_1m.low double precision not null",
      "bars_1m.close double precision not null",
      "bars_1m.volume double precision not null",
      "bars_1m.price_volume double precision not null",
      "bars_1m.signed_volume double precision not null",
      "bars_1m.trades integer not null",
      "bars_1m.first_ms bigint not null",
      "bars_1m.last_ms bigint not null",
      "findings.id uuid not null",
      "findings.ts_utc timestamp with time zone not null",
      "findings.agent text not null",
      "findings.symbol text not null",
      "findings.score double precision not null",
      "findings.label text not null",
      "findings.details jsonb not null",
      "findings.ref_price double precision",
      "findings.outcomes jsonb",
      "position_state.symbol text not null",
      "position_state.status text not null",
      "position_state.qty double precision not null",
      "position_state.avg_price double precision",
      "position_state.updated_at timestamp with time zone not null",
      "position_state.last_action text",
      "position_state.last_conf double precision",
      "schema_migrations.version integer not null",
      "schema_migrations.applied_at timestamp without time zone not null");
  private static final List<String> PG_INDEXES = List.of(
      "CREATE UNIQUE INDEX bars_1m_pkey ON public.bars_1m USING btree (symbol, start_ms)",
      "CREATE INDEX bars_1m_start ON public.bars_1m USING btree (start_ms)",
      "CREATE INDEX findings_agent_ts ON public.findings USING btree (agent, ts_utc DESC)",
      "CREATE UNIQUE INDEX findings_pkey ON public.findings USING btree (id)",
      "CREATE INDEX findings_symbol_ts ON public.findings USING btree (symbol, ts_utc DESC)",
      "CREATE INDEX findings_ts ON public.findings USING btree (ts_utc)",
      "CREATE UNIQUE INDEX position_state_pkey ON public.position_state USING btree (symbol)",
      "CREATE UNIQUE INDEX schema_migrations_pkey ON public.schema_migrations USING btree (version)");
  /** Every SQLite column: table.column type, "not null" where declared, "pk" and its place in the key. */
  private static final List<String> SQLITE_COLUMNS = List.of(
      "bars_1m.symbol text not null pk1",
      "bars_1m.start_ms integer not null pk2",
      "bars_1m.open real not null",
      "bars_1m.high real not null",
      "bars_1m.low real not null",
      "bars_1m.close real not null",
      "bars_1m.volume real not null",
      "bars_1m.price_volume real not null",
      "bars_1m.signed_volume real not null",
      "bars_1m.trades integer not null",
      "bars_1m.first_ms integer not null",
      "bars_1m.last_ms integer not null",
      "findings.id text pk1",
      "findings.ts_ms integer not null",
      "findings.agent text not null",
      "findings.symbol text not null",
      "findings.score real not null",
      "findings.label text not null",
      "findings.details text not null",
      "findings.ref_price real",
      "findings.outcomes text",
      "position_state.symbol text pk1",
      "position_state.status text not null",
      "position_state.qty real not null",
      "position_state.avg_price real",
      "position_state.updated_ms integer not null",
      "position_state.last_action text",
      "position_state.last_conf real",
      "schema_migrations.version integer pk1",
      "schema_migrations.applied_at timestamp not null");
  /** Every SQLite index, the primary keys' own among them: name on table (columns). */
  private static final List<String> SQLITE_INDEXES = List.of(
      "bars_1m_start on bars_1m (start_ms)",
      "findings_agent_ts on findings (agent, ts_ms DESC)",
      "findings_symbol_ts on findings (symbol, ts_ms DESC)",
      "findings_ts on findings (ts_ms)",
      "sqlite_autoindex_bars_1m_1 on bars_1m (symbol, start_ms)",
      "sqlite_autoindex_findings_1 on findings (id)",
      "sqlite_autoindex_position_state_1 on position_state (symbol)");

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  // ---- PostgreSQL ----

  private static List<String> strings(TestDatabase pg, String sql) throws Exception {
    return pg.query(sql).stream().map(r -> r.getString(0)).toList();
  }

  private static List<Integer> pgVersions(TestDatabase pg) throws Exception {
    return pg.query("SELECT version FROM schema_migrations ORDER BY version").stream().map(r -> r.getInteger(0))
        .toList();
  }

  private static List<String> pgColumns(TestDatabase pg) throws Exception {
    return strings(pg, "SELECT table_name || '.' || column_name || ' ' || data_type"
        + " || CASE is_nullable WHEN 'NO' THEN ' not null' ELSE '' END FROM information_schema.columns"
        + " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position");
  }

  private static List<String> pgIndexes(TestDatabase pg) throws Exception {
    return strings(pg, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
  }

  private static void assertPgSchema(TestDatabase pg) throws Exception {
    assertEquals(List.of(1, 2, 3), pgVersions(pg));
    assertEquals(PG_COLUMNS, pgColumns(pg));
    assertEquals(PG_INDEXES, pgIndexes(pg));
  }

  private static PgDatabase pgDatabase(TestDatabase pg) {
    return new PgDatabase(vertx, new Secret(pg.url()));
  }

  @Test
  @Tag("integration")
  void postgresFromEmptyAppliesEveryVersionAndASecondMigrateChangesNothing() throws Exception {
    try (TestDatabase pg = new TestDatabase()) {
      PgDatabase db = pgDatabase(pg);
      await(db.migrate());
      assertPgSchema(pg);
      List<String> applied = strings(pg, "SELECT version || ' ' || applied_at FROM schema_migrations ORDER BY 1");
      JsonObject finding = finding();
      await(db.findings().insert(List.of(finding.copy())));

      await(db.migrate());
      await(db.close());
      PgDatabase restarted = pgDatabase(pg);
      await(restarted.migrate());

      assertPgSchema(pg);
      assertEquals(applied, strings(pg, "SELECT version || ' ' || applied_at FROM schema_migrations ORDER BY 1"));
      assertEquals(List.of(finding), findings(restarted));
      await(restarted.close());
    }
  }

  /**
   * A database as the service left it before this store: the released SQL of versions 1 and 2 run by hand as one
   * script each (not through Migrations), a finding written between them (no ref_price, no outcomes yet), one
   * after, and a position.
   */
  @Test
  @Tag("integration")
  void postgresFromTheSchemaOfVersionsOneAndTwoAppliesVersionThreeAndKeepsTheRows() throws Exception {
    try (TestDatabase pg = new TestDatabase()) {
      pg.query(resource("/db/postgres/001_findings.sql"));
      pg.query("INSERT INTO findings (id, ts_utc, agent, symbol, score, label, details) VALUES"
          + " ('1f0e2d3c-4b5a-4697-8877-665544332211', '2026-02-27 09:15:00.125+00', 'trend_score', 'BTC-USD',"
          + " 0.58, 'p_up', '{\"p_up\": 0.58, \"window_bars\": 21}')");
      pg.query(resource("/db/postgres/002_scorecard.sql"));
      pg.query("CREATE TABLE schema_migrations (version integer PRIMARY KEY,"
          + " applied_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)");
      pg.query("INSERT INTO schema_migrations (version, applied_at) VALUES (1, '2026-01-15 08:00:00'),"
          + " (2, '2026-02-20 08:00:00')");
      pg.query("INSERT INTO findings (id, ts_utc, agent, symbol, score, label, details, ref_price, outcomes) VALUES"
          + " ('e2d3c4b5-a697-4887-9665-5443322110ff', '2026-02-28 12:00:00+00', 'trend_score', 'BTC-USD', 0.71,"
          + " 'enter_long', '{\"status\": \"long\"}', 64012.5,"
          + " '{\"1m\": {\"price\": 64100.0, \"ret_bps\": 13.67, \"hit\": true}, \"5m\": null}')");
      pg.query("INSERT INTO position_state VALUES ('BTC-USD', 'long', 0.5, 64012.5, '2026-02-28 12:00:00+00',"
          + " 'enter_long', 0.71)");

      PgDatabase db = pgDatabase(pg);
      await(db.migrate());

      assertPgSchema(pg);
      assertEquals(List.of("1 2026-01-15 08:00:00", "2 2026-02-20 08:00:00"),
          strings(pg, "SELECT version || ' ' || applied_at FROM schema_migrations WHERE version < 3 ORDER BY 1"));
      JsonObject beforeScorecard = new JsonObject().put("id", "1f0e2d3c-4b5a-4697-8877-665544332211")
          .put("ts_utc", "2026-02-27T09:15:00.125Z").put("agent", "trend_score").put("symbol", "BTC-USD")
          .put("score", 0.58).put("label", "p_up").put("details", new JsonObject().put("p_up", 0.58)
              .put("window_bars", 21)).putNull("ref_price").putNull("outcomes");
      JsonObject scored = new JsonObject().put("id", "e2d3c4b5-a697-4887-9665-5443322110ff")
          .put("ts_utc", "2026-02-28T12:00:00Z").put("agent", "trend_score").put("symbol", "BTC-USD")
          .put("score", 0.71).put("label", "enter_long").put("details", new JsonObject().put("status", "long"))
          .put("ref_price", 64012.5).put("outcomes", new JsonObject()
              .put("1m", new JsonObject().put("price", 64100.0).put("ret_bps", 13.67).put("hit", true))
              .putNull("5m"));
      assertEquals(List.of(scored, beforeScorecard), findings(db));
      // The scorecard's read: no details, the outcomes at the horizons asked.
      assertEquals(List.of(new ScoredFinding(Instant.parse("2026-02-28T12:00:00Z"),
              "e2d3c4b5-a697-4887-9665-5443322110ff", "BTC-USD", "trend_score", "enter_long", 0.71,
              Arrays.asList(new Outcome(13.67, true), null))),
          await(db.findings().scored(all(), List.of("1m", "5m"))));
      assertEquals(List.of(scored), await(db.findings().owed("BTC-USD", Instant.parse("2026-02-27T00:00:00Z")))
          .stream().map(Kept::finding).toList());
      assertEquals(List.of(new Position("BTC-USD", "long", 0.5, 64012.5, Instant.parse("2026-02-28T12:00:00Z"),
          "enter_long", 0.71)), await(db.positions().all()));

      MinuteBar bar = new MinuteBar("BTC-USD", 1_772_280_000_000L, 64000.0, 64012.5, 63990.0, 64005.0, 1.5,
          96_007.5, 0.25, 9, 1_772_280_000_450L, 1_772_280_059_900L);
      await(db.bars().insert(List.of(bar)));
      assertEquals(List.of(bar), await(db.bars().since("BTC-USD", 0)));
      await(db.close());
    }
  }

  @Test
  @Tag("integration")
  void twoNodesMigratingOneEmptyPostgresDatabaseAtOnceBothSucceed() throws Exception {
    try (TestDatabase pg = new TestDatabase()) {
      PgDatabase first = pgDatabase(pg);
      PgDatabase second = pgDatabase(pg);
      Future<Void> a = first.migrate();
      Future<Void> b = second.migrate();
      try {
        await(Future.join(a, b));
      } catch (Exception e) {
        // join fails as soon as both are done and one failed; say which and why.
        throw new AssertionError("first: " + a.cause() + ", second: " + b.cause(), e);
      }

      assertPgSchema(pg);
      await(first.close());
      await(second.close());
    }
  }

  private static String resource(String path) throws Exception {
    try (InputStream in = MigrationsTest.class.getResourceAsStream(path)) {
      assertNotNull(in, path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  // ---- SQLite ----

  /** Rows of a query on the closed database's file, each row's columns joined by a space. */
  private static List<String> sqlite(Path dataDir, String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteDatabase.FILE));
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  private static void assertSqliteSchema(Path dataDir) throws Exception {
    assertEquals(List.of("1"), sqlite(dataDir, "SELECT version FROM schema_migrations ORDER BY version"));
    assertEquals(SQLITE_COLUMNS, sqlite(dataDir, "SELECT m.name || '.' || p.name || ' ' || lower(p.type)"
        + " || CASE p.\"notnull\" WHEN 1 THEN ' not null' ELSE '' END"
        + " || CASE WHEN p.pk > 0 THEN ' pk' || p.pk ELSE '' END"
        + " FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid"));
    assertEquals(SQLITE_INDEXES, sqlite(dataDir, "SELECT m.name || ' on ' || m.tbl_name || ' ('"
        + " || (SELECT group_concat(name, ', ') FROM (SELECT x.name || CASE x.desc WHEN 1 THEN ' DESC' ELSE '' END"
        + " AS name FROM pragma_index_xinfo(m.name) x WHERE x.key = 1 ORDER BY x.seqno)) || ')'"
        + " FROM sqlite_master m WHERE m.type = 'index' ORDER BY m.name"));
  }

  @Test
  void sqliteFromEmptyAppliesEveryVersion(@TempDir Path dataDir) throws Exception {
    SqliteDatabase db = new SqliteDatabase(vertx, dataDir);
    await(db.migrate());
    await(db.close());

    assertSqliteSchema(dataDir);
  }

  @Test
  void sqliteMigratedAgainChangesNothing(@TempDir Path dataDir) throws Exception {
    SqliteDatabase db = new SqliteDatabase(vertx, dataDir);
    await(db.migrate());
    JsonObject finding = finding();
    await(db.findings().insert(List.of(finding.copy())));
    await(db.close());
    List<String> applied = sqlite(dataDir, "SELECT version || ' ' || applied_at FROM schema_migrations");

    SqliteDatabase restarted = new SqliteDatabase(vertx, dataDir);
    await(restarted.migrate());
    await(restarted.migrate());
    assertEquals(List.of(finding), findings(restarted));
    await(restarted.close());

    assertSqliteSchema(dataDir);
    assertEquals(applied, sqlite(dataDir, "SELECT version || ' ' || applied_at FROM schema_migrations"));
  }

  // ---- both ----

  private static FindingQuery all() {
    return new FindingQuery(null, null, null, null, null, 100);
  }

  private static List<JsonObject> findings(Database db) throws Exception {
    return await(db.findings().newest(all())).stream().map(Kept::finding).toList();
  }

  private static JsonObject finding() {
    return new JsonObject().put("id", "7c6b5a49-3827-4160-9f8e-7d6c5b4a3928").put("ts_utc", "2026-03-02T10:00:00Z")
        .put("agent", "rvol_spike").put("symbol", "ETH-USD").put("score", 3.25).put("label", "spike")
        .put("details", new JsonObject().put("rvol", 3.25)).put("ref_price", 3190.75)
        .put("outcomes", new JsonObject().putNull("1m").putNull("5m"));
  }
}
