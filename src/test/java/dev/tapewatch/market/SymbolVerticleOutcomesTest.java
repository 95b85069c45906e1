package dev.tapewatch.market;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.LocalCodec;
import dev.tapewatch.config.Horizon;
import dev.tapewatch.tape.MarketBatch;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The symbol's verticle gives a finding its reference price, owes it an outcome per horizon, resolves each from its
 * own trades once one reaches the horizon, and after a restart misses the outcomes that fell due while nobody watched.
 */
class SymbolVerticleOutcomesTest {
  private static final String SYM = "BTC-USD";
  private static final long T = 1_764_547_200_000L;
  private static final List<Horizon> HORIZONS = List.of(new Horizon("1m", 60_000), new Horizon("5m", 300_000));

  private Vertx vertx;
  private final List<JsonObject> published = new CopyOnWriteArrayList<>();
  /** What the store answers a verticle taking the symbol up. */
  private JsonArray owedBeforeStart = new JsonArray();
  /** The outcomes the store was asked to make durable, in order. */
  private final List<JsonObject> madeDurable = new CopyOnWriteArrayList<>();
  /** When set, the store fails every outcome it is asked to make durable. */
  private volatile boolean storeFails;
  private final List<JsonObject> refused = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().registerDefaultCodec(MarketBatch.class, new LocalCodec<>(MarketBatch.class));
    await(vertx.eventBus().<JsonObject>consumer(Addresses.FINDING_OUTCOMES, m -> published.add(m.body()))
        .completion());
    await(vertx.eventBus().<JsonObject>consumer(Addresses.STORE_OUTCOMES_PENDING,
        m -> m.reply(new JsonObject().put("pending", owedBeforeStart))).completion());
    await(vertx.eventBus().<JsonObject>consumer(Addresses.STORE_OUTCOMES_APPEND, m -> {
      if (storeFails) {
        refused.add(m.body());
        m.fail(500, "disk full");
      } else {
        madeDurable.add(m.body());
        m.reply(new JsonObject().put("seq", madeDurable.size()));
      }
    }).completion());
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void deploy() throws Exception {
    await(vertx.deployVerticle(new SymbolVerticle(SYM, 1000, 1000, HORIZONS, false, new SimpleMeterRegistry())));
  }

  private void trades(long... timeAndPrice) {
    List<Trade> batch = new java.util.ArrayList<>();
    for (int i = 0; i < timeAndPrice.length; i += 2) {
      batch.add(new Trade(SYM, timeAndPrice[i], timeAndPrice[i + 1], 1.0, Side.BUY, timeAndPrice[i]));
    }
    vertx.eventBus().send(Addresses.Market.EVENTS.of(SYM), new MarketBatch(batch, List.of(), System.nanoTime()));
  }

  private JsonObject open(String id, long tsMs, int direction) throws Exception {
    return await(vertx.eventBus().<JsonObject>request(Addresses.Market.OUTCOMES_OPEN.of(SYM), new JsonObject().put("id", id)
        .put("agent", "some_agent").put("ts_ms", tsMs).put("direction", direction).put("open", true))).body();
  }

  private static JsonObject outcome(String id, String horizon, JsonObject outcome) {
    return new JsonObject().put("id", id).put("symbol", SYM).put("agent", "some_agent").put("horizon", horizon)
        .put("outcome", outcome);
  }

  @Test
  void anOutcomeIsPublishedOnlyOnceTheStoreHasMadeItDurable() throws Exception {
    deploy();
    trades(T, 100);
    open("kept", T, 1);
    storeFails = true;
    trades(T + 60_000, 125);
    // The store refused the 1m outcome: asked for, never published. The 5m one, accepted, is published.
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> refused.size() == 1);
    assertEquals(outcome("kept", "1m", new JsonObject().put("price", 125.0).put("ret_bps", 2500.0).put("hit", true)),
        refused.get(0));
    storeFails = false;
    trades(T + 300_000, 150);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
    JsonObject fiveMinutes = outcome("kept", "5m", new JsonObject().put("price", 150.0).put("ret_bps", 5000.0)
        .put("hit", true));
    assertEquals(List.of(fiveMinutes), madeDurable);
    assertEquals(List.of(fiveMinutes), published);
  }

  @Test
  void aFindingIsPricedAtItsTimeAndResolvedHorizonByHorizon() throws Exception {
    deploy();
    trades(T - 5_000, 100, T, 128, T + 1_000, 999);
    // The last trade at or before T is the 128 at T itself; the 999 after it is not the reference.
    assertEquals(new JsonObject().put("ref_price", 128.0).put("horizons", new JsonArray().add("1m").add("5m")),
        open("f1", T, 1));
    trades(T + 30_000, 96);
    trades(T + 60_001, 200);
    // 1m: the last trade at or before T + 60 s is the 96 of T + 30 s: (96 / 128 − 1)·10⁴ = −2500 bps, a miss.
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
    assertEquals(List.of(outcome("f1", "1m", new JsonObject().put("price", 96.0).put("ret_bps", -2500.0)
        .put("hit", false))), published);
    trades(T + 300_000, 192);
    // 5m: a trade exactly at T + 5 min counts: (192 / 128 − 1)·10⁴ = +5000 bps, a hit.
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);
    assertEquals(outcome("f1", "5m", new JsonObject().put("price", 192.0).put("ret_bps", 5000.0).put("hit", true)),
        published.get(1));
  }

  @Test
  void outcomesOwedBeforeARestartAreMissedWhenDueMeanwhileAndResolvedOtherwise() throws Exception {
    long now = System.currentTimeMillis();
    owedBeforeStart = new JsonArray()
        .add(new JsonObject().put("id", "old").put("agent", "some_agent")
            .put("ts_utc", Instant.ofEpochMilli(now - 120_000).toString()).put("ref_price", 64.0).put("direction", -1)
            .put("horizons", new JsonArray().add("1m").add("5m")));
    deploy();
    // Its 1m fell due a minute before the start: nobody watched the trades that would price it.
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
    assertEquals(outcome("old", "1m", new JsonObject().put("missed", true)), published.get(0));
    // Its 5m is due three minutes after the start, priced from the trades seen from now on: the last at or before
    // it, (48 / 64 − 1)·10⁴ = −2500 bps, a hit for a call down.
    trades(now + 170_000, 48, now + 190_000, 50);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);
    assertEquals(outcome("old", "5m", new JsonObject().put("price", 48.0).put("ret_bps", -2500.0).put("hit", true)),
        published.get(1));
  }
}
