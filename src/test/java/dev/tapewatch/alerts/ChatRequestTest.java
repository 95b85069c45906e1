package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    JsonObject c = ChatRequest.context("BTC-USD", TRIGGER, snapshot, positions, findings);

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
    JsonObject flat = ChatRequest.context("ADA-USD", TRIGGER, null, new JsonObject().put("positions",
        new JsonArray()), null);
    assertEquals(new JsonObject().put("status", "flat"), flat.getJsonObject("position"));
    assertFalse(flat.containsKey("market"));
    assertFalse(flat.containsKey("recent_findings"));

    assertFalse(ChatRequest.context("ADA-USD", TRIGGER, null, null, null).containsKey("position"));
  }
}
