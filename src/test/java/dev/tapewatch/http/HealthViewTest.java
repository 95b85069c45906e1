package dev.tapewatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthViewTest {
  private static JsonObject symbolStatus(String symbol, long lastTradeMs) {
    return new JsonObject().put("symbol", symbol).put("trades_cached", 10).put("last_trade_ms", lastTradeMs)
        .put("late_trades", 0).put("bars", new JsonObject()).put("latency_us", new JsonObject());
  }

  @Test
  void startingUntilTheFeedReports() {
    HealthView v = new HealthView(List.of("BTC-USD"), List.of(), 0);
    JsonObject h = v.toJson(1000);
    assertEquals("starting", h.getString("status"));
    assertFalse(h.getJsonObject("market").getJsonObject("BTC-USD").getBoolean("responding"));
    assertEquals(0, h.getJsonObject("trades_cached").getInteger("BTC-USD"));
  }

  @Test
  void aSymbolSilentForMoreThanThreeSecondsIsNotResponding() {
    HealthView v = new HealthView(List.of("BTC-USD", "ETH-USD"), List.of(), 0);
    v.feedStatus(new JsonObject().put("connected", true).put("last_message_ms", 9_000L));
    v.symbolStatus(symbolStatus("BTC-USD", 8_000), 10_000);
    v.symbolStatus(symbolStatus("ETH-USD", 8_000), 10_000);
    JsonObject fresh = v.toJson(10_000 + HealthView.STALE_AFTER_MS);
    assertEquals("ok", fresh.getString("status"));
    assertEquals(5.0, fresh.getJsonObject("market").getJsonObject("BTC-USD").getDouble("last_trade_age_s"));
    assertEquals(4.0, fresh.getJsonObject("feed").getDouble("last_message_age_s"));

    v.symbolStatus(symbolStatus("BTC-USD", 8_000), 12_000);
    JsonObject stale = v.toJson(10_001 + HealthView.STALE_AFTER_MS);
    assertEquals("degraded", stale.getString("status"));
    assertTrue(stale.getJsonObject("market").getJsonObject("BTC-USD").getBoolean("responding"));
    assertFalse(stale.getJsonObject("market").getJsonObject("ETH-USD").getBoolean("responding"));
  }

  @Test
  void aDisconnectedFeedIsDegradedButAFinishedReplayIsOk() {
    HealthView v = new HealthView(List.of("BTC-USD"), List.of(), 0);
    v.symbolStatus(symbolStatus("BTC-USD", 1), 1000);
    v.feedStatus(new JsonObject().put("connected", false));
    assertEquals("degraded", v.toJson(1000).getString("status"));
    assertNull(v.toJson(1000).getJsonObject("feed").getValue("last_message_age_s"));
    v.feedStatus(new JsonObject().put("connected", false).put("replay_finished", true));
    assertEquals("ok", v.toJson(1000).getString("status"));
  }
}
