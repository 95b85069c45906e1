package dev.tapewatch.http;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.support.JsonAssert;
import dev.tapewatch.support.ScorecardRow;
import dev.tapewatch.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import dev.tapewatch.support.Waits;

/**
 * /scorecard, /scorecard/calibration and the scorecard gauges on the real service, replaying a tape of a few trades
 * whose 1-minute bars give the baseline by hand, with findings and outcomes published as the store receives them.
 */
@Tag("integration")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScorecardEndpointTest {
  /** BTC-USD closes at 00:01, 00:02, 00:03, 00:04: 100, 101, 100, 101. */
  static final double DN = (100.0 / 101 - 1) * 10_000;
  static final double BTC_1M = (100 + DN + 100) / 3;
  /** ETH-USD closes at 00:01, 00:02, 00:03: 200, 202, 201. */
  static final double E2 = (201.0 / 202 - 1) * 10_000;
  static final double ETH_1M = (100 + E2) / 2;
  static final double POOLED_1M = (100 + DN + 100 + 100 + E2) / 5;

  @TempDir
  static Path tmp;
  private TestService svc;

  static String match(String product, long id, String time, String price) {
    return new JsonObject().put("type", "match").put("trade_id", id).put("side", "buy").put("size", "1")
        .put("price", price).put("product_id", product).put("sequence", id).put("time", time).encode();
  }

  static JsonObject outcome(double retBps, Boolean hit) {
    return new JsonObject().put("price", 1.0).put("ret_bps", retBps).put("hit", hit);
  }

  @BeforeAll
  void start(Vertx vertx) throws Exception {
    Path tape = tmp.resolve("tape.ndjson");
    Files.write(tape, List.of(
        match("BTC-USD", 1, "2024-01-01T00:00:30Z", "100"), match("ETH-USD", 2, "2024-01-01T00:00:30Z", "200"),
        match("BTC-USD", 3, "2024-01-01T00:01:30Z", "101"), match("ETH-USD", 4, "2024-01-01T00:01:30Z", "202"),
        match("BTC-USD", 5, "2024-01-01T00:02:30Z", "100"), match("ETH-USD", 6, "2024-01-01T00:02:30Z", "201"),
        match("BTC-USD", 7, "2024-01-01T00:03:30Z", "101")));
    // On the wall clock the agents' own findings come at wall times, after the tape: never resolved, never in a row.
    svc = TestService.start(vertx, Map.of("FEED", "replay:" + tape, "REPLAY_SPEED", "0", "AGENT_CLOCK", "wall",
        "SYMBOL", "BTC-USD,ETH-USD,ADA-USD", "OUTCOME_HORIZONS", "1m,2m", "SCORECARD_METRICS_SEC", "1"));
    svc.await("/health", h -> h.getJsonObject("feed").getBoolean("replay_finished", false), 20_000);
    svc.await("/debug/state?symbol=BTC-USD", s -> s.getInteger("trades_cached") == 4, 10_000);
    svc.await("/debug/state?symbol=ETH-USD", s -> s.getInteger("trades_cached") == 3, 10_000);

    publish(vertx, "BTC-USD", "reversal", "reversal_up", 1, "2024-01-01T00:01:00Z",
        Map.of("1m", outcome(100, true), "2m", outcome(0, false)));
    publish(vertx, "ETH-USD", "reversal", "reversal_up", 1, "2024-01-01T00:01:00Z",
        Map.of("1m", outcome(-50, false), "2m", new JsonObject().put("missed", true)));
    publish(vertx, "BTC-USD", "trend_score", "trend_score", 0.7, "2024-01-01T00:02:00Z",
        Map.of("1m", outcome(-30, false)));
    svc.await("/scorecard", s -> s.getJsonArray("rows").size() == 7, 10_000);
  }

  /** As the store hears them: the finding with its outcomes owed, then each outcome as its symbol's owner resolves it. */
  static void publish(Vertx vertx, String symbol, String agent, String label, double score, String ts,
      Map<String, JsonObject> outcomes) {
    String id = UUID.randomUUID().toString();
    vertx.eventBus().publish(Addresses.FINDINGS, new JsonObject().put("id", id).put("ts_utc", ts).put("agent", agent)
        .put("symbol", symbol).put("score", score).put("label", label).put("details", new JsonObject())
        .put("ref_price", 100.0).put("outcomes", new JsonObject().putNull("1m").putNull("2m")));
    outcomes.forEach((h, o) -> vertx.eventBus().publish(Addresses.FINDING_OUTCOMES, new JsonObject().put("id", id)
        .put("symbol", symbol).put("agent", agent).put("horizon", h).put("outcome", o)));
  }

  /** A row whose single-valued samples make the median the mean. */
  static JsonObject row(String symbol, String agent, String label, String horizon, int n, int hits, Double hitRate,
      double[] ci, double mean, Double meanSigned, int baseN, Double baseHitRate, double baseMean, Double edge) {
    return ScorecardRow.of(symbol, agent, label, horizon, n, hits, hitRate, ci, mean, meanSigned, mean, baseN,
        baseHitRate, baseMean, edge);
  }

  static double[] wilson(long hits, long n) {
    return dev.tapewatch.scorecard.Stats.wilson(hits, n);
  }

  @Test
  void everyRowWithItsBaselineFromTheTape() throws Exception {
    JsonObject s = svc.json("/scorecard");
    assertEquals(new JsonArray().add("1m").add("2m"), s.getJsonArray("horizons"));
    assertEquals(false, s.getBoolean("truncated"));
    JsonObject btcUp2m = row("BTC-USD", "reversal", "reversal_up", "2m", 1, 0, 0.0, wilson(0, 1), 0, 0.0, 2, 0.0, 0.0,
        0.0);
    JsonArray expected = new JsonArray()
        .add(row("BTC-USD", "trend_score", "trend_score", "1m", 1, 0, 0.0, wilson(0, 1), -30, -30.0, 3, 2.0 / 3,
            BTC_1M, -30 - BTC_1M))
        .add(row("BTC-USD", "reversal", "reversal_up", "1m", 1, 1, 1.0, wilson(1, 1), 100, 100.0, 3, 2.0 / 3, BTC_1M,
            100 - BTC_1M))
        .add(btcUp2m)
        .add(row("ETH-USD", "reversal", "reversal_up", "1m", 1, 0, 0.0, wilson(0, 1), -50, -50.0, 2, 0.5, ETH_1M,
            -50 - ETH_1M))
        .add(row("*", "trend_score", "trend_score", "1m", 1, 0, 0.0, wilson(0, 1), -30, -30.0, 3, 2.0 / 3, BTC_1M,
            -30 - BTC_1M))
        .add(row("*", "reversal", "reversal_up", "1m", 2, 1, 0.5, wilson(1, 2), 25, 25.0, 5, 3.0 / 5, POOLED_1M,
            25 - POOLED_1M))
        .add(btcUp2m.copy().put("symbol", "*"));
    JsonAssert.assertSame(expected, s.getJsonArray("rows"), "rows");
  }

  @Test
  void filters() throws Exception {
    JsonArray eth = svc.json("/scorecard?symbol=eth-usd").getJsonArray("rows");
    assertEquals(List.of("ETH-USD 1m", "* 1m"), eth.stream().map(r -> ((JsonObject) r).getString("symbol") + " "
        + ((JsonObject) r).getString("horizon")).toList());
    assertEquals(-50.0, eth.getJsonObject(1).getDouble("mean_ret_bps"));
    assertEquals(2, svc.json("/scorecard?agent=trend_score").getJsonArray("rows").size());
    assertEquals(2, svc.json("/scorecard?horizon=2m").getJsonArray("rows").size());
    // From 00:02 only the trend_score finding counts, and BTC's baseline starts there: 101 → 100, 100 → 101.
    JsonArray since = svc.json("/scorecard?since=2024-01-01T00:02:00Z").getJsonArray("rows");
    assertEquals(2, since.size());
    assertEquals(2, since.getJsonObject(0).getInteger("base_n"));
    assertEquals((DN + 100) / 2, since.getJsonObject(0).getDouble("base_mean_ret_bps"), 1e-9);
    assertEquals(0, svc.json("/scorecard?symbol=ADA-USD").getJsonArray("rows").size());
  }

  @Test
  void badParameters() throws Exception {
    for (String q : List.of("agent=nobody", "horizon=5m", "since=yesterday", "limit=3", "symbol=")) {
      HttpResponse<Buffer> r = svc.getNow("/scorecard?" + q);
      assertEquals(400, r.statusCode(), q);
      assertTrue(r.bodyAsJsonObject().getString("error").length() > 0, q);
    }
    HttpResponse<Buffer> unknown = svc.getNow("/scorecard?symbol=XRP-USD");
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.bodyAsJsonObject().getString("error").contains("XRP-USD"));
    assertEquals(400, svc.getNow("/scorecard/calibration?horizon=5m").statusCode());
    assertEquals(400, svc.getNow("/scorecard/calibration?agent=reversal").statusCode());
    assertEquals(404, svc.getNow("/scorecard/calibration?symbol=XRP-USD").statusCode());
  }

  @Test
  void calibration() throws Exception {
    JsonObject c = svc.json("/scorecard/calibration");
    JsonArray buckets = new JsonArray();
    for (int k = 0; k < 10; k++) {
      buckets.add(new JsonObject().put("lo", k / 10.0).put("hi", (k + 1) / 10.0).put("n", 0).putNull("mean_p")
          .putNull("up_rate"));
    }
    // One reading, p = 0.7, that went down: bucket [0.7, 0.8), Brier 0.7².
    buckets.getJsonObject(7).put("n", 1).put("mean_p", 0.7).put("up_rate", 0.0);
    JsonAssert.assertSame(new JsonObject().put("symbol", "*").put("agent", "trend_score")
        .put("label", "trend_score").put("horizon", "1m").put("n", 1).put("brier", 0.49).put("buckets", buckets), c,
        "calibration");
    assertEquals(0, svc.json("/scorecard/calibration?symbol=ETH-USD&horizon=2m").getInteger("n"));
  }

  @Test
  void theRowsOverEverySymbolArePublishedWithTheirBaselineForTheAlerts(Vertx vertx) throws Exception {
    AtomicReference<JsonArray> heard = new AtomicReference<>();
    vertx.eventBus().<JsonArray>consumer(Addresses.SCORECARD_ROWS, m -> heard.set(m.body())).completion()
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    JsonArray pooled = new JsonArray();
    svc.json("/scorecard").getJsonArray("rows").forEach(r -> {
      if ("*".equals(((JsonObject) r).getString("symbol"))) {
        pooled.add(r);
      }
    });
    await("a scorecard refresh published").atMost(Duration.ofSeconds(10)).until(() -> heard.get() != null);
    JsonAssert.assertSame(pooled, heard.get(), "published rows");
  }

  @Test
  void gaugesPerAgentLabelAndHorizon() {
    String text = Waits.until("scorecard gauges", Duration.ofSeconds(10),
        () -> svc.getNow("/metrics").bodyAsString(),
        m -> m.lines().anyMatch(l -> l.startsWith("tapewatch_scorecard_hit_rate{")
            && l.contains("agent=\"reversal\"") && l.contains("label=\"reversal_up\"") && l.contains("horizon=\"1m\"")
            && l.endsWith(" 0.5"))
            && m.lines().anyMatch(l -> l.startsWith("tapewatch_scorecard_outcomes{")
            && l.contains("agent=\"reversal\"") && l.contains("horizon=\"1m\"") && l.endsWith(" 2.0")),
        m -> m.lines().filter(l -> l.contains("scorecard")).toList().toString());
    assertTrue(text.lines().filter(l -> l.startsWith("tapewatch_scorecard")).noneMatch(l -> l.contains("symbol=")));
  }
}
