package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The macro watcher, the LLM analyst and the Slack alerts running in the whole service on configuration alone: a
 * macro window around now makes macro_move findings, any finding triggers an analysis, and both reach the webhook.
 */
@Tag("integration")
@ExtendWith(VertxExtension.class)
class AlertsInServiceTest {

  @Test
  void macroMovesAndAnalysesReachSlack(Vertx vertx) throws Exception {
    FakeSlackWebhook slack = FakeSlackWebhook.start(vertx).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    FakeChatCompletions llm = FakeChatCompletions.start(vertx).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    String now = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HH:mm"));
    Map<String, String> env = new HashMap<>(Map.of("SIM_SEED", "5", "ALERT_WEBHOOK_URL", slack.url(),
        "ALERT_RATE_PER_SEC", "20", "LLM_ENABLE", "true", "OPENAI_API_KEY", "sk-test-key",
        "OPENAI_BASE_URL", llm.baseUrl(), "LLM_ANALYST_MIN_SCORE", "0", "MACRO_WINDOWS", now,
        "MACRO_RVOL_MIN", "0", "MACRO_INTERVAL_SEC", "1"));
    env.put("TS_INTERVAL", "3600");
    TestService svc = TestService.start(vertx, env);

    JsonObject health = svc.await("/health", h -> h.getJsonObject("alerts").getLong("sent", 0L) >= 2
        && h.getJsonObject("llm").getLong("ok", 0L) >= 1
        && slack.delivered().stream().anyMatch(a -> a.body().getString("text").contains("llm_analyst")), 20_000);
    assertTrue(slack.delivered().stream().anyMatch(a -> a.body().getString("text").contains("macro_move")),
        "a macro_move alert was posted");
    JsonObject alerts = health.getJsonObject("alerts");
    assertTrue(alerts.getBoolean("enabled"));
    assertFalse(alerts.encode().contains(slack.url().substring(slack.url().indexOf("/services"))),
        "the webhook's secret path never shows");
    assertEquals("Bearer sk-test-key", llm.requests().get(0).headers().get("Authorization"));
    assertFalse(health.getJsonObject("llm").encode().contains("sk-test-key"));

    JsonObject macro = svc.json("/agents").getJsonArray("agents").stream().map(o -> (JsonObject) o)
        .filter(a -> a.getString("agent").equals("macro_watch")).findFirst().orElseThrow();
    assertEquals("ok", macro.getString("status"));
    assertEquals(now, macro.getJsonObject("next_window").getString("window"));
    JsonObject analysis = svc.json("/findings?agent=llm_analyst&limit=1").getJsonArray("findings").getJsonObject(0);
    assertEquals("long", analysis.getString("label"));
    assertEquals(0.8, analysis.getDouble("score"));
  }
}
