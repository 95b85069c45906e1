package dev.tapewatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.ServiceProcess;
import dev.tapewatch.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finding, once announced, exists: the service as a real process killed with SIGKILL (or stopped with SIGTERM
 * while its database stays down) and started again on the same DATA_DIR has every finding it announced, in the
 * store exactly once, on PostgreSQL and on the embedded default store.
 */
@Tag("process")
class DurabilityTest {
  /** Agents run only when asked, so that the findings are exactly those run-now answered with. */
  private static final Map<String, String> QUIET = Map.of("TS_INTERVAL", "3600", "RVOL_INTERVAL_SEC", "3600",
      "CVD_INTERVAL_SEC", "3600", "NEW_TREND_INTERVAL_SEC", "3600", "REVERSAL_INTERVAL_SEC", "3600",
      "LIQ_INTERVAL_SEC", "3600", "SIM_SEED", "5");
  /** Entry at any p_up above 0.001: the first run opens a long position (a posture change). */
  private static final Map<String, String> ENTER = Map.of("TS_ENTRY", "0.001", "TS_EXIT", "0", "TS_PERSIST", "1");
  /** Exit at any p_up below 0.999: only a restored long position can exit. */
  private static final Map<String, String> EXIT = Map.of("TS_ENTRY", "1", "TS_EXIT", "0.999", "TS_PERSIST", "1");

  private static Map<String, String> env(Map<String, String> store, Map<String, String> posture) {
    Map<String, String> env = new HashMap<>(QUIET);
    env.putAll(store);
    env.putAll(posture);
    return env;
  }

  /**
   * Runs trend_score on BTC-USD until {@code times} runs have made findings (a run before the symbol has its
   * history makes none); the findings those runs answered with.
   */
  private static List<JsonObject> runNow(ServiceProcess service, int times) throws Exception {
    List<JsonObject> findings = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      JsonObject ran = service.awaitPost("/agents/run-now?names=trend_score&symbol=BTC-USD",
          r -> r.statusCode() == 200 && new JsonObject(r.body()).getJsonArray("results").getJsonObject(0)
              .containsKey("finding"), 20_000);
      for (Object o : ran.getJsonArray("results")) {
        findings.add(((JsonObject) o).getJsonObject("finding"));
      }
    }
    return findings;
  }

  private static Set<String> ids(List<JsonObject> findings) {
    Set<String> ids = new HashSet<>();
    findings.forEach(f -> ids.add(f.getString("id")));
    return ids;
  }

  private static boolean database(HttpResponse<String> r, java.util.function.Predicate<JsonObject> test) {
    return r.statusCode() == 200 && test.test(new JsonObject(r.body()).getJsonObject("database"));
  }

  /** Every id of the table with how many rows it has. */
  private static Map<String, Long> rowsById(TestDatabase db) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    for (Row r : db.query("SELECT id::text, count(*) FROM findings GROUP BY id")) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  @Test
  void killNineWhilePostgresIsDownLosesNoFindingAndDoublesNone(@TempDir Path tmp) throws Exception {
    try (TestDatabase db = new TestDatabase()) {
      Map<String, String> store = Map.of("DATABASE_URL", db.url(), "DATA_DIR", tmp.resolve("data").toString());
      List<JsonObject> announced = new ArrayList<>();
      try (ServiceProcess first = ServiceProcess.start(env(store, ENTER), tmp.resolve("first.log"))) {
        first.await("/health", r -> database(r, d -> d.getBoolean("connected", false)), 30_000);
        announced.addAll(runNow(first, 1));
        // Written, not merely "nothing buffered": /health's figures are up to a second old.
        first.await("/health", r -> database(r, d -> d.getInteger("written", 0) == announced.size()), 10_000);
        db.cutOff();
        first.await("/health", r -> database(r, d -> !d.getBoolean("connected", true)), 15_000);
        List<JsonObject> whileDown = runNow(first, 4);
        announced.addAll(whileDown);
        // Every one of them was answered, so each is in the outbox on disk: none can have reached the table.
        first.await("/health", r -> database(r, d -> d.getInteger("buffered", -1) == whileDown.size()), 10_000);
        first.kill();
        assertEquals(137, first.process().exitValue(), "killed by SIGKILL");
      }
      db.reopen();
      try (ServiceProcess second = ServiceProcess.start(env(store, EXIT), tmp.resolve("second.log"))) {
        second.await("/health", r -> database(r, d -> d.getBoolean("connected", false)
            && d.getInteger("buffered", -1) == 0), 30_000);
        Map<String, Long> rows = rowsById(db);
        assertTrue(rows.keySet().containsAll(ids(announced)), "every announced finding is in the table");
        assertEquals(Set.of(1L), new HashSet<>(rows.values()), "each exactly once");
        assertEquals(ids(announced), rows.keySet(), "and nothing else: the agents ran only when asked");
        // The posture change made while the database was down came back with it.
        assertEquals("exit_long", runNow(second, 1).get(1).getString("label"), second.log());
      }
    }
  }

  @Test
  void killNineOnTheEmbeddedStoreLosesNoFinding(@TempDir Path tmp) throws Exception {
    // STORE empty and no DATABASE_URL: the default, SQLite in DATA_DIR.
    Map<String, String> store = Map.of("STORE", "", "DATA_DIR", tmp.resolve("data").toString());
    List<JsonObject> announced;
    try (ServiceProcess first = ServiceProcess.start(env(store, ENTER), tmp.resolve("first.log"))) {
      JsonObject health = first.await("/health", r -> database(r, d -> d.getBoolean("connected", false)), 30_000);
      assertEquals("sqlite", health.getJsonObject("database").getString("mode"));
      announced = runNow(first, 5);
      first.kill();
    }
    try (ServiceProcess second = ServiceProcess.start(env(store, EXIT), tmp.resolve("second.log"))) {
      second.await("/health", r -> database(r, d -> d.getInteger("buffered", -1) == 0
          && d.getBoolean("connected", false)), 30_000);
      JsonArray shown = second.await("/findings?limit=1000", r -> r.statusCode() == 200, 5_000)
          .getJsonArray("findings");
      List<String> shownIds = shown.stream().map(f -> ((JsonObject) f).getString("id")).toList();
      assertEquals(ids(announced), new HashSet<>(shownIds), "every finding, and only those");
      assertEquals(announced.size(), shownIds.size(), "each once");
      JsonObject first = shown.stream().map(f -> (JsonObject) f)
          .filter(f -> f.getString("id").equals(announced.get(0).getString("id"))).findFirst().orElseThrow();
      assertEquals(announced.get(0).getJsonObject("outcomes").fieldNames(), first.getJsonObject("outcomes")
          .fieldNames(), "with the outcomes it is owed, for the scorecard");
      assertEquals("exit_long", runNow(second, 1).get(1).getString("label"), "the posture survived");
    }
    // And they are in the database file itself, once each.
    Map<String, Long> rows = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("data").resolve("tapewatch.db"));
        ResultSet rs = c.createStatement().executeQuery("SELECT id, count(*) FROM findings GROUP BY id")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getLong(2));
      }
    }
    assertTrue(rows.keySet().containsAll(ids(announced)), rows.toString());
    assertEquals(Set.of(1L), new HashSet<>(rows.values()));
  }

  @Test
  void sigtermWithTheDatabaseStillDownKeepsTheOutboxForTheNextStart(@TempDir Path tmp) throws Exception {
    try (TestDatabase db = new TestDatabase()) {
      Map<String, String> store = new HashMap<>(Map.of("DATABASE_URL", db.url(),
          "DATA_DIR", tmp.resolve("data").toString(), "SHUTDOWN_GRACE_SEC", "3"));
      List<JsonObject> announced;
      try (ServiceProcess first = ServiceProcess.start(env(store, ENTER), tmp.resolve("first.log"))) {
        first.await("/health", r -> database(r, d -> d.getBoolean("connected", false)), 30_000);
        db.cutOff();
        first.await("/health", r -> database(r, d -> !d.getBoolean("connected", true)), 15_000);
        announced = runNow(first, 3);
        long stoppedAt = System.nanoTime();
        first.terminate();
        assertTrue(first.process().waitFor(20, TimeUnit.SECONDS), "exits although the database never came back");
        assertTrue(System.nanoTime() - stoppedAt < TimeUnit.SECONDS.toNanos(15), "within the grace and a margin");
        assertEquals(0, first.process().exitValue(), first.log());
        assertTrue(first.log().contains("stay in the outbox for the next start"), first.log());
      }
      db.reopen();
      try (ServiceProcess second = ServiceProcess.start(env(store, EXIT), tmp.resolve("second.log"))) {
        second.await("/health", r -> database(r, d -> d.getBoolean("connected", false)
            && d.getInteger("buffered", -1) == 0), 30_000);
        Map<String, Long> rows = rowsById(db);
        assertEquals(ids(announced), rows.keySet());
        assertEquals(Set.of(1L), new HashSet<>(rows.values()));
      }
    }
  }
}
