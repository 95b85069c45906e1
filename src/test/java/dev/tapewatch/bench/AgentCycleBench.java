package dev.tapewatch.bench;

import dev.tapewatch.support.TestService;
import dev.tapewatch.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * How long an agent's run over a node's whole share takes: the service in-process on the simulator, every agent due
 * every {@value #INTERVAL_SEC} s, findings through the embedded store as by default; each agent's last completed run
 * after {@value #RUNS} runs, read from /agents.
 */
final class AgentCycleBench {
  static final int INTERVAL_SEC = 5;
  static final int RUNS = 3;
  private static final List<String> INTERVALS = List.of("TS_INTERVAL", "RVOL_INTERVAL_SEC", "CVD_INTERVAL_SEC",
      "NEW_TREND_INTERVAL_SEC", "REVERSAL_INTERVAL_SEC", "LIQ_INTERVAL_SEC", "BOOK_IMB_INTERVAL_SEC",
      "MACRO_INTERVAL_SEC");

  private AgentCycleBench() {
  }

  /** Each enabled agent's last run duration in ms over the symbols {@code symbol} selects (a list or a pattern). */
  static Map<String, Long> cycleMs(String symbol, int expectedSymbols) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("SYMBOL", symbol, "STORE", "sqlite", "SIM_SEED", "11",
        "DATA_DIR", Files.createTempDirectory("tapewatch-agent-cycle").toString(), "LOG_LEVEL", "WARN"));
    INTERVALS.forEach(v -> env.put(v, Integer.toString(INTERVAL_SEC)));
    Vertx vertx = Vertx.vertx();
    try {
      TestService service = TestService.start(vertx, env);
      HttpClient http = HttpClient.newHttpClient();
      URI agents = URI.create("http://127.0.0.1:" + service.port() + "/agents");
      JsonArray done = Waits.until("every agent's " + RUNS + " runs over " + expectedSymbols + " symbols",
          Duration.ofSeconds(INTERVAL_SEC * (RUNS + 2L) + 120), () -> new JsonObject(http.send(
              HttpRequest.newBuilder(agents).build(), HttpResponse.BodyHandlers.ofString()).body())
              .getJsonArray("agents"),
          list -> list.stream().map(JsonObject.class::cast).filter(a -> !"disabled".equals(a.getString("status")))
              .allMatch(a -> a.getInteger("runs") >= RUNS && a.getInteger("last_symbols") == expectedSymbols),
          JsonArray::encode);
      Map<String, Long> out = new TreeMap<>();
      done.stream().map(JsonObject.class::cast).filter(a -> !"disabled".equals(a.getString("status")))
          .forEach(a -> out.put(a.getString("agent"), a.getLong("last_duration_ms")));
      return out;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
