package dev.tapewatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.scorecard.ScoredFinding;
import dev.tapewatch.scorecard.ScoredFinding.Outcome;
import dev.tapewatch.scorecard.ScoredFindings;
import dev.tapewatch.tape.Finding;
import dev.tapewatch.support.TestDatabase;
import dev.tapewatch.support.TestService;
import dev.tapewatch.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Findings and posture through the running service into the real PostgreSQL, including a database outage. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FindingsStoreTest {
  static final String ADMIN_TOKEN = "s3cret-admin-token";

  private TestDatabase db;
  private Vertx vertx;

  @BeforeAll
  void createDatabase() throws Exception {
    db = new TestDatabase();
  }

  @AfterAll
  void dropDatabase() throws Exception {
    db.close();
  }

  /** Each test starts from empty tables (they exist once the first service has migrated). */
  @BeforeEach
  void emptyTables() throws Exception {
    db.query("DO $$ BEGIN IF to_regclass('findings') IS NOT NULL THEN TRUNCATE findings, position_state; END IF; "
        + "END $$");
  }

  @AfterEach
  void stopService() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      vertx = null;
    }
  }

  private TestService start(Map<String, String> extra) throws Exception {
    return start(extra, v -> { });
  }

  /** {@code beforeDeploy} runs on the service's Vert.x before anything is deployed, to miss no finding. */
  private TestService start(Map<String, String> extra, Consumer<Vertx> beforeDeploy) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", db.url(), "SIM_SEED", "11",
        "TS_INTERVAL", "3600", "RVOL_INTERVAL_SEC", "3600", "CVD_INTERVAL_SEC", "3600",
        "NEW_TREND_INTERVAL_SEC", "3600", "REVERSAL_INTERVAL_SEC", "3600", "LIQ_INTERVAL_SEC", "3600",
        "BOOK_IMB_INTERVAL_SEC", "3600"));
    env.putAll(extra);
    vertx = Vertx.vertx();
    beforeDeploy.accept(vertx);
    TestService svc = TestService.start(vertx, env);
    svc.await("/health", h -> h.getJsonObject("database").getBoolean("connected", false), 15_000);
    return svc;
  }

  private HttpResponse<Buffer> runNow(TestService svc, String query, String token) throws Exception {
    var req = WebClient.create(vertx).post(svc.port(), "127.0.0.1", "/agents/run-now" + query);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return req.send().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static List<String> findingIds(HttpResponse<Buffer> ran) {
    return ran.bodyAsJsonObject().getJsonArray("results").stream().map(r -> ((JsonObject) r).getJsonObject("finding"))
        .filter(f -> f != null).map(f -> f.getString("id")).toList();
  }

  private long count(String where) throws Exception {
    return db.query("SELECT count(*) FROM findings WHERE " + where).get(0).getLong(0);
  }

  /** Polls the table: the store writes asynchronously, and its published status may predate the write. */
  private List<Row> awaitRows(String sql) {
    return Waits.until("a row for " + sql, Duration.ofSeconds(10), () -> db.query(sql), rows -> !rows.isEmpty(),
        rows -> "no row");
  }

  @Test
  void runNowInsertsTheFindingAsTheNewestRowAndInsertFalseWritesNothing() throws Exception {
    TestService svc = start(Map.of());
    ConcurrentLinkedQueue<JsonObject> heard = new ConcurrentLinkedQueue<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.FINDINGS, m -> heard.add(m.body()))
        .completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

    HttpResponse<Buffer> r = runNow(svc, "?names=trend_score&symbol=ETH-USD&insert=true", null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(Set.of("ok", "ran", "results"), body.fieldNames());
    assertTrue(body.getBoolean("ok"));
    assertEquals(new JsonArray().add("trend_score"), body.getJsonArray("ran"));
    JsonObject result = body.getJsonArray("results").getJsonObject(0);
    assertEquals("trend_score", result.getString("agent"));
    assertEquals("ETH-USD", result.getString("symbol"));
    JsonObject finding = result.getJsonObject("finding");
    assertEquals(Set.of("id", "ts_utc", "agent", "symbol", "score", "label", "details", "ref_price", "outcomes"),
        finding.fieldNames());
    assertTrue(finding.getDouble("ref_price") > 0, finding.encode());
    assertEquals(new JsonObject().putNull("1m").putNull("5m").putNull("15m").putNull("60m"),
        finding.getJsonObject("outcomes"), "every horizon owed, none resolved yet");
    String id = finding.getString("id");

    JsonObject newest = svc.json("/findings?symbol=ETH-USD&limit=1").getJsonArray("findings").getJsonObject(0);
    assertEquals(finding, newest, "visible at once, first row for the symbol");
    awaitRows("SELECT id FROM findings WHERE id = '" + id + "'");
    assertEquals(1, count("id = '" + id + "'"));
    List<Row> row = db.query("SELECT agent, symbol, label, score, details->>'posture', ref_price, outcomes::text"
        + " FROM findings WHERE id = '" + id + "'");
    assertEquals(finding.getDouble("ref_price"), row.get(0).getDouble(5));
    assertEquals(finding.getJsonObject("outcomes"), new JsonObject(row.get(0).getString(6)));
    assertEquals("trend_score", row.get(0).getString(0));
    assertEquals(finding.getDouble("score"), row.get(0).getDouble(3));
    assertEquals("flat", row.get(0).getString(4));
    assertTrue(heard.stream().anyMatch(f -> f.getString("id").equals(id)),
        "an independent event-bus consumer receives the finding");

    long before = count("true");
    HttpResponse<Buffer> dry = runNow(svc, "?names=trend_score,rvol_spike&symbol=BTC-USD&insert=false", null);
    assertEquals(200, dry.statusCode());
    assertEquals(2, dry.bodyAsJsonObject().getJsonArray("ran").size());
    // The store writes in order: once the findings of a later run with insert are in the table, a finding of the
    // dry run would be too.
    List<String> later = findingIds(runNow(svc, "?names=trend_score&symbol=BTC-USD&insert=true", null));
    assertFalse(later.isEmpty());
    awaitRows("SELECT id FROM findings WHERE id = '" + later.get(later.size() - 1) + "'");
    assertEquals(before + later.size(), count("true"), "insert=false stores nothing");
    List<String> shown = svc.json("/findings?limit=" + (later.size() + 1)).getJsonArray("findings").stream()
        .map(f -> ((JsonObject) f).getString("id")).toList();
    assertEquals(Set.copyOf(later), Set.copyOf(shown.subList(0, later.size())), "the later run's findings first");
    assertEquals(id, shown.get(later.size()), "then the first one: none from the dry run");

    HttpResponse<Buffer> csv = svc.getNow("/findings.csv?symbol=ETH-USD&limit=5");
    assertEquals(200, csv.statusCode());
    assertTrue(csv.getHeader("Content-Type").startsWith("text/csv"));
    String[] lines = csv.bodyAsString().split("\r\n");
    assertEquals("ts_utc,id,agent,symbol,score,label,details", lines[0]);
    assertTrue(lines[1].startsWith(finding.getString("ts_utc") + "," + id + ",trend_score,ETH-USD,"));
  }

  @Test
  void badRequestsAndTheAdminToken() throws Exception {
    TestService svc = start(Map.of("ADMIN_TOKEN", ADMIN_TOKEN));
    assertEquals(401, runNow(svc, "", null).statusCode());
    HttpResponse<Buffer> wrong = runNow(svc, "", "not-the-token");
    assertEquals(401, wrong.statusCode());
    assertEquals("Bearer", wrong.getHeader("WWW-Authenticate"));
    assertFalse(wrong.bodyAsString().contains(ADMIN_TOKEN));

    HttpResponse<Buffer> unknown = runNow(svc, "?names=trend_score,bogus", ADMIN_TOKEN);
    assertEquals(400, unknown.statusCode());
    assertEquals("unknown names 'bogus'; valid: rvol_spike,trend_score,cvd_divergence,new_trend,reversal,liquidity,"
        + "macro_watch,book_imbalance",
        unknown.bodyAsJsonObject().getString("error"));
    assertEquals(400, runNow(svc, "?insert=maybe", ADMIN_TOKEN).statusCode());
    assertEquals(404, runNow(svc, "?symbol=XRP-USD", ADMIN_TOKEN).statusCode());
    HttpResponse<Buffer> all = runNow(svc, "?insert=false", ADMIN_TOKEN);
    assertEquals(200, all.statusCode());
    assertEquals(8 * 3, all.bodyAsJsonObject().getJsonArray("results").stream()
        .map(o -> ((JsonObject) o).getString("agent") + ((JsonObject) o).getString("symbol")).distinct().count(),
        "every agent for every symbol");

    for (String bad : List.of("/findings?limit=0", "/findings?limit=1001", "/findings?limit=ten",
        "/findings?since=yesterday", "/findings?agent=bogus", "/findings?color=red", "/findings.csv?limit=-1")) {
      HttpResponse<Buffer> r = svc.getNow(bad);
      assertEquals(400, r.statusCode(), bad);
      assertTrue(r.bodyAsJsonObject().containsKey("error"), bad);
    }
    assertEquals(new JsonObject().put("error", "parameter 'before_id' needs 'before', the time of the finding it names"),
        svc.getNow("/findings?before_id=3f1c9a52-8d4e-4b1a-9c2f-0e5d7b6a4c31").bodyAsJsonObject());
    assertEquals(new JsonObject().put("error", "parameter 'before_id' must be a finding id such as"
        + " 3f1c9a52-8d4e-4b1a-9c2f-0e5d7b6a4c31"),
        svc.getNow("/findings?before=2026-01-01T00:00:00Z&before_id=42").bodyAsJsonObject());
    assertEquals(404, svc.getNow("/findings?symbol=XRP-USD").statusCode());
    assertEquals(200, svc.getNow("/findings?since=2026-01-01T00:00:00Z&agent=trend_score").statusCode());
    assertEquals(200, svc.getNow("/findings?before=2026-01-01T00:00:00Z&before_id=3F1C9A52-8D4E-4B1A-9C2F-"
        + "0E5D7B6A4C31").statusCode());
    assertEquals(200, svc.getNow("/findings?agent=llm_analyst").statusCode());
    JsonObject macro = svc.json("/agents").getJsonArray("agents").stream().map(o -> (JsonObject) o)
        .filter(a -> a.getString("agent").equals("macro_watch")).findFirst().orElseThrow();
    assertEquals("disabled", macro.getString("status"));
    assertEquals("MACRO_WINDOWS is empty", macro.getString("disabled_by"));
    assertEquals(new JsonObject().put("mode", "postgres").put("outbox", new JsonObject().put("depth", 0)
        .putNull("oldest_age_sec").put("bytes", 0).put("dropped", 0).put("torn_bytes", 0)).put("ok", true),
        svc.json("/db-health"));
  }

  @Test
  void anOutcomeDueWhileTheServiceWasDownIsMissedAndTheOthersAreStillOwedAfterARestart() throws Exception {
    Map<String, String> horizons = Map.of("OUTCOME_HORIZONS", "2s,1h");
    TestService first = start(horizons);
    JsonObject finding = runNow(first, "?names=trend_score&symbol=ETH-USD", null).bodyAsJsonObject()
        .getJsonArray("results").getJsonObject(0).getJsonObject("finding");
    String id = finding.getString("id");
    awaitRows("SELECT id FROM findings WHERE id = '" + id + "'");
    stopService();
    long due = Instant.parse(finding.getString("ts_utc")).toEpochMilli() + 2_000;
    // The 2 s horizon must pass while no service watches the tape.
    Waits.until("the 2 s horizon passed", Duration.ofSeconds(10), () -> System.currentTimeMillis() > due);

    start(horizons);
    Row row = awaitRows("SELECT outcomes::text FROM findings WHERE id = '" + id + "' AND outcomes->'2s' <> 'null'")
        .get(0);
    assertEquals(new JsonObject().put("2s", new JsonObject().put("missed", true)).putNull("1h"),
        new JsonObject(row.getString(0)), "missed, never priced from a tape nobody watched; 1h still owed");
  }

  @Test
  void aRestartRestoresAnOpenPosition() throws Exception {
    // Entry at any p_up above 0.001 on the first run.
    TestService first = start(Map.of("TS_ENTRY", "0.001", "TS_EXIT", "0", "TS_PERSIST", "1"));
    JsonArray results = runNow(first, "?names=trend_score&symbol=BTC-USD", null).bodyAsJsonObject()
        .getJsonArray("results");
    assertEquals("enter_long", results.getJsonObject(1).getJsonObject("finding").getString("label"));
    Row position = awaitRows(
        "SELECT status, qty, avg_price, last_action FROM position_state WHERE symbol = 'BTC-USD'").get(0);
    assertEquals("long", position.getString(0));
    assertEquals(1.0, position.getDouble(1));
    assertTrue(position.getDouble(2) > 0);
    assertEquals("enter_long", position.getString(3));
    stopService();

    // Exit at any p_up below 0.999 on the first run: only a restored long position can exit.
    TestService second = start(Map.of("TS_ENTRY", "1", "TS_EXIT", "0.999", "TS_PERSIST", "1"));
    JsonArray after = runNow(second, "?names=trend_score&symbol=BTC-USD", null).bodyAsJsonObject()
        .getJsonArray("results");
    assertEquals(2, after.size(), after.encode());
    JsonObject exit = after.getJsonObject(1).getJsonObject("finding");
    assertEquals("exit_long", exit.getString("label"));
    assertEquals(0.0, exit.getJsonObject("details").getDouble("qty"));
    assertEquals("flat", awaitRows("SELECT status FROM position_state WHERE symbol = 'BTC-USD' AND status = 'flat'")
        .get(0).getString(0));
  }

  @Test
  void anOutcomeIsWrittenOnItsFindingsRowAndShownWithIt() throws Exception {
    TestService svc = start(Map.of());
    String id = findingIds(runNow(svc, "?names=trend_score&symbol=ETH-USD", null)).get(0);
    awaitRows("SELECT id FROM findings WHERE id = '" + id + "'");
    JsonObject hit = new JsonObject().put("price", 3400.5).put("ret_bps", 12.5).put("hit", true);
    // As the symbol's owner hands it to the store once a trade reaches the horizon.
    makeDurable(new JsonObject().put("id", id).put("symbol", "ETH-USD").put("agent", "trend_score")
        .put("horizon", "5m").put("outcome", hit));
    Row row = awaitRows("SELECT outcomes::text FROM findings WHERE id = '" + id + "' AND outcomes->'5m' <> 'null'")
        .get(0);
    assertEquals(new JsonObject().putNull("1m").put("5m", hit).putNull("15m").putNull("60m"),
        new JsonObject(row.getString(0)), "one horizon resolved, the others still owed");
    JsonObject shown = svc.json("/findings?symbol=ETH-USD&limit=1").getJsonArray("findings").getJsonObject(0);
    assertEquals(id, shown.getString("id"));
    assertEquals(hit, shown.getJsonObject("outcomes").getJsonObject("5m"));

    // A second resolution of the same horizon (a new owner after a takeover marking it missed) changes nothing; a
    // later horizon's first resolution still lands.
    JsonObject missed = new JsonObject().put("missed", true);
    makeDurable(new JsonObject().put("id", id).put("symbol", "ETH-USD").put("agent", "trend_score")
        .put("horizon", "5m").put("outcome", missed));
    makeDurable(new JsonObject().put("id", id).put("symbol", "ETH-USD").put("agent", "trend_score")
        .put("horizon", "15m").put("outcome", missed));
    Row after = awaitRows("SELECT outcomes::text FROM findings WHERE id = '" + id + "' AND outcomes->'15m' <> 'null'")
        .get(0);
    assertEquals(new JsonObject().putNull("1m").put("5m", hit).put("15m", missed).putNull("60m"),
        new JsonObject(after.getString(0)), "the first resolution stands");
    assertEquals(hit, svc.json("/findings?symbol=ETH-USD&limit=1").getJsonArray("findings").getJsonObject(0)
        .getJsonObject("outcomes").getJsonObject("5m"));
    // The scorecard's read: from the table (the finding is written, nothing is pending), the scored finding only.
    JsonArray horizons = new JsonArray().add("1m").add("5m");
    ScoredFindings scored = vertx.eventBus().<ScoredFindings>request(Addresses.STORE_FINDINGS_SCORED,
            new JsonObject().put("agent", "trend_score").put("symbol", "ETH-USD").put("horizons", horizons))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    assertEquals("postgres", scored.source());
    assertEquals(false, scored.truncated());
    assertEquals(List.of(id), scored.findings().stream().map(ScoredFinding::id).toList());
    assertEquals(Arrays.asList(null, new Outcome(12.5, true)), scored.findings().get(0).outcomes());
    assertEquals(0, vertx.eventBus().<ScoredFindings>request(Addresses.STORE_FINDINGS_SCORED,
            new JsonObject().put("symbol", "BTC-USD").put("horizons", horizons)).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS).body().findings().size(), "no BTC-USD finding is scored");
    JsonObject card = svc.json("/scorecard?symbol=ETH-USD&horizon=5m").getJsonArray("rows").getJsonObject(0);
    assertEquals("ETH-USD trend_score 5m 1 12.5", card.getString("symbol") + " " + card.getString("agent") + " "
        + card.getString("horizon") + " " + card.getInteger("n") + " " + card.getDouble("mean_ret_bps"));
  }

  private void makeDurable(JsonObject outcome) throws Exception {
    vertx.eventBus().request(Addresses.STORE_OUTCOMES_APPEND, outcome).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDatabaseOutageLosesAndDoublesNothing() throws Exception {
    ConcurrentLinkedQueue<String> produced = new ConcurrentLinkedQueue<>();
    TestService svc = start(Map.of("TS_INTERVAL", "1"), v -> v.eventBus().<JsonObject>consumer(Addresses.FINDINGS,
        m -> produced.add(m.body().getString("id"))));
    svc.await("/health", h -> h.getJsonObject("database").getLong("written") >= 3, 15_000);

    db.cutOff();
    JsonObject down = svc.await("/health", h -> !h.getJsonObject("database").getBoolean("connected")
        && h.getJsonObject("database").getInteger("buffered") >= 6, 20_000);
    assertEquals("degraded", down.getString("status"));
    assertTrue(down.getJsonObject("database").getString("note").contains("wait in the outbox"));
    JsonObject health = svc.json("/db-health");
    assertFalse(health.getBoolean("ok"));
    assertTrue(health.containsKey("error"));
    JsonObject outbox = health.getJsonObject("outbox");
    assertTrue(outbox.getLong("depth") >= 6, health.encode());
    assertTrue(outbox.getDouble("oldest_age_sec") >= 0, health.encode());
    String newest = List.copyOf(produced).get(produced.size() - 1);
    JsonArray shown = svc.json("/findings?limit=1000").getJsonArray("findings");
    assertTrue(shown.stream().anyMatch(f -> ((JsonObject) f).getString("id").equals(newest)),
        "/findings still shows findings made while the database is down");
    HttpResponse<Buffer> card = svc.getNow("/scorecard");
    assertEquals(503, card.statusCode(), "no scorecard of only the findings kept in memory");
    assertEquals("1", card.getHeader("Retry-After"));
    assertTrue(card.bodyAsJsonObject().getString("error").startsWith("the postgres store failed to read the scored"
        + " findings: "), card.bodyAsString());

    db.reopen();
    svc.await("/health", h -> h.getJsonObject("database").getBoolean("connected")
        && h.getJsonObject("database").getInteger("buffered") == 0, 30_000);
    Set<String> producedBefore = new HashSet<>(produced);
    stopService();
    Set<String> producedAll = new HashSet<>(produced);

    List<Row> rows = db.query("SELECT id::text FROM findings");
    Set<String> stored = new HashSet<>();
    rows.forEach(r -> stored.add(r.getString(0)));
    assertEquals(rows.size(), stored.size(), "no finding is stored twice");
    assertTrue(stored.containsAll(producedBefore), "every finding made before and during the outage is stored");
    assertTrue(producedAll.containsAll(stored), "nothing is stored that was not produced");
  }

  @Test
  void anOutageWithNothingToWriteStillShowsInHealthBothWays() throws Exception {
    TestService svc = start(Map.of("TS_INTERVAL", "3600", "RVOL_INTERVAL_SEC", "3600", "CVD_INTERVAL_SEC", "3600",
        "NEW_TREND_INTERVAL_SEC", "3600", "REVERSAL_INTERVAL_SEC", "3600", "LIQ_INTERVAL_SEC", "3600",
        "BOOK_IMB_INTERVAL_SEC", "3600"));
    svc.await("/health", h -> h.getJsonObject("database").getBoolean("connected"), 15_000);
    db.cutOff();
    JsonObject down = svc.await("/health", h -> !h.getJsonObject("database").getBoolean("connected"), 10_000)
        .getJsonObject("database");
    assertEquals(0, down.getInteger("buffered"));
    assertEquals(0L, down.getLong("write_failures", 0L), "a failed ping is not a failed write");
    db.reopen();
    svc.await("/health", h -> h.getJsonObject("database").getBoolean("connected"), 10_000);
  }

  @Test
  void aFullOutboxDropsTheOldestAndCountsThem() throws Exception {
    TestService svc = start(Map.of("OUTBOX_MAX_MB", "1"));
    db.cutOff();
    svc.await("/db-health", h -> !h.getBoolean("ok"), 10_000);
    List<String> ids = new ArrayList<>();
    String ballast = "x".repeat(100_000);
    for (int i = 0; i < 25; i++) {
      JsonObject f = Finding.of(1_790_000_000_000L + i, "rvol_spike", "BTC-USD", 3.5,
          "rvol_spike", new JsonObject().put("n", i).put("ballast", ballast)).toJson();
      ids.add(f.getString("id"));
      vertx.eventBus().publish(Addresses.FINDINGS, f);
    }
    // 25 entries of 100 kB do not fit in 1 MiB: whole segments of the oldest go.
    JsonObject database = svc.await("/health", h -> h.getJsonObject("database").getLong("dropped") > 0
        && h.getJsonObject("database").getLong("buffered") + h.getJsonObject("database").getLong("dropped") == 25,
        10_000).getJsonObject("database");
    long dropped = database.getLong("dropped");
    assertTrue(database.getJsonObject("outbox").getLong("bytes") <= 1024 * 1024, database.encode());
    String metrics = svc.getNow("/metrics").bodyAsString();
    assertTrue(metrics.contains("tapewatch_findings_dropped_total " + dropped + ".0"), "dropped entries in /metrics");
    assertTrue(metrics.contains("tapewatch_outbox_depth " + (25 - dropped) + ".0"));
    assertTrue(metrics.contains("tapewatch_db_connected 0.0"));

    db.reopen();
    awaitRows("SELECT id FROM findings WHERE id = '" + ids.get(24) + "'");
    svc.await("/health", h -> h.getJsonObject("database").getInteger("buffered") == 0, 20_000);
    Set<String> stored = new HashSet<>();
    db.query("SELECT id::text FROM findings WHERE agent = 'rvol_spike'").forEach(r -> stored.add(r.getString(0)));
    assertEquals(new HashSet<>(ids.subList((int) dropped, 25)), stored, "the newest survive, in the table once each");
  }
}
