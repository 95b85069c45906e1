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
    HealthView v = new HealthView(List.of("BTC-USD"), List.of(), 0, false);
    JsonObject h = v.toJson(1000);
    assertEquals("starting", h.getString("status"));
    assertFalse(h.getJsonObject("market").getJsonObject("BTC-USD").getBoolean("responding"));
    assertEquals(0, h.getJsonObject("trades_cached").getInteger("BTC-USD"));
  }

  @Test
  void aSymbolSilentForMoreThanThreeSecondsIsNotResponding() {
    HealthView v = new HealthView(List.of("BTC-USD", "ETH-USD"), List.of(), 0, false);
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
    HealthView v = new HealthView(List.of("BTC-USD"), List.of(), 0, false);
    v.symbolStatus(symbolStatus("BTC-USD", 1), 1000);
    v.feedStatus(new JsonObject().put("connected", false));
    assertEquals("degraded", v.toJson(1000).getString("status"));
    assertNull(v.toJson(1000).getJsonObject("feed").getValue("last_message_age_s"));
    v.feedStatus(new JsonObject().put("connected", false).put("replay_finished", true));
    assertEquals("ok", v.toJson(1000).getString("status"));
  }

  @Test
  void aSingleNodeSaysClusterDisabledAndNeverWaitsForAnOwner() {
    HealthView v = new HealthView(List.of("BTC-USD"), List.of(), 0, false);
    assertEquals(new JsonObject().put("enabled", false), v.toJson(1000).getJsonObject("cluster"));
    assertFalse(v.awaitingOwner("BTC-USD"));
  }

  @Test
  void aClusterIsJoiningThenDegradedWhileASymbolHasNoOwnerThenOk() {
    HealthView v = new HealthView(List.of("BTC-USD", "ETH-USD"), List.of(), 0, true);
    v.feedStatus(new JsonObject().put("connected", true));
    v.symbolStatus(symbolStatus("BTC-USD", 1), 1000);
    v.symbolStatus(symbolStatus("ETH-USD", 1), 1000);
    assertEquals(new JsonObject().put("enabled", true).put("state", "joining"), v.toJson(1000).getJsonObject("cluster"));
    assertTrue(v.awaitingOwner("BTC-USD"));
    assertEquals("degraded", v.toJson(1000).getString("status"));

    JsonObject rebalancing = new JsonObject().put("enabled", true).put("state", "rebalancing")
        .put("owners", new JsonObject().put("BTC-USD", "node-a").putNull("ETH-USD"));
    v.clusterStatus(rebalancing);
    assertFalse(v.awaitingOwner("BTC-USD"));
    assertTrue(v.awaitingOwner("ETH-USD"));
    assertEquals("degraded", v.toJson(1000).getString("status"));
    assertEquals(rebalancing, v.toJson(1000).getJsonObject("cluster"));

    v.clusterStatus(rebalancing.copy().put("state", "stable")
        .put("owners", new JsonObject().put("BTC-USD", "node-a").put("ETH-USD", "node-b")));
    assertFalse(v.awaitingOwner("ETH-USD"));
    assertEquals("ok", v.toJson(1000).getString("status"));
  }
}
