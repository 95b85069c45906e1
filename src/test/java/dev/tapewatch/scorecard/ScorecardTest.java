package dev.tapewatch.scorecard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tapewatch.config.Horizon;
import dev.tapewatch.support.JsonAssert;
import dev.tapewatch.support.ScorecardRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The rows, baselines and calibration of a small hand-built set, every field computed by hand. */
class ScorecardTest {
  static final List<Horizon> HORIZONS = List.of(new Horizon("1m", 60_000), new Horizon("5m", 300_000));
  static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final long MIN = 60_000;
  /** BTC-USD alternates 100, 101 at each minute boundary from T0 to T0 + 5m: 1m returns up, down, up, down, up. */
  static final double UP = 100.0;
  static final double DN = (100.0 / 101 - 1) * 10_000;
  /** ETH-USD: 200, 202, 201 at T0, T0 + 1m, T0 + 2m. */
  static final double E1 = (202.0 / 200 - 1) * 10_000;
  static final double E2 = (201.0 / 202 - 1) * 10_000;
  static final double BTC_BASE_1M = (3 * UP + 2 * DN) / 5;
  static final double ETH_BASE_1M = (E1 + E2) / 2;
  static final double POOLED_BASE_1M = (3 * UP + 2 * DN + E1 + E2) / 7;

  static JsonObject hit(double ret, Boolean hit) {
    return new JsonObject().put("price", 1.0).put("ret_bps", ret).put("hit", hit);
  }

  static JsonObject finding(String symbol, String agent, String label, double score, long ts, JsonObject outcomes) {
    return new JsonObject().put("id", symbol + agent + label + ts).put("ts_utc", Instant.ofEpochMilli(ts).toString())
        .put("agent", agent).put("symbol", symbol).put("score", score).put("label", label)
        .put("details", new JsonObject()).put("ref_price", 1.0).put("outcomes", outcomes);
  }

  /** Up label, down label, a direction-0 label, the reading whose direction comes from its score, missed and pending. */
  static List<JsonObject> findings() {
    return List.of(
        finding("BTC-USD", "reversal", "reversal_up", 1, T0, new JsonObject()
            .put("1m", hit(10, true)).put("5m", hit(-20, false))),
        finding("BTC-USD", "reversal", "reversal_up", 1, T0 + MIN, new JsonObject()
            .put("1m", hit(30, true)).put("5m", new JsonObject().put("missed", true))),
        finding("ETH-USD", "reversal", "reversal_up", 1, T0, new JsonObject()
            .put("1m", hit(-5, false)).putNull("5m")),
        finding("BTC-USD", "reversal", "reversal_down", 1, T0 + 2 * MIN, new JsonObject()
            .put("1m", hit(-40, true)).putNull("5m")),
        finding("ETH-USD", "liquidity", "wide_spread", 1, T0, new JsonObject()
            .put("1m", hit(8, null)).putNull("5m")),
        finding("BTC-USD", "trend_score", "trend_score", 0.8, T0, new JsonObject()
            .put("1m", hit(4, true)).putNull("5m")),
        finding("BTC-USD", "trend_score", "trend_score", 0.3, T0, new JsonObject()
            .put("1m", hit(6, false)).putNull("5m")),
        finding("ETH-USD", "trend_score", "trend_score", 0.5, T0, new JsonObject()
            .put("1m", hit(-2, null)).putNull("5m")),
        // Not scored: outcomes not opened, and an outcome without a return (no ref_price).
        finding("ETH-USD", "reversal", "reversal_down", 1, T0, null),
        finding("ETH-USD", "reversal", "reversal_down", 1, T0, new JsonObject()
            .put("1m", new JsonObject().putNull("price").putNull("ret_bps").putNull("hit"))));
  }

  static Map<String, MinutePrices> prices() {
    Map<Long, Double> btc = new TreeMap<>();
    for (int k = 0; k <= 5; k++) {
      btc.put(T0 + k * MIN, k % 2 == 0 ? 100.0 : 101.0);
    }
    return Map.of("BTC-USD", MinutePrices.of(btc),
        "ETH-USD", MinutePrices.of(Map.of(T0, 200.0, T0 + MIN, 202.0, T0 + 2 * MIN, 201.0)));
  }

  static JsonObject row(String symbol, String agent, String label, String horizon, int n, int hits, Double hitRate,
      double[] ci, double mean, Double meanSigned, double median, int baseN, Double baseHitRate, Double baseMean,
      Double edge) {
    return ScorecardRow.of(symbol, agent, label, horizon, n, hits, hitRate, ci, mean, meanSigned, median, baseN,
        baseHitRate, baseMean, edge);
  }

  static List<JsonObject> expectedRows() {
    List<JsonObject> rows = new ArrayList<>();
    // BTC-USD. trend_score 0.8 (up, +4, hit) and 0.3 (down, +6, missed): signed mean (4 − 6) / 2; the mean
    // direction is 0, so the baseline moves nothing; the base hit rate is the mean of up 3/5 and down 2/5.
    rows.add(row("BTC-USD", "trend_score", "trend_score", "1m", 2, 1, 0.5, Stats.wilson(1, 2), 5, -1.0, 5, 5, 0.5,
        BTC_BASE_1M, -1.0));
    // reversal_down at T0 + 2m, −40 bps: the BTC period still starts at T0, its earliest scored finding.
    rows.add(row("BTC-USD", "reversal", "reversal_down", "1m", 1, 1, 1.0, Stats.wilson(1, 1), -40, 40.0, -40, 5, 0.4,
        BTC_BASE_1M, 40 + BTC_BASE_1M));
    rows.add(row("BTC-USD", "reversal", "reversal_up", "1m", 2, 2, 1.0, Stats.wilson(2, 2), 20, 20.0, 20, 5, 0.6,
        BTC_BASE_1M, 20 - BTC_BASE_1M));
    // The 5m of the second finding was missed: n = 1. One 5m tick, T0 (100) → T0 + 5m (101).
    rows.add(row("BTC-USD", "reversal", "reversal_up", "5m", 1, 0, 0.0, Stats.wilson(0, 1), -20, -20.0, -20, 1, 1.0,
        UP, -20 - UP));
    // ETH-USD. trend_score 0.5 has direction 0: no hit rate, no signed mean.
    rows.add(row("ETH-USD", "trend_score", "trend_score", "1m", 1, 0, null, null, -2, null, -2, 2, null,
        ETH_BASE_1M, null));
    rows.add(row("ETH-USD", "reversal", "reversal_up", "1m", 1, 0, 0.0, Stats.wilson(0, 1), -5, -5.0, -5, 2, 0.5,
        ETH_BASE_1M, -5 - ETH_BASE_1M));
    rows.add(row("ETH-USD", "liquidity", "wide_spread", "1m", 1, 0, null, null, 8, null, 8, 2, null, ETH_BASE_1M,
        null));
    // Over both symbols, the baselines pooling the ticks of the row's symbols.
    rows.add(row("*", "trend_score", "trend_score", "1m", 3, 1, 0.5, Stats.wilson(1, 2), 8.0 / 3, -1.0, 4, 7,
        (4.0 / 7 + 3.0 / 7) / 2, POOLED_BASE_1M, -1.0));
    rows.add(row("*", "reversal", "reversal_down", "1m", 1, 1, 1.0, Stats.wilson(1, 1), -40, 40.0, -40, 5, 0.4,
        BTC_BASE_1M, 40 + BTC_BASE_1M));
    rows.add(row("*", "reversal", "reversal_up", "1m", 3, 2, 2.0 / 3, Stats.wilson(2, 3), 35.0 / 3, 35.0 / 3, 10, 7,
        4.0 / 7, POOLED_BASE_1M, 35.0 / 3 - POOLED_BASE_1M));
    rows.add(row("*", "reversal", "reversal_up", "5m", 1, 0, 0.0, Stats.wilson(0, 1), -20, -20.0, -20, 1, 1.0, UP,
        -20 - UP));
    rows.add(row("*", "liquidity", "wide_spread", "1m", 1, 0, null, null, 8, null, 8, 2, null, ETH_BASE_1M, null));
    return rows;
  }

  @Test
  void everyRowByHand() {
    JsonArray rows = Scorecard.rows(Sample.of(findings(), HORIZONS), HORIZONS, prices(), null);
    JsonAssert.assertSame(new JsonArray(new ArrayList<>(expectedRows())), rows, "rows");
    // The Wilson interval of 2 of 3, by hand: centre (2/3 + 0.6402431) / 2.2804863, half-width
    // 1.959964 · √(0.0740741 + 0.3201215) / 2.2804863.
    JsonArray ci = rows.getJsonObject(9).getJsonArray("hit_rate_ci95");
    assertEquals(0.2076596, ci.getDouble(0), 1e-6);
    assertEquals(0.9385081, ci.getDouble(1), 1e-6);
  }

  @Test
  void sinceStartsEveryBaselineThereAndAMissingSymbolHasNone() {
    // From T0 + 3m BTC has ticks at 3m (101 → 100) and 4m (100 → 101); ETH-USD has no prices: no baseline of its own.
    JsonArray rows = Scorecard.rows(Sample.of(findings(), HORIZONS), HORIZONS,
        Map.of("BTC-USD", prices().get("BTC-USD")), T0 + 3 * MIN);
    JsonObject btcUp = rows.getJsonObject(2);
    assertEquals("BTC-USD reversal_up 1m", btcUp.getString("symbol") + " " + btcUp.getString("label") + " "
        + btcUp.getString("horizon"));
    assertEquals(2, btcUp.getInteger("base_n"));
    assertEquals((DN + UP) / 2, btcUp.getDouble("base_mean_ret_bps"), 1e-9);
    assertEquals(0.5, btcUp.getDouble("base_hit_rate"), 1e-9);
    JsonObject ethUp = rows.getJsonObject(5);
    assertEquals("ETH-USD reversal_up", ethUp.getString("symbol") + " " + ethUp.getString("label"));
    assertEquals(0, ethUp.getInteger("base_n"));
    assertNull(ethUp.getValue("base_mean_ret_bps"));
    assertNull(ethUp.getValue("base_hit_rate"));
    assertNull(ethUp.getValue("edge_bps"));
    // The pooled row takes BTC's two ticks only.
    assertEquals(2, rows.getJsonObject(9).getInteger("base_n"));
  }

  @Test
  void minutePricesComeFromEndedBarsAndHorizonsRoundDownToWholeMinutes() {
    JsonArray bars = new JsonArray()
        .add(new JsonObject().put("ts_utc", "2024-01-01T00:00:00Z").put("close", 100.0))
        .add(new JsonObject().put("ts_utc", "2024-01-01T00:01:00Z").put("close", 110.0))
        .add(new JsonObject().put("ts_utc", "2024-01-01T00:02:00Z").put("close", 99.0));
    // At T0 + 2m 30s the third bar has not ended: the prices are 100 at 1m and 110 at 2m.
    MinutePrices p = MinutePrices.fromBars(bars, T0 + 2 * MIN + 30_000);
    assertEquals(List.of(1000.0), round(p.baseReturns(T0, 60_000)));
    assertEquals(List.of(1000.0), round(p.baseReturns(T0, 90_000)), "90 s is one minute");
    assertEquals(List.of(1000.0), round(p.baseReturns(T0, 30_000)), "30 s is at least one minute");
    assertEquals(List.of(), p.baseReturns(T0 + MIN + 1, 60_000));
    // Once it has, there is a 2m tick too.
    assertEquals(List.of(1000.0, -1000.0), round(MinutePrices.fromBars(bars, T0 + 3 * MIN).baseReturns(T0, 60_000)));
  }

  private static List<Double> round(List<Double> v) {
    return v.stream().map(x -> Math.round(x * 1e6) / 1e6).toList();
  }

  @Test
  void calibrationBuckets() {
    List<JsonObject> readings = List.of(
        finding("BTC-USD", "trend_score", "trend_score", 0.8, T0, new JsonObject().put("1m", hit(4, true))),
        finding("BTC-USD", "trend_score", "trend_score", 0.3, T0, new JsonObject().put("1m", hit(6, false))),
        finding("ETH-USD", "trend_score", "trend_score", 0.5, T0, new JsonObject().put("1m", hit(-2, null))),
        finding("ETH-USD", "trend_score", "trend_score", 1.0, T0, new JsonObject().put("1m", hit(0, false))),
        finding("ETH-USD", "trend_score", "trend_score", 0.35, T0, new JsonObject().put("1m", hit(0, false))));
    JsonObject c = Calibration.of(Sample.of(readings, HORIZONS));
    JsonArray buckets = new JsonArray();
    for (int k = 0; k < 10; k++) {
      buckets.add(new JsonObject().put("lo", k / 10.0).put("hi", (k + 1) / 10.0).put("n", 0).putNull("mean_p")
          .putNull("up_rate"));
    }
    buckets.getJsonObject(3).put("n", 2).put("mean_p", 0.325).put("up_rate", 0.5);
    buckets.getJsonObject(5).put("n", 1).put("mean_p", 0.5).put("up_rate", 0.0);
    buckets.getJsonObject(8).put("n", 1).put("mean_p", 0.8).put("up_rate", 1.0);
    buckets.getJsonObject(9).put("n", 1).put("mean_p", 1.0).put("up_rate", 0.0);
    // Brier: (0.8 − 1)² + (0.3 − 1)² + 0.5² + 1² + 0.35², over 5.
    JsonAssert.assertSame(new JsonObject().put("n", 5).put("brier", (0.04 + 0.49 + 0.25 + 1 + 0.1225) / 5)
        .put("buckets", buckets), c, "calibration");
    assertEquals(new Calibration.Reading("trend_score", "trend_score"), Calibration.reading().orElseThrow());
  }
}
