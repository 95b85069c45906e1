package dev.tapewatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.ServiceProcess;
import dev.tapewatch.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as its own process, stopped by SIGTERM while the database is down and findings are buffered: /health
 * turns not-ready, the store keeps trying within SHUTDOWN_GRACE_SEC, the database comes back, every finding is
 * written, and the process exits 0.
 */
@Tag("process")
class ShutdownTest {

  private static boolean database(HttpResponse<String> r, Predicate<JsonObject> test) {
    return r.statusCode() == 200 && test.test(new JsonObject(r.body()).getJsonObject("database"));
  }

  @Test
  void sigtermWritesEveryBufferedFindingAndExitsZero(@TempDir Path tmp) throws Exception {
    try (TestDatabase db = new TestDatabase();
        ServiceProcess service = ServiceProcess.start(Map.of("DATABASE_URL", db.url(), "SIM_SEED", "9",
            "TS_INTERVAL", "1", "SHUTDOWN_GRACE_SEC", "15"), tmp.resolve("service.log"))) {
      service.await("/health", r -> database(r, d -> d.getBoolean("connected", false)), 30_000);
      db.cutOff();
      service.await("/health", r -> database(r, d -> d.getInteger("buffered", 0) >= 6), 20_000);
      Set<String> seen = new HashSet<>();
      new JsonObject(service.get("/findings?limit=1000").body()).getJsonArray("findings")
          .forEach(f -> seen.add(((JsonObject) f).getString("id")));

      service.terminate();
      JsonObject stopping = service.await("/health", r -> r.statusCode() == 503, 5_000);
      assertEquals("stopping", stopping.getString("status"));
      db.reopen();
      assertTrue(service.process().waitFor(40, TimeUnit.SECONDS), "the process ends within the grace");
      assertEquals(0, service.process().exitValue(), service.log());

      List<Row> rows = db.query("SELECT id::text FROM findings");
      Set<String> stored = new HashSet<>();
      rows.forEach(r -> stored.add(r.getString(0)));
      assertEquals(rows.size(), stored.size(), "no finding is stored twice");
      assertTrue(stored.containsAll(seen), "every finding made before SIGTERM is in the table");
      assertTrue(stored.size() >= seen.size());
      assertTrue(service.log().contains("dev.tapewatch.Main: stopped"), service.log());
    }
  }
}
