package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tapewatch.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live feeds warm the bars from REST candles before any trade: a local server answers as Coinbase does, the
 * Exchange's {@code GET /products/{id}/candles?granularity=N} ({@code [[time, low, high, open, close, volume]]}) and
 * Advanced Trade's {@code GET /api/v3/brokerage/market/products/{id}/candles?start&end&granularity=ONE_MINUTE}
 * ({@code {"candles": [{start, low, high, open, close, volume}]}}, decimals as strings), newest first, the current
 * partial candle included.
 */
@Tag("integration")
@ExtendWith(VertxExtension.class)
class CandleWarmUpTest {

  /**
   * 30 complete candles per granularity, o=c=100, h=101, l=99, volume 2 except 6 for the newest; plus a partial one,
   * and an older one whose volume × high overflows a double (it must be skipped, as such a trade would be).
   */
  private static JsonArray candles(long widthMs, long nowMs) {
    long current = Math.floorDiv(nowMs, widthMs) * widthMs;
    JsonArray rows = new JsonArray().add(new JsonArray().add(current / 1000).add(50).add(150).add(100).add(100)
        .add(1000));
    for (int k = 1; k <= 30; k++) {
      rows.add(new JsonArray().add((current - k * widthMs) / 1000).add(99).add(101).add(100).add(100)
          .add(k == 1 ? 6 : 2));
    }
    rows.add(new JsonArray().add((current - 31 * widthMs) / 1000).add(99).add(1e200).add(100).add(100).add(1e200));
    return rows;
  }

  /**
   * A REST server answering {@code path} with {@code answer}'s JSON and anything else, the websocket path included,
   * with 404 (the feed keeps retrying while the warmed bars are already served); answers its host and port.
   */
  private static String rest(Vertx vertx, String path, Function<HttpServerRequest, Object> answer) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals(path)) {
        req.response().putHeader("Content-Type", "application/json").end(answer.apply(req).toString());
      } else {
        req.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return "127.0.0.1:" + server.actualPort();
  }

  @Test
  void completedCandlesSeedEveryTimeframe(Vertx vertx) throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    String base = rest(vertx, "/products/BTC-USD/candles", req -> {
      asked.add(req.path() + "?" + req.query());
      return candles(Long.parseLong(req.getParam("granularity")) * 1000, System.currentTimeMillis()).encode();
    });
    TestService svc = TestService.start(vertx, Map.of("FEED", "coinbase", "SYMBOL", "BTC-USD",
        "COINBASE_WS_URL", "ws://" + base + "/ws", "COINBASE_REST_URL", "http://" + base));

    assertSeeded(svc);
    assertEquals(Set.of("/products/BTC-USD/candles?granularity=60", "/products/BTC-USD/candles?granularity=300",
        "/products/BTC-USD/candles?granularity=900"),
        asked.stream().filter(a -> a.contains("/candles")).collect(Collectors.toSet()));
  }

  /** The same candles from Advanced Trade's endpoint, 300 asked for by granularity name. */
  @Test
  void advancedTradeCandlesSeedEveryTimeframe(Vertx vertx) throws Exception {
    Map<String, Long> widths = Map.of("ONE_MINUTE", 60_000L, "FIVE_MINUTE", 300_000L, "FIFTEEN_MINUTE", 900_000L);
    List<String> asked = new CopyOnWriteArrayList<>();
    String base = rest(vertx, "/api/v3/brokerage/market/products/BTC-USD/candles", req -> {
      asked.add(req.getParam("granularity") + " " + (Long.parseLong(req.getParam("end"))
          - Long.parseLong(req.getParam("start"))));
      JsonArray candles = new JsonArray();
      for (Object row : candles(widths.get(req.getParam("granularity")), System.currentTimeMillis())) {
        JsonArray r = (JsonArray) row;
        candles.add(new JsonObject().put("start", r.getValue(0).toString()).put("low", r.getValue(1).toString())
            .put("high", r.getValue(2).toString()).put("open", r.getValue(3).toString())
            .put("close", r.getValue(4).toString()).put("volume", r.getValue(5).toString()));
      }
      return new JsonObject().put("candles", candles).encode();
    });
    TestService svc = TestService.start(vertx, Map.of("FEED", "coinbase-advanced", "SYMBOL", "BTC-USD",
        "COINBASE_ADVANCED_WS_URL", "ws://" + base + "/ws", "COINBASE_ADVANCED_REST_URL", "http://" + base));
    assertSeeded(svc);
    assertEquals(Set.of("ONE_MINUTE 18000", "FIVE_MINUTE 90000", "FIFTEEN_MINUTE 270000"), Set.copyOf(asked));
  }

  private static void assertSeeded(TestService svc) throws Exception {
    JsonObject f = svc.await("/debug/features", j -> j.getJsonObject("bars").getInteger("15m") == 30, 10_000);
    assertEquals(new JsonObject().put("1m", 30).put("5m", 30).put("15m", 30), f.getJsonObject("bars"));
    for (String tf : List.of("1m", "5m", "15m")) {
      // The newest complete candle has 3× the volume of the 20 before it; every true range is h − l = 2.
      assertEquals(3.0, f.getDouble("rvol_" + tf), tf);
      assertEquals(2.0, f.getDouble("atr_" + tf), tf);
      assertEquals(0.0, f.getDouble("mom_bps_" + tf), tf);
      // P is the latest close (no trade yet) and the VWAP the typical price (99 + 101 + 100) / 3 = 100.
      assertEquals(0.0, f.getDouble("px_vs_vwap_bps_" + tf), 1e-9, tf);
    }
    assertEquals(0, svc.json("/signals").getInteger("trades_cached"));
    for (String tf : List.of("1m", "5m", "15m")) {
      String bars = svc.getNow("/bars?tf=" + tf + "&limit=1000").bodyAsString();
      assertFalse(bars.contains("Infinity") || bars.contains("NaN"), bars);
    }
  }
}
