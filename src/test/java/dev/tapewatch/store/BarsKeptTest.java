package dev.tapewatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.LocalCodec;
import dev.tapewatch.config.Horizon;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.market.SymbolVerticle;
import dev.tapewatch.support.Waits;
import dev.tapewatch.tape.MarketBatch;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A symbol verticle on a live feed hands its closed minute bars to the store (through the outbox, into the embedded
 * store), and a verticle started later for the same symbol, as after a restart or a takeover, has them at once.
 */
class BarsKeptTest {
  private static final String SYM = "BTC-USD";
  private Vertx vertx;

  @TempDir
  Path dataDir;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().registerDefaultCodec(MarketBatch.class, new LocalCodec<>(MarketBatch.class));
    await(vertx.eventBus().<JsonObject>consumer(Addresses.STORE_OUTCOMES_PENDING,
        m -> m.reply(new JsonObject().put("pending", new JsonArray()))).completion());
    await(vertx.deployVerticle(new StoreVerticle(TapewatchConfig.load(Map.of("STORE", "sqlite",
        "DATA_DIR", dataDir.toString())).store())));
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String deploySymbol() throws Exception {
    return await(vertx.deployVerticle(new SymbolVerticle(SYM, 10_000, 10, List.of(new Horizon("1m", 60_000)), true,
        new SimpleMeterRegistry())));
  }

  private JsonObject bars(String tf) throws Exception {
    return await(vertx.eventBus().<JsonObject>request(Addresses.Market.BARS.of(SYM),
        new JsonObject().put("tf", tf).put("limit", 100))).body();
  }

  private JsonArray stored() throws Exception {
    return await(vertx.eventBus().<JsonObject>request(Addresses.STORE_BARS_RECENT,
        new JsonObject().put("symbol", SYM).put("since_ms", 0L))).body().getJsonArray("bars");
  }

  @Test
  void closedBarsAreStoredAndAVerticleStartedLaterHasThem() throws Exception {
    String first = deploySymbol();
    // Twenty minutes of trades ending in the current minute, at prices and sizes exact in binary.
    long minute = System.currentTimeMillis() / 60_000 * 60_000;
    List<Trade> trades = new ArrayList<>();
    for (int m = 20; m >= 0; m--) {
      for (int k = 0; k < 3; k++) {
        long t = minute - m * 60_000L + k * 15_000L;
        trades.add(new Trade(SYM, t, 100 + (m % 5) * 0.5 + k * 0.25, 0.5, k % 2 == 0 ? Side.BUY : Side.SELL,
            trades.size() + 1));
      }
    }
    vertx.eventBus().send(Addresses.Market.EVENTS.of(SYM), new MarketBatch(trades, List.of(), System.nanoTime()));
    // The twenty closed minutes are stored, not the one in progress.
    Waits.until("twenty closed bars stored", Duration.ofSeconds(10), () -> stored().size() == 20);
    JsonArray rows = stored();
    assertEquals(minute - 20 * 60_000L, rows.getJsonObject(0).getLong("start_ms"));
    assertEquals(minute - 60_000L, rows.getJsonObject(19).getLong("start_ms"));
    assertEquals(new JsonObject().put("symbol", SYM).put("start_ms", minute - 20 * 60_000L).put("open", 100.0)
        .put("high", 100.5).put("low", 100.0).put("close", 100.5).put("volume", 1.5).put("price_volume", 150.375)
        .put("signed_volume", 0.5).put("trades", 3).put("first_ms", minute - 20 * 60_000L)
        .put("last_ms", minute - 20 * 60_000L + 30_000L), rows.getJsonObject(0));

    JsonObject before5m = bars("5m");
    JsonObject before1m = bars("1m");
    await(vertx.undeploy(first));
    deploySymbol();
    // Without a trade yet, the closed bars are back in every timeframe; the minute in progress was never stored.
    JsonObject after1m = bars("1m");
    assertEquals(new JsonArray(before1m.getJsonArray("bars").getList().subList(0, 20)), after1m.getJsonArray("bars"));
    JsonArray five = before5m.getJsonArray("bars");
    JsonArray fiveAfter = bars("5m").getJsonArray("bars");
    // The five-minute bars come back as far as they hold closed minutes: every one ended before the minute in
    // progress is as it was; the newest, which held that minute, is back only if it held a closed one too (it does
    // not when the minute in progress opened it).
    long fiveStart = minute / 300_000 * 300_000;
    int closedFives = (int) five.stream().filter(b -> Instant.parse(((JsonObject) b).getString("ts_utc"))
        .toEpochMilli() < fiveStart).count();
    assertEquals(fiveStart < minute ? closedFives + 1 : closedFives, fiveAfter.size());
    assertEquals(new JsonArray(five.getList().subList(0, closedFives)),
        new JsonArray(fiveAfter.getList().subList(0, closedFives)));
  }
}
