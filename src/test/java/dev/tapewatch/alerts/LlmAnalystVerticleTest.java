package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.alerts.FakeChatCompletions.Recorded;
import dev.tapewatch.alerts.FakeChatCompletions.Reply;
import dev.tapewatch.config.LlmSettings;
import dev.tapewatch.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link LlmAnalystVerticle} on a real Vert.x against {@link FakeChatCompletions}, with stub consumers standing in
 * for the symbol verticles and the store.
 */
@Tag("integration")
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class LlmAnalystVerticleTest {
  private static final String KEY = "sk-test-9f8e7d6c5b4a-secret";
  private static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD");
  private static final long T0 = Instant.parse("2025-03-04T05:06:07.089Z").toEpochMilli();
  /** Longer than one status period, so an unwanted call would have shown. */
  private static final long SETTLE_MS = 1500;

  private static LlmSettings settings(String baseUrl, boolean enabled, int minIntervalSec, int timeoutSec) {
    return new LlmSettings(enabled, "gpt-4o-mini", enabled ? Optional.of(new Secret(KEY)) : Optional.empty(),
        URI.create(baseUrl), minIntervalSec, 0.7, 0.7, timeoutSec);
  }

  private static JsonObject snapshot(String symbol) {
    JsonObject tf = new JsonObject().put("mom_bps", 12.5).put("px_vs_vwap_bps", 8.1).put("rvol", 2.4)
        .put("atr", 41.0).put("volume", 18.2).put("signed_volume", 6.3).put("vwap", 94_950.0);
    return new JsonObject().put("symbol", symbol).put("as_of_ms", T0).put("last_price", 95_027.0)
        .put("best_bid", 95_026.5).put("best_ask", 95_027.5)
        .put("tf", new JsonObject().put("1m", tf).put("5m", tf.copy()).put("15m", tf.copy()))
        .put("cvd_2m", 3.1).put("cvd_5m", 7.9);
  }

  /** The analyst, its fake API, stub market and store, and what it publishes. */
  private static final class Rig {
    final Vertx vertx;
    final FakeChatCompletions fake;
    final AtomicLong clock = new AtomicLong(T0);
    final List<JsonObject> analyses = new CopyOnWriteArrayList<>();
    final List<JsonObject> findingQueries = new CopyOnWriteArrayList<>();

    Rig(Vertx vertx, FakeChatCompletions fake) {
      this.vertx = vertx;
      this.fake = fake;
      vertx.eventBus().<JsonObject>consumer(Addresses.FINDINGS, m -> {
        if (LlmAnalystVerticle.AGENT.equals(m.body().getString("agent"))) {
          analyses.add(m.body());
        }
      });
      SYMBOLS.forEach(s -> vertx.eventBus().consumer(Addresses.Market.SNAPSHOT.of(s), m -> m.reply(snapshot(s))));
      // The store makes each analysis durable before it is announced.
      vertx.eventBus().consumer(Addresses.STORE_FINDINGS_APPEND, m -> m.reply(new JsonObject().putNull("seq")));
    }

    static Future<Rig> start(Vertx vertx, Reply... script) {
      return FakeChatCompletions.start(vertx).map(fake -> new Rig(vertx, fake.then(script)));
    }

    /** The store's answers: BTC-USD held long, and one recent finding with details the prompt must not carry. */
    Rig withStore() {
      vertx.eventBus().consumer(Addresses.STORE_POSITIONS, m -> m.reply(new JsonObject().put("positions",
          new JsonArray().add(new JsonObject().put("symbol", "BTC-USD").put("status", "long").put("qty", 1.0)
              .put("avg_price", 94_100.0).put("updated_at", "2025-03-04T04:00:00Z")
              .put("last_action", "enter_long").put("last_conf", 0.71)))));
      vertx.eventBus().<JsonObject>consumer(Addresses.STORE_FINDINGS_QUERY, m -> {
        findingQueries.add(m.body());
        m.reply(new JsonObject().put("source", "memory").put("findings", new JsonArray().add(new JsonObject()
            .put("id", UUID.randomUUID().toString()).put("ts_utc", "2025-03-04T05:05:00Z").put("agent", "rvol_spike")
            .put("symbol", m.body().getString("symbol")).put("score", 3.4).put("label", "rvol_spike")
            .put("details", new JsonObject().put("rvol", 3.4)))));
      });
      return this;
    }

    Future<String> deploy(boolean enabled, int minIntervalSec, int timeoutSec) {
      return vertx.deployVerticle(new LlmAnalystVerticle(settings(fake.baseUrl(), enabled, minIntervalSec,
          timeoutSec), SYMBOLS, clock::get));
    }

    static JsonObject finding(String agent, String symbol, double score, String label) {
      return new JsonObject().put("id", UUID.randomUUID().toString()).put("ts_utc", "2025-03-04T05:06:00Z")
          .put("agent", agent).put("symbol", symbol).put("score", score).put("label", label)
          .put("details", new JsonObject());
    }

    void publish(JsonObject finding) {
      vertx.eventBus().publish(Addresses.FINDINGS, finding);
    }

    /** The first status published from now on that satisfies {@code wanted}. */
    Future<JsonObject> status(Predicate<JsonObject> wanted) {
      Promise<JsonObject> found = Promise.promise();
      MessageConsumer<JsonObject> c = vertx.eventBus().consumer(Addresses.LLM_STATUS);
      c.handler(m -> {
        if (wanted.test(m.body()) && found.tryComplete(m.body())) {
          c.unregister();
        }
      });
      return found.future();
    }

    /** Triggers an analysis of {@code symbol} and waits until the analyst has counted {@code calls} calls. */
    Future<JsonObject> analyse(String symbol, long calls) {
      Future<JsonObject> done = status(s -> s.getLong("calls") >= calls);
      publish(finding("trend_score", symbol, 0.9, "enter_long"));
      return done;
    }

    Future<Void> settle() {
      return vertx.timer(SETTLE_MS).mapEmpty();
    }
  }

  private static JsonObject userContext(Recorded r) {
    return new JsonObject(r.body().getJsonArray("messages").getJsonObject(1).getString("content"));
  }

  @Test
  void aGoodAnswerBecomesOneAnalystFinding(Vertx vertx, VertxTestContext ctx) {
    Checkpoint request = ctx.checkpoint();
    Checkpoint finding = ctx.checkpoint();
    Checkpoint status = ctx.checkpoint();
    JsonObject trigger = Rig.finding("new_trend", "BTC-USD", 1.42, "new_trend_up");
    Rig.start(vertx, Reply.good("long", 0.82, "15m momentum +12.5 bps above VWAP with positive CVD."))
        .map(Rig::withStore)
        .compose(rig -> rig.deploy(true, 300, 5).map(id -> rig))
        .compose(rig -> {
          Future<JsonObject> ok = rig.status(s -> s.getLong("ok") == 1);
          vertx.eventBus().publish(Addresses.SCORECARD_ROWS, new JsonArray()
              .add(SlackMessageTest.row("new_trend", "new_trend_up", "15m", 112, 65, 65 / 112.0, 3.9, 4.1))
              .add(SlackMessageTest.row("new_trend", "new_trend_down", "15m", 50, 40, 0.8, -20.0, 19.0)));
          rig.publish(trigger);
          return ok.compose(s -> rig.settle().map(v -> {
            ctx.verify(() -> {
              assertEquals(1, rig.fake.requests().size(), "one call, and the analyst's own finding made no other");
              Recorded r = rig.fake.requests().get(0);
              assertEquals("POST", r.method());
              assertEquals("/v1/chat/completions", r.path());
              assertEquals("Bearer " + KEY, r.headers().get("Authorization"));
              assertEquals("gpt-4o-mini", r.body().getString("model"));
              assertEquals(new JsonObject().put("type", "json_object"), r.body().getJsonObject("response_format"));
              assertEquals(0.2, r.body().getDouble("temperature"));
              JsonObject c = userContext(r);
              assertEquals("BTC-USD", c.getString("symbol"));
              assertEquals(new JsonObject().put("agent", "new_trend").put("label", "new_trend_up").put("score", 1.42)
                  .put("ts_utc", "2025-03-04T05:06:00Z"), c.getJsonObject("trigger"));
              assertEquals(snapshot("BTC-USD"), c.getJsonObject("market"));
              assertEquals(new JsonArray("""
                  [{"horizon": "15m", "n": 112, "hits": 65, "hit_rate": 0.5803571428571429, "hit_rate_ci95": null,
                    "mean_ret_bps": 3.9, "mean_signed_ret_bps": null, "median_ret_bps": 3.9, "base_n": 0,
                    "base_hit_rate": null, "base_mean_ret_bps": null, "edge_bps": 4.1}]
                  """), c.getJsonArray("track_record"));
              assertEquals(new JsonObject().put("status", "long").put("qty", 1.0).put("avg_price", 94_100.0),
                  c.getJsonObject("position"));
              assertEquals(Set.of("agent", "label", "score", "ts_utc"),
                  c.getJsonArray("recent_findings").getJsonObject(0).fieldNames());
              assertEquals(List.of(new JsonObject().put("symbol", "BTC-USD").put("limit", 10)), rig.findingQueries);
            });
            request.flag();

            ctx.verify(() -> {
              assertEquals(1, rig.analyses.size());
              JsonObject f = rig.analyses.get(0);
              assertEquals("llm_analyst", f.getString("agent"));
              assertEquals("BTC-USD", f.getString("symbol"));
              assertEquals("long", f.getString("label"));
              assertEquals(0.82, f.getDouble("score"));
              assertEquals(Instant.ofEpochMilli(T0).toString(), f.getString("ts_utc"));
              UUID.fromString(f.getString("id"));
              assertEquals(new JsonObject()
                  .put("rationale", "15m momentum +12.5 bps above VWAP with positive CVD.")
                  .put("model", "gpt-4o-mini")
                  .put("trigger", new JsonObject().put("id", trigger.getString("id")).put("agent", "new_trend")
                      .put("label", "new_trend_up").put("score", 1.42)), f.getJsonObject("details"));
              assertFalse(f.encode().contains(KEY));
            });
            finding.flag();

            ctx.verify(() -> {
              assertEquals(true, s.getBoolean("enabled"));
              assertEquals("gpt-4o-mini", s.getString("model"));
              assertEquals(rig.fake.baseUrl().replace("/v1", ""), s.getString("base_url"));
              assertEquals(1L, s.getLong("calls"));
              assertEquals(new JsonObject(), s.getJsonObject("errors"));
              assertEquals(0L, s.getLong("skipped_interval"));
              int prompt = FakeChatCompletions.PROMPT_TOKENS;
              int completion = FakeChatCompletions.COMPLETION_TOKENS;
              assertEquals(new JsonObject().put("prompt", prompt).put("completion", completion)
                  .put("total", prompt + completion), s.getJsonObject("tokens"));
              assertEquals(Instant.ofEpochMilli(T0).toString(), s.getString("last_call_at"));
              assertNull(s.getString("last_error"));
              assertFalse(s.encode().contains(KEY));
            });
            status.flag();
            return v;
          }));
        })
        .onFailure(ctx::failNow);
  }

  @Test
  void everyFailureIsCountedAndNoneBecomesAFinding(Vertx vertx, VertxTestContext ctx) {
    List<Reply> script = List.of(
        Reply.content("I think BTC goes up."),
        Reply.content("{\"bias\":\"bullish\",\"confidence\":0.8,\"rationale\":\"r\"}"),
        Reply.content("{\"bias\":\"long\",\"confidence\":1.5,\"rationale\":\"r\"}"),
        Reply.content("{\"bias\":\"long\",\"confidence\":0.8}"),
        Reply.refusal("I can't provide financial advice."),
        Reply.error(401),
        Reply.error(429),
        Reply.error(500),
        Reply.good("long", 0.9, "late").delayed(3000));
    Rig.start(vertx, script.toArray(Reply[]::new))
        .map(Rig::withStore)
        .compose(rig -> rig.deploy(true, 0, 1).map(id -> rig))
        .compose(rig -> {
          Future<JsonObject> chain = Future.succeededFuture();
          for (int i = 1; i <= script.size(); i++) {
            long calls = i;
            chain = chain.compose(s -> rig.analyse("BTC-USD", calls));
          }
          return chain.map(s -> {
            ctx.verify(() -> {
              assertEquals(new JsonObject().put("malformed", 4).put("refusal", 1).put("unauthorized", 1)
                  .put("rate_limited", 1).put("server_error", 1).put("timeout", 1), s.getJsonObject("errors"));
              assertEquals(9L, s.getLong("calls"));
              assertEquals(0L, s.getLong("ok"));
              // Answers that arrived were paid for, error statuses and the timeout were not.
              assertEquals(5L * FakeChatCompletions.PROMPT_TOKENS, s.getJsonObject("tokens").getLong("prompt"));
              assertEquals("timeout: no answer within 1000 ms", s.getString("last_error"));
              assertTrue(rig.analyses.isEmpty(), "no finding from a failed call");
              // The 401 body echoes a masked key; neither it nor the key may reach the status.
              assertFalse(s.encode().contains(KEY));
              assertFalse(s.encode().contains("****"));
            });
            return s;
          });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anUnreachableServerIsCounted(Vertx vertx, VertxTestContext ctx) {
    Rig.start(vertx)
        .compose(rig -> vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1")
            .compose(closed -> closed.close().map(v -> closed.actualPort()))
            .compose(port -> vertx.deployVerticle(new LlmAnalystVerticle(settings("http://127.0.0.1:" + port + "/v1",
                true, 0, 2), SYMBOLS, rig.clock::get)))
            .compose(id -> rig.analyse("ETH-USD", 1))
            .map(s -> {
              ctx.verify(() -> {
                assertEquals(new JsonObject().put("unreachable", 1), s.getJsonObject("errors"));
                assertTrue(s.getString("last_error").startsWith("unreachable: "), s.getString("last_error"));
                assertTrue(rig.analyses.isEmpty());
              });
              return s;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theIntervalHoldsPerSymbol(Vertx vertx, VertxTestContext ctx) {
    Rig.start(vertx)
        .map(Rig::withStore)
        .compose(rig -> rig.deploy(true, 300, 5).map(id -> rig))
        .compose(rig -> rig.analyse("BTC-USD", 1)
            .compose(s -> {
              rig.clock.set(T0 + 299_999);
              Future<JsonObject> skipped = rig.status(st -> st.getLong("skipped_interval") == 1);
              rig.publish(Rig.finding("reversal", "BTC-USD", 2.5, "reversal_down"));
              return skipped;
            })
            .compose(s -> rig.analyse("ETH-USD", 2))
            .compose(s -> {
              rig.clock.set(T0 + 300_000);
              return rig.analyse("BTC-USD", 3);
            })
            .compose(s -> rig.settle().map(v -> {
              ctx.verify(() -> {
                assertEquals(List.of("BTC-USD", "ETH-USD", "BTC-USD"), rig.fake.requests().stream()
                    .map(r -> userContext(r).getString("symbol")).toList());
                assertEquals(3, rig.analyses.size());
                assertEquals("ETH-USD", rig.analyses.get(1).getString("symbol"));
              });
              return v;
            }))
            .compose(v -> rig.status(s -> true))
            .map(s -> {
              // The analyst's own three findings were ignored, not skipped.
              ctx.verify(() -> assertEquals(1L, s.getLong("skipped_interval")));
              return s;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void weakOwnAndForeignFindingsTriggerNothing(Vertx vertx, VertxTestContext ctx) {
    Rig.start(vertx)
        .map(Rig::withStore)
        .compose(rig -> rig.deploy(true, 0, 5).map(id -> rig))
        .compose(rig -> {
          rig.publish(Rig.finding("trend_score", "BTC-USD", 0.69, "trend_score"));
          rig.publish(Rig.finding("llm_analyst", "BTC-USD", 0.99, "long"));
          rig.publish(Rig.finding("rvol_spike", "DOGE-USD", 5.0, "rvol_spike"));
          return rig.analyse("ETH-USD", 1)
              .compose(s -> rig.settle())
              .compose(v -> rig.status(s -> true))
              .map(s -> {
                ctx.verify(() -> {
                  assertEquals(1, rig.fake.requests().size());
                  assertEquals("ETH-USD", userContext(rig.fake.requests().get(0)).getString("symbol"));
                  assertEquals(1L, s.getLong("calls"));
                  assertEquals(0L, s.getLong("skipped_interval"));
                });
                return s;
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void piecesThatDoNotAnswerAreLeftOut(Vertx vertx, VertxTestContext ctx) {
    Rig.start(vertx)
        .compose(rig -> {
          // Positions never answer (the request times out); nobody serves the findings query.
          vertx.eventBus().consumer(Addresses.STORE_POSITIONS, m -> {
          });
          return rig.deploy(true, 300, 5).map(id -> rig);
        })
        .compose(rig -> rig.analyse("BTC-USD", 1).map(s -> {
          ctx.verify(() -> {
            assertEquals(1L, s.getLong("ok"));
            JsonObject c = userContext(rig.fake.requests().get(0));
            assertEquals(snapshot("BTC-USD"), c.getJsonObject("market"));
            assertFalse(c.containsKey("position"));
            assertFalse(c.containsKey("recent_findings"));
            assertEquals(new JsonArray(), c.getJsonArray("track_record"), "no scorecard refresh heard yet");
          });
          return s;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void disabledItListensToNothing(Vertx vertx, VertxTestContext ctx) {
    Rig.start(vertx)
        .compose(rig -> rig.deploy(false, 0, 5).map(id -> rig))
        .compose(rig -> rig.status(s -> true).compose(first -> {
          ctx.verify(() -> assertEquals(new JsonObject().put("enabled", false), first));
          rig.publish(Rig.finding("trend_score", "BTC-USD", 0.99, "enter_long"));
          return rig.settle().compose(v -> rig.status(s -> true));
        }).map(s -> {
          ctx.verify(() -> {
            assertEquals(new JsonObject().put("enabled", false), s);
            assertTrue(rig.fake.requests().isEmpty());
            assertTrue(rig.analyses.isEmpty());
          });
          return s;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
