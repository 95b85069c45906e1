package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.ScorecardRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ChatRequestTest {
  private static final JsonObject TRIGGER = new JsonObject().put("id", "7b0c").put("ts_utc", "2025-01-02T03:04:05Z")
      .put("agent", "new_trend").put("symbol", "BTC-USD").put("score", 1.4).put("label", "new_trend_up")
      .put("details", new JsonObject().put("mom_bps_15m", 31.0));

  @Test
  void theBodyAsksForAJsonObjectFromTheModel() {
    JsonObject context = new JsonObject().put("symbol", "BTC-USD");
    JsonObject body = ChatRequest.body("gpt-4o-mini", context);
    assertEquals("gpt-4o-mini", body.getString("model"));
    assertEquals(new JsonObject().put("type", "json_object"), body.getJsonObject("response_format"));
    assertEquals(0.2, body.getDouble("temperature"));
    JsonArray messages = body.getJsonArray("messages");
    assertEquals("system", messages.getJsonObject(0).getString("role"));
    // The API rejects json_object mode unless the messages mention JSON.
    assertTrue(messages.getJsonObject(0).getString("content").contains("JSON"));
    assertEquals("user", messages.getJsonObject(1).getString("role"));
    assertEquals(context, new JsonObject(messages.getJsonObject(1).getString("content")));
  }

  @Test
  void contextKeepsOnlyWhatTheModelNeeds() {
    JsonObject snapshot = new JsonObject().put("symbol", "BTC-USD").put("last_price", 95000.5);
    JsonObject positions = new JsonObject().put("positions", new JsonArray()
        .add(new JsonObject().put("symbol", "ETH-USD").put("status", "long").put("qty", 2).put("avg_price", 3400))
        .add(new JsonObject().put("symbol", "BTC-USD").put("status", "long").put("qty", 1).put("avg_price", 94000.0)
            .put("updated_at", "2025-01-02T03:00:00Z").put("last_action", "enter_long").put("last_conf", 0.7)));
    JsonObject findings = new JsonObject().put("findings", new JsonArray().add(TRIGGER));
    JsonObject c = ChatRequest.context("BTC-USD", TRIGGER, TrackRecord.NONE, snapshot, positions, findings);

    JsonObject brief = new JsonObject().put("agent", "new_trend").put("label", "new_trend_up").put("score", 1.4)
        .put("ts_utc", "2025-01-02T03:04:05Z");
    assertEquals("BTC-USD", c.getString("symbol"));
    assertEquals(brief, c.getJsonObject("trigger"));
    assertEquals(snapshot, c.getJsonObject("market"));
    assertEquals(new JsonObject().put("status", "long").put("qty", 1).put("avg_price", 94000.0),
        c.getJsonObject("position"));
    assertEquals(new JsonArray().add(brief), c.getJsonArray("recent_findings"));
  }

  @Test
  void aSymbolWithoutAPositionRowIsFlatButUnansweredPiecesAreLeftOut() {
    JsonObject flat = ChatRequest.context("ADA-USD", TRIGGER, TrackRecord.NONE, null,
        new JsonObject().put("positions", new JsonArray()), null);
    assertEquals(new JsonObject().put("status", "flat"), flat.getJsonObject("position"));
    assertFalse(flat.containsKey("market"));
    assertFalse(flat.containsKey("recent_findings"));

    assertFalse(ChatRequest.context("ADA-USD", TRIGGER, TrackRecord.NONE, null, null, null).containsKey("position"));
  }

  @Test
  void theTrackRecordIsEveryHorizonsRowOfTheTriggersLabelOverEverySymbol() {
    TrackRecord record = new TrackRecord(new JsonArray()
        .add(row("new_trend_up", "5m", 40, 24, 0.6, new double[] {0.446, 0.737}, 3.5, 3.5, 2.0, 0.49, 0.4, 3.1))
        .add(row("new_trend_up", "15m", 38, 25, 25 / 38.0, new double[] {0.503, 0.790}, 6.25, 6.25, 5.0, 0.5, 1.0,
            5.25))
        .add(row("new_trend_down", "15m", 12, 3, 0.25, new double[] {0.089, 0.532}, 4.0, -4.0, 3.0, 0.5, 1.0, -3.0)));
    JsonObject c = ChatRequest.context("BTC-USD", TRIGGER, record, null, null, null);
    assertEquals(new JsonObject("""
        {"symbol": "BTC-USD",
         "trigger": {"agent": "new_trend", "label": "new_trend_up", "score": 1.4, "ts_utc": "2025-01-02T03:04:05Z"},
         "track_record": [
           {"horizon": "5m", "n": 40, "hits": 24, "hit_rate": 0.6, "hit_rate_ci95": [0.446, 0.737],
            "mean_ret_bps": 3.5, "mean_signed_ret_bps": 3.5, "median_ret_bps": 2.0, "base_n": 900,
            "base_hit_rate": 0.49, "base_mean_ret_bps": 0.4, "edge_bps": 3.1},
           {"horizon": "15m", "n": 38, "hits": 25, "hit_rate": 0.6578947368421053, "hit_rate_ci95": [0.503, 0.79],
            "mean_ret_bps": 6.25, "mean_signed_ret_bps": 6.25, "median_ret_bps": 5.0, "base_n": 900,
            "base_hit_rate": 0.5, "base_mean_ret_bps": 1.0, "edge_bps": 5.25}]}
        """), c);
    assertEquals(new JsonArray(), ChatRequest.context("BTC-USD", TRIGGER, TrackRecord.NONE, null, null, null)
        .getJsonArray("track_record"), "nothing scored yet is an empty record, not a guess");
  }

  private static JsonObject row(String label, String horizon, int n, int hits, double hitRate, double[] ci,
      double mean, double meanSigned, double median, double baseHitRate, double baseMean, double edge) {
    return ScorecardRow.of("*", "new_trend", label, horizon, n, hits, hitRate, ci, mean, meanSigned, median, 900,
        baseHitRate, baseMean, edge);
  }
}
