package dev.tapewatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.TestDatabase;
import dev.tapewatch.support.TestService;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as its own process, stopped by SIGTERM while the database is down and findings are buffered: /health
 * turns not-ready, the store keeps trying within SHUTDOWN_GRACE_SEC, the database comes back, every finding is
 * written, and the process exits 0.
 */
class ShutdownTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private int port;

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject await(String path, Predicate<HttpResponse<String>> done, long timeoutMs) throws Exception {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = get(path);
        if (done.test(last)) {
          return new JsonObject(last.body());
        }
      } catch (java.io.IOException notYetListening) {
        // the process is still starting
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " not as expected within " + timeoutMs + " ms; last: "
        + (last == null ? "no answer" : last.statusCode() + " " + last.body()));
  }

  private static boolean database(HttpResponse<String> r, Predicate<JsonObject> test) {
    return r.statusCode() == 200 && test.test(new JsonObject(r.body()).getJsonObject("database"));
  }

  @Test
  void sigtermWritesEveryBufferedFindingAndExitsZero(@TempDir Path tmp) throws Exception {
    try (TestDatabase db = new TestDatabase()) {
      port = TestService.freePort();
      Path log = tmp.resolve("service.log");
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "dev.tapewatch.Main")
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
      pb.environment().putAll(java.util.Map.of("DATABASE_URL", db.url(), "HTTP_PORT", Integer.toString(port),
          "SIM_SEED", "9", "TS_INTERVAL", "1", "SHUTDOWN_GRACE_SEC", "15"));
      Process service = pb.start();
      try {
        await("/health", r -> database(r, d -> d.getBoolean("connected", false)), 30_000);
        db.cutOff();
        await("/health", r -> database(r, d -> d.getInteger("buffered", 0) >= 6), 20_000);
        Set<String> seen = new HashSet<>();
        new JsonObject(get("/findings?limit=1000").body()).getJsonArray("findings")
            .forEach(f -> seen.add(((JsonObject) f).getString("id")));

        service.destroy();
        JsonObject stopping = await("/health", r -> r.statusCode() == 503, 5_000);
        assertEquals("stopping", stopping.getString("status"));
        db.reopen();
        assertTrue(service.waitFor(40, TimeUnit.SECONDS), "the process ends within the grace");
        assertEquals(0, service.exitValue(), Files.readString(log));

        List<Row> rows = db.query("SELECT id::text FROM findings");
        Set<String> stored = new HashSet<>();
        rows.forEach(r -> stored.add(r.getString(0)));
        assertEquals(rows.size(), stored.size(), "no finding is stored twice");
        assertTrue(stored.containsAll(seen), "every finding made before SIGTERM is in the table");
        assertTrue(stored.size() >= seen.size());
        assertTrue(Files.readString(log).contains("dev.tapewatch.Main: stopped"), Files.readString(log));
      } finally {
        service.destroyForcibly();
      }
    }
  }
}
