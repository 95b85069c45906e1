package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.alerts.FakeSlackWebhook.Arrival;
import dev.tapewatch.alerts.FakeSlackWebhook.Reply;
import dev.tapewatch.config.AlertSettings;
import dev.tapewatch.config.LlmSettings;
import dev.tapewatch.config.Secret;
import dev.tapewatch.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link AlertVerticle} against {@link FakeSlackWebhook}: findings go in on the event bus as the agents publish them,
 * and the test reads what reached the webhook, when, and the status the verticle publishes. After every test no
 * status may contain the webhook's secret path.
 */
@Tag("integration")
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class AlertVerticleTest {
  /** A higher rate than Slack's 1/s keeps the tests short; the spacing rule is the same. */
  private static final double RATE = 20;
  private static final long INTERVAL_MS = 50;
  /** Timers and clocks are millisecond-grained and the two ends measure at slightly different moments. */
  private static final long TOLERANCE_MS = 15;
  private static final int QUEUE_MAX = 10;
  private static final Map<String, Double> MIN_SCORES = Map.of("rvol_spike", 3.0, "cvd_divergence", 10.0);
  private static final LlmSettings LLM = new LlmSettings(false, "gpt-4o-mini", Optional.empty(),
      URI.create("http://127.0.0.1:9"), 300, 0.7, 0.7, 20);
  private static final Pattern DIGEST = Pattern.compile("^(\\d+) alerts: ");
  private static final Pattern TEST_SYMBOL = Pattern.compile("\\bS\\d\\d\\b");

  private final List<JsonObject> statuses = new CopyOnWriteArrayList<>();

  private static AlertSettings settings(String url, boolean analysisOnly, boolean verbose, int timeoutSec,
      int maxRetries) {
    return new AlertSettings(Optional.ofNullable(url).map(Secret::new), analysisOnly, verbose, 120, MIN_SCORES, "", RATE,
        QUEUE_MAX, timeoutSec, maxRetries);
  }

  private static AlertSettings settings(String url) {
    return settings(url, false, false, 2, 3);
  }

  private Future<String> deploy(Vertx vertx, AlertSettings settings) {
    return vertx.eventBus().<JsonObject>consumer(Addresses.ALERTS_STATUS, m -> statuses.add(m.body())).completion()
        .compose(v -> vertx.deployVerticle(new AlertVerticle(settings, LLM)));
  }

  private JsonObject status() {
    return statuses.isEmpty() ? new JsonObject() : statuses.get(statuses.size() - 1);
  }

  private long count(String field) {
    return status().getLong(field, -1L);
  }

  @AfterEach
  void statusNeverShowsTheWebhookSecret() {
    assertFalse(statuses.isEmpty(), "no status was published");
    for (JsonObject s : statuses) {
      assertFalse(s.encode().contains("SECRET"), s.encode());
    }
  }

  static JsonObject finding(String agent, String symbol, String label, double score, JsonObject details) {
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("ts_utc", Instant.now().toString())
        .put("agent", agent).put("symbol", symbol).put("score", score).put("label", label).put("details", details);
  }

  static JsonObject rvol(String symbol, double score) {
    return finding("rvol_spike", symbol, "rvol_spike", score, new JsonObject().put("rvol", score)
        .put("volume_5m", 12.5).put("best_bid", 95000.0).put("best_ask", 95001.0));
  }

  private static void publish(Vertx vertx, JsonObject... findings) {
    for (JsonObject f : findings) {
      vertx.eventBus().publish(Addresses.FINDINGS, f);
    }
  }

  /** Completes once {@code condition} holds; fails after 15 s with the last status. */
  private Future<Void> eventually(Vertx vertx, BooleanSupplier condition) {
    return Waits.eventually(vertx, "the expected alerts and status", Duration.ofSeconds(15), condition::getAsBoolean,
        done -> done, done -> "status " + status().encode()).mapEmpty();
  }

  private static String text(Arrival a) {
    return a.body().getString("text");
  }

  private static int alertsIn(Arrival a) {
    Matcher m = DIGEST.matcher(text(a));
    return m.find() ? Integer.parseInt(m.group(1)) : 1;
  }

  /** The finding id a single alert names in its context block. */
  private static String idOf(Arrival a) {
    String context = a.body().getJsonArray("blocks").getJsonObject(1).getJsonArray("elements").getJsonObject(0)
        .getString("text");
    return context.substring(context.lastIndexOf("id ") + 3);
  }

  private static void assertSpaced(List<Arrival> arrivals, long minGapMs) {
    for (int i = 1; i < arrivals.size(); i++) {
      long gap = arrivals.get(i).atMs() - arrivals.get(i - 1).atMs();
      assertTrue(gap >= minGapMs - TOLERANCE_MS, "requests " + (i - 1) + " and " + i + " only " + gap + " ms apart");
    }
  }

  @Test
  void aBurstOf500IsHeldToTheCooldownAndTheRateAndCoalesced(Vertx vertx, VertxTestContext ctx) {
    FakeSlackWebhook.start(vertx).compose(fake -> deploy(vertx, settings(fake.url())).compose(id -> {
      // 50 keys × 10 findings each: the first of each key alerts, the other 450 fall in its cooldown.
      for (int i = 0; i < 500; i++) {
        publish(vertx, rvol(String.format("S%02d", i % 50), 5.0));
      }
      for (int i = 0; i < 20; i++) {
        publish(vertx, rvol("LOW", 1.0));
      }
      for (int i = 0; i < 10; i++) {
        publish(vertx, finding("trend_score", "BTC-USD", "trend_score", 0.5, new JsonObject()));
      }
      return eventually(vertx, () -> fake.delivered().stream().mapToInt(AlertVerticleTest::alertsIn).sum() == 50
          && count("sent") == fake.arrivals().size() && count("queued") == 0);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      List<Arrival> all = fake.arrivals();
      assertEquals(all, fake.delivered());
      assertSpaced(all, INTERVAL_MS);
      Map<String, Integer> messagesPerSymbol = new HashMap<>();
      int singles = 0;
      for (Arrival a : all) {
        assertTrue(text(a).length() <= SlackMessage.TEXT_MAX);
        singles += alertsIn(a) == 1 ? 1 : 0;
        Matcher m = TEST_SYMBOL.matcher(text(a));
        List<String> inThis = new ArrayList<>();
        while (m.find()) {
          inThis.add(m.group());
        }
        assertEquals(alertsIn(a), inThis.size(), text(a));
        inThis.forEach(s -> messagesPerSymbol.merge(s, 1, Integer::sum));
      }
      assertEquals(50, messagesPerSymbol.size());
      messagesPerSymbol.forEach((s, n) -> assertEquals(1, n, s + " posted " + n + " times"));
      assertTrue(all.size() < 50, "a burst is coalesced, yet " + all.size() + " messages were sent");
      assertEquals(all.size(), count("sent"));
      assertEquals(50 - singles, count("coalesced"));
      assertEquals(450, count("suppressed_cooldown"));
      assertEquals(20, count("suppressed_score"));
      assertEquals(10, count("filtered"));
      assertEquals(0, count("retried"));
      assertEquals(0, count("failed"));
      assertEquals(0, count("dropped"));
      assertNull(status().getString("config_error"));
      ctx.completeNow();
    }))));
  }

  @Test
  void eachAlertQuotesTheLatestScorecardRowsOfItsLabel(Vertx vertx, VertxTestContext ctx) {
    JsonArray first = new JsonArray()
        .add(SlackMessageTest.row("rvol_spike", "rvol_spike", "15m", 112, 0, null, 4.06, null))
        .add(SlackMessageTest.row("new_trend", "new_trend_up", "15m", 9, 9, 1.0, 30.0, 25.0));
    JsonArray second = new JsonArray()
        .add(SlackMessageTest.row("rvol_spike", "rvol_spike", "15m", 113, 0, null, -0.94, null));
    FakeSlackWebhook.start(vertx).compose(fake -> deploy(vertx, settings(fake.url())).compose(id -> {
      publish(vertx, rvol("BTC-USD", 5.0));
      vertx.eventBus().publish(Addresses.SCORECARD_ROWS, first);
      publish(vertx, rvol("ETH-USD", 5.0));
      vertx.eventBus().publish(Addresses.SCORECARD_ROWS, second);
      publish(vertx, rvol("ADA-USD", 5.0));
      return eventually(vertx, () -> count("sent") == 3);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(List.of(
          "BTC-USD rvol_spike score 5 at 95000.5: 5m volume 5× its recent average",
          "ETH-USD rvol_spike score 5 at 95000.5: 5m volume 5× its recent average; track record: mean +4.1 bps at "
              + "15m over 112",
          "ADA-USD rvol_spike score 5 at 95000.5: 5m volume 5× its recent average; track record: mean -0.9 bps at "
              + "15m over 113"),
          fake.delivered().stream().map(AlertVerticleTest::text).toList());
      ctx.completeNow();
    }))));
  }

  @Test
  void a429PausesAllSendingForRetryAfterThenDeliversOnce(Vertx vertx, VertxTestContext ctx) {
    JsonObject first = rvol("BTC-USD", 5.0);
    JsonObject second = rvol("ETH-USD", 5.0);
    FakeSlackWebhook.start(vertx).compose(fake -> {
      fake.script(Reply.tooMany(1));
      return deploy(vertx, settings(fake.url())).compose(id -> {
        publish(vertx, first, second);
        return eventually(vertx, () -> count("sent") == 2);
      }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        List<Arrival> all = fake.arrivals();
        assertEquals(3, all.size());
        assertEquals(429, all.get(0).reply().status());
        assertEquals(all.get(0).body(), all.get(1).body(), "the same message is resent");
        assertTrue(all.get(1).atMs() - all.get(0).atMs() >= 1000 - TOLERANCE_MS, "Retry-After not honoured");
        assertTrue(all.get(2).atMs() - all.get(0).atMs() >= 1000 - TOLERANCE_MS, "the pause holds every message");
        assertEquals(List.of(first.getString("id"), second.getString("id")),
            fake.delivered().stream().map(AlertVerticleTest::idOf).toList());
        assertEquals(1, count("retried"));
        assertEquals(0, count("failed"));
        assertTrue(status().getString("last_error").contains("429"));
        assertTrue(status().getString("last_sent_at") != null);
        ctx.completeNow();
      })));
    });
  }

  @Test
  void a500IsRetriedWithBackoffAndDeliveredOnce(Vertx vertx, VertxTestContext ctx) {
    JsonObject f = rvol("BTC-USD", 5.0);
    FakeSlackWebhook.start(vertx).compose(fake -> {
      fake.script(Reply.SERVER_ERROR);
      return deploy(vertx, settings(fake.url())).compose(id -> {
        publish(vertx, f);
        return eventually(vertx, () -> count("sent") == 1);
      }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        List<Arrival> all = fake.arrivals();
        assertEquals(2, all.size());
        assertTrue(all.get(1).atMs() - all.get(0).atMs() >= AlertPacer.BACKOFF_FIRST_MS - TOLERANCE_MS);
        assertEquals(List.of(f.getString("id")), fake.delivered().stream().map(AlertVerticleTest::idOf).toList());
        assertEquals(1, count("retried"));
        assertEquals(0, count("failed"));
        assertTrue(status().getString("last_error").contains("500"));
        ctx.completeNow();
      })));
    });
  }

  @Test
  void repeated500sGiveUpAfterMaxRetriesAndTheNextAlertStillGoes(Vertx vertx, VertxTestContext ctx) {
    JsonObject doomed = rvol("BTC-USD", 5.0);
    JsonObject next = rvol("ETH-USD", 5.0);
    FakeSlackWebhook.start(vertx).compose(fake -> {
      fake.script(Reply.SERVER_ERROR, Reply.SERVER_ERROR, Reply.SERVER_ERROR);
      return deploy(vertx, settings(fake.url(), false, false, 2, 2)).compose(id -> {
        publish(vertx, doomed, next);
        return eventually(vertx, () -> count("failed") == 1 && count("sent") == 1);
      }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        List<Arrival> all = fake.arrivals();
        assertEquals(4, all.size());
        assertTrue(all.get(2).atMs() - all.get(1).atMs() >= 2 * AlertPacer.BACKOFF_FIRST_MS - TOLERANCE_MS,
            "backoff doubles");
        assertEquals(List.of(next.getString("id")), fake.delivered().stream().map(AlertVerticleTest::idOf).toList());
        assertEquals(2, count("retried"));
        ctx.completeNow();
      })));
    });
  }

  @Test
  void aSlowReplyTimesOutAndIsRetried(Vertx vertx, VertxTestContext ctx) {
    JsonObject f = rvol("BTC-USD", 5.0);
    FakeSlackWebhook.start(vertx).compose(fake -> {
      fake.script(Reply.slow(3000));
      return deploy(vertx, settings(fake.url(), false, false, 1, 3)).compose(id -> {
        publish(vertx, f);
        return eventually(vertx, () -> count("sent") == 1);
      }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        List<Arrival> all = fake.arrivals();
        assertEquals(2, all.size());
        assertEquals(all.get(0).body(), all.get(1).body());
        assertTrue(all.get(1).atMs() - all.get(0).atMs() >= 1000 + AlertPacer.BACKOFF_FIRST_MS - TOLERANCE_MS);
        assertEquals(List.of(f.getString("id")), fake.delivered().stream().map(AlertVerticleTest::idOf).toList());
        assertEquals(1, count("retried"));
        assertEquals("no answer within 1 s", status().getString("last_error"));
        ctx.completeNow();
      })));
    });
  }

  @Test
  void anUnreachableWebhookIsRetriedThenCountedAsFailed(Vertx vertx, VertxTestContext ctx) {
    vertx.createHttpServer().requestHandler(r -> { }).listen(0, "127.0.0.1").compose(closed -> {
      String url = "http://127.0.0.1:" + closed.actualPort() + FakeSlackWebhook.SECRET_PATH;
      return closed.close().compose(v -> deploy(vertx, settings(url, false, false, 2, 1)));
    }).compose(id -> {
      publish(vertx, rvol("BTC-USD", 5.0));
      return eventually(vertx, () -> count("failed") == 1);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(1, count("retried"));
      assertEquals(0, count("sent"));
      assertNull(status().getString("config_error"), "a network error is not a configuration error");
      assertTrue(status().getString("last_error") != null);
      ctx.completeNow();
    })));
  }

  @Test
  void noServiceIsAConfigurationErrorThatStopsSending(Vertx vertx, VertxTestContext ctx) {
    FakeSlackWebhook.start(vertx).compose(fake -> {
      fake.script(Reply.NO_SERVICE);
      return deploy(vertx, settings(fake.url())).compose(id -> {
        publish(vertx, rvol("S01", 5.0), rvol("S02", 5.0), rvol("S03", 5.0));
        return eventually(vertx, () -> status().getString("config_error") != null);
      }).compose(v -> {
        publish(vertx, rvol("S04", 5.0));
        return eventually(vertx, () -> count("dropped") == 3);
        // Nothing to wait for that would show a late request: a bounded window in which none may come.
      }).compose(v -> Waits.holdsFor(vertx, "one request only", Duration.ofMillis(300),
          () -> fake.arrivals().size() == 1)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertEquals(1, fake.arrivals().size(), "nothing more is sent to a webhook that does not exist");
        String error = status().getString("config_error");
        assertTrue(error.contains("404 no_service"), error);
        assertEquals(1, count("failed"));
        assertEquals(0, count("sent"));
        assertEquals(0, count("queued"));
        assertEquals(0, count("retried"));
        assertTrue(status().getBoolean("enabled"));
        assertTrue(status().getString("webhook").matches("http://127\\.0\\.0\\.1:\\d+/…"));
        ctx.completeNow();
      })));
    });
  }

  @Test
  void analysisOnlyPostsJustAnalysesAndPostureChanges(Vertx vertx, VertxTestContext ctx) {
    JsonObject enter = finding("trend_score", "BTC-USD", "enter_long", 0.71, new JsonObject()
        .put("status", "long").put("qty", 1).put("avg_price", 95010.5).put("price", 95010.5)
        .put("last_action", "enter_long").put("last_conf", 0.71));
    JsonObject analysis = finding("llm_analyst", "ETH-USD", "long", 0.9, new JsonObject()
        .put("rationale", "Momentum and flow agree.").put("model", "gpt-4o-mini"));
    FakeSlackWebhook.start(vertx).compose(fake -> deploy(vertx, settings(fake.url(), true, false, 2, 3))
        .compose(id -> {
          publish(vertx, rvol("BTC-USD", 9.0), finding("trend_score", "BTC-USD", "trend_score", 0.9, new JsonObject()),
              enter, analysis, finding("llm_analyst", "ADA-USD", "short", 0.5, new JsonObject()));
          return eventually(vertx, () -> count("sent") == 2 && count("suppressed_score") == 1);
        }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(List.of(enter.getString("id"), analysis.getString("id")),
              fake.delivered().stream().map(AlertVerticleTest::idOf).toList());
          assertEquals(2, count("filtered"));
          assertEquals("BTC-USD enter_long (trend_score) score 0.71 at 95010.5: trend score turned long (p_up 0.71)",
              text(fake.arrivals().get(0)));
          assertEquals(2, fake.arrivals().get(0).body().getJsonArray("blocks").size(), "not verbose: no details");
          ctx.completeNow();
        }))));
  }

  @Test
  void verboseAddsTheDetailsAsACodeBlock(Vertx vertx, VertxTestContext ctx) {
    FakeSlackWebhook.start(vertx).compose(fake -> deploy(vertx, settings(fake.url(), false, true, 2, 3))
        .compose(id -> {
          publish(vertx, rvol("BTC-USD", 5.0));
          return eventually(vertx, () -> count("sent") == 1);
        }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          JsonArray blocks = fake.arrivals().get(0).body().getJsonArray("blocks");
          assertEquals(3, blocks.size());
          String details = blocks.getJsonObject(2).getJsonObject("text").getString("text");
          assertTrue(details.startsWith("```") && details.endsWith("```"), details);
          assertTrue(details.contains("\"volume_5m\" : 12.5"), details);
          ctx.completeNow();
        }))));
  }

  @Test
  void withoutAWebhookAlertingIsOffAndNothingIsCounted(Vertx vertx, VertxTestContext ctx) {
    Checkpoint twoStatuses = ctx.checkpoint(2);
    vertx.eventBus().<JsonObject>consumer(Addresses.ALERTS_STATUS, m -> ctx.verify(() -> {
      JsonObject s = m.body();
      assertFalse(s.getBoolean("enabled"));
      assertEquals(AlertVerticle.NO_WEBHOOK, s.getString("reason"));
      assertTrue(s.containsKey("webhook") && s.getValue("webhook") == null);
      for (String counter : List.of("sent", "filtered", "suppressed_score", "suppressed_cooldown", "queued",
          "dropped", "failed")) {
        assertEquals(0L, s.getLong(counter), counter);
      }
      twoStatuses.flag();
    }));
    deploy(vertx, settings(null)).onComplete(ctx.succeeding(id -> publish(vertx, rvol("BTC-USD", 5.0))));
  }
}
