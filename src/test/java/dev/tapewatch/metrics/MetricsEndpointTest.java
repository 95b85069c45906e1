package dev.tapewatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.TestService;
import dev.tapewatch.TapewatchApp;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.feed.ReplayFeedVerticle;
import dev.tapewatch.support.Waits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics scraped after a replay: the domain's metrics with exact counts, Vert.x's and the JVM's beside them. */
@Tag("integration")
class MetricsEndpointTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

  private static Map<String, Double> scrape(HttpClient http, int port) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> samples = new HashMap<>();
    for (String line : body.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.matches()) {
        samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
      }
    }
    return samples;
  }

  @Test
  void metricsAfterAReplay(@TempDir Path tmp) throws Exception {
    List<String> tape = new ArrayList<>();
    long start = Instant.parse("2026-11-24T06:00:00Z").toEpochMilli();
    for (int i = 1; i <= 300; i++) {
      tape.add(new JsonObject().put("type", "match").put("trade_id", i).put("side", i % 2 == 0 ? "buy" : "sell")
          .put("size", "0.5").put("price", Double.toString(100 + i % 7)).put("product_id", i % 3 == 0 ? "ETH-USD"
              : "BTC-USD").put("time", Instant.ofEpochMilli(start + i * 1000L).toString()).encode());
    }
    tape.add("{not json");
    tape.add("{not json either");
    tape.add(new JsonObject().put("type", "match").put("trade_id", 999).put("side", "buy").put("size", "1")
        .put("price", "-5").put("product_id", "BTC-USD").put("time", "2026-11-24T07:00:00Z").encode());
    Path file = tmp.resolve("tape.ndjson");
    Files.write(file, tape);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = TapewatchApp.vertxWithMetrics(registry);
    try {
      int port = TapewatchApp.start(vertx, TapewatchConfig.load(TestService.withTestStore(Map.of("FEED", "replay:" + file, "REPLAY_SPEED", "0",
              "SYMBOL", "BTC-USD,ETH-USD", "HTTP_PORT", "0", "TS_INTERVAL", "1"))), registry, null)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).port();
      HttpClient http = HttpClient.newHttpClient();
      Map<String, Double> m = Waits.until("the replay ingested and the trend agent run", Duration.ofSeconds(15),
          () -> scrape(http, port),
          // The symbols publish their status once a second: the cache gauge may lag the feed's count.
          s -> s.getOrDefault("tapewatch_trades_ingested_total{symbol=\"BTC-USD\"}", 0.0) == 200.0
              && s.getOrDefault("tapewatch_trades_cached{symbol=\"BTC-USD\"}", 0.0) == 200.0
              && s.getOrDefault("tapewatch_agent_runs_total{agent=\"trend_score\"}", 0.0) >= 1.0,
          s -> "BTC-USD trades " + s.get("tapewatch_trades_ingested_total{symbol=\"BTC-USD\"}") + ", trend runs "
              + s.get("tapewatch_agent_runs_total{agent=\"trend_score\"}"));
      assertEquals(200.0, m.get("tapewatch_trades_ingested_total{symbol=\"BTC-USD\"}"));
      assertEquals(100.0, m.get("tapewatch_trades_ingested_total{symbol=\"ETH-USD\"}"));
      assertEquals(2.0, m.get("tapewatch_feed_malformed_total{reason=\"not_json\"}"));
      assertEquals(1.0, m.get("tapewatch_feed_malformed_total{reason=\"non_positive\"}"));
      assertEquals(200.0, m.get("tapewatch_trade_to_features_latency_seconds_count{symbol=\"BTC-USD\"}"));
      assertTrue(m.get("tapewatch_trade_to_features_latency_seconds_sum{symbol=\"BTC-USD\"}") > 0);
      assertEquals(200.0, m.get("tapewatch_trade_to_features_latency_seconds_bucket{symbol=\"BTC-USD\",le=\"+Inf\"}"));
      assertEquals(200.0, m.get("tapewatch_trades_cached{symbol=\"BTC-USD\"}"));
      // Ids are numbered across both products: ETH sees 3, 6, ..., 300 (99 jumps of two missing ids), BTC sees
      // 1, 2, 4, 5, ..., 299 (99 jumps of one).
      assertEquals(99.0, m.get("tapewatch_feed_trade_gaps_total{symbol=\"ETH-USD\"}"));
      assertEquals(198.0, m.get("tapewatch_feed_missing_trades_total{symbol=\"ETH-USD\"}"));
      assertEquals(99.0, m.get("tapewatch_feed_trade_gaps_total{symbol=\"BTC-USD\"}"));
      assertEquals(99.0, m.get("tapewatch_feed_missing_trades_total{symbol=\"BTC-USD\"}"));
      assertTrue(m.get("tapewatch_agent_runs_total{agent=\"trend_score\"}") >= 1);
      assertTrue(m.containsKey("tapewatch_findings_total{agent=\"trend_score\"}"));
      assertEquals(0.0, m.get("tapewatch_findings_buffered"));
      assertEquals(0.0, m.get("tapewatch_alerts_sent_total"));
      assertEquals(0.0, m.get("tapewatch_llm_calls_total"));
      // The active-requests gauge, not the requests counter: the counter appears once a request has ended, and the
      // scrape above may be the first request of all.
      assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("vertx_http_server_active_requests")),
          "Vert.x's HTTP server metrics");
      assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("vertx_eventbus_")), "event-bus metrics");
      assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "JVM metrics");
      for (String key : m.keySet()) {
        assertFalse(key.matches(".*[0-9a-f]{8}-[0-9a-f]{4}-.*"), "no label holds an id: " + key);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The Advanced Trade capture replayed: its book changes per symbol and kind, counted from the capture's own
   * l2_data messages, and no gap in its sequence.
   */
  @Test
  void bookMetricsAfterAnAdvancedTradeReplay() throws Exception {
    Path capture = Path.of("..", "shared", "data", "coinbase_advtrade_ws_capture_2026-08-09.jsonl.gz");
    Map<String, Double> updates = new HashMap<>();
    try (var in = ReplayFeedVerticle.open(capture)) {
      in.lines().map(JsonObject::new).filter(e -> "recv".equals(e.getString("t")))
          .map(e -> new JsonObject(e.getString("data"))).filter(d -> "l2_data".equals(d.getString("channel")))
          .flatMap(d -> d.getJsonArray("events").stream().map(JsonObject.class::cast))
          .filter(e -> e.getString("type").equals("update"))
          .forEach(e -> updates.merge(e.getString("product_id"), 1.0, Double::sum));
    }
    assertEquals(773.0, updates.values().stream().mapToDouble(Double::doubleValue).sum());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = TapewatchApp.vertxWithMetrics(registry);
    try {
      int port = TapewatchApp.start(vertx, TapewatchConfig.load(Map.of("FEED", "replay:" + capture,
              "REPLAY_SPEED", "0", "SYMBOL", "BTC-USD,ETH-USD", "HTTP_PORT", "0")), registry, null)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).port();
      HttpClient http = HttpClient.newHttpClient();
      String btcUpdates = "tapewatch_feed_book_changes_total{kind=\"update\",symbol=\"BTC-USD\"}";
      String ethUpdates = "tapewatch_feed_book_changes_total{kind=\"update\",symbol=\"ETH-USD\"}";
      Map<String, Double> m = Waits.until("the capture replayed", Duration.ofSeconds(15), () -> scrape(http, port),
          s -> updates.get("BTC-USD").equals(s.get(btcUpdates)) && updates.get("ETH-USD").equals(s.get(ethUpdates)),
          s -> s.get(btcUpdates) + " " + s.get(ethUpdates));
      for (String symbol : List.of("BTC-USD", "ETH-USD")) {
        assertEquals(1.0, m.get("tapewatch_feed_book_changes_total{kind=\"snapshot\",symbol=\"" + symbol + "\"}"));
        assertEquals(0.0, m.get("tapewatch_feed_book_resubscribes_total{symbol=\"" + symbol + "\"}"));
      }
      assertEquals(0.0, m.get("tapewatch_feed_sequence_gaps_total{mode=\"replay\"}"));
      assertEquals(0.0, m.get("tapewatch_feed_lost_messages_total{mode=\"replay\"}"));
      assertEquals(0.0, m.get("tapewatch_feed_resubscribes_total{mode=\"replay\"}"));
      assertEquals(279.0, m.get("tapewatch_trades_ingested_total{symbol=\"BTC-USD\"}")
          + m.get("tapewatch_trades_ingested_total{symbol=\"ETH-USD\"}"));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
