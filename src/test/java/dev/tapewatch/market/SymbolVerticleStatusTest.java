package dev.tapewatch.market;

import static dev.tapewatch.support.Waits.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.LocalCodec;
import dev.tapewatch.config.Horizon;
import dev.tapewatch.support.Waits;
import dev.tapewatch.tape.MarketBatch;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A symbol's status counts every trade's latency from its arrival at the feed to its features, answers with the
 * whole histogram when asked, starts a new window when asked, and is published every second on its own.
 */
class SymbolVerticleStatusTest {
  private static final String SYM = "BTC-USD";
  private static final long T = 1_764_547_200_000L;

  private Vertx vertx;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().registerDefaultCodec(MarketBatch.class, new LocalCodec<>(MarketBatch.class));
    join(vertx.eventBus().consumer(Addresses.STORE_OUTCOMES_PENDING,
        m -> m.reply(new JsonObject().put("pending", new JsonArray()))).completion());
  }

  @AfterEach
  void closeVertx() throws Exception {
    join(vertx.close());
  }

  private JsonObject status(JsonObject body) throws Exception {
    return join(vertx.eventBus().<JsonObject>request(Addresses.Market.STATUS.of(SYM), body)).body();
  }

  /** Sends {@code n} trades in one batch that reached the feed {@code agoNanos} ago. */
  private void trades(int n, long agoNanos) {
    List<Trade> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(new Trade(SYM, T + i, 100 + i, 1.0, Side.BUY, 1 + i));
    }
    vertx.eventBus().send(Addresses.Market.EVENTS.of(SYM), new MarketBatch(batch, List.of(),
        System.nanoTime() - agoNanos));
  }

  @Test
  void everyTradeIsCountedAndTheHistogramIsGivenWhenAsked() throws Exception {
    List<JsonObject> published = new CopyOnWriteArrayList<>();
    join(vertx.eventBus().<JsonObject>consumer(Addresses.MARKET_STATUS, m -> published.add(m.body())).completion());
    join(vertx.deployVerticle(new SymbolVerticle(SYM, 1000, 10, List.of(new Horizon("1m", 60_000)), false,
        new SimpleMeterRegistry())));
    trades(3, 5_000_000);
    trades(2, 0);
    Waits.until("both batches applied", Duration.ofSeconds(5),
        () -> status(new JsonObject()).getJsonObject("latency_us").getLong("count") == 5);

    JsonObject withHistogram = status(new JsonObject().put("histogram", true));
    Histogram h = Histogram.decodeFromCompressedByteBuffer(
        ByteBuffer.wrap(Base64.getDecoder().decode(withHistogram.getString("latency_histogram"))), 0);
    assertEquals(5, h.getTotalCount());
    assertTrue(h.getCountBetweenValues(5_000_000, Long.MAX_VALUE) >= 3, "the batch that waited 5 ms, three trades");
    JsonObject latency = withHistogram.getJsonObject("latency_us");
    assertEquals(h.getValueAtPercentile(99.9) / 1000.0, latency.getDouble("p999"));
    assertEquals(h.getMaxValue() / 1000.0, latency.getDouble("max"));
    assertFalse(status(new JsonObject()).containsKey("latency_histogram"), "only when asked");

    status(new JsonObject().put("reset_latency", true));
    assertEquals(0L, status(new JsonObject()).getJsonObject("latency_us").getLong("count"));

    // Published within a period of its start, whatever point of the second the symbol's name gives it.
    Waits.until("the status published", Duration.ofMillis(Addresses.STATUS_PERIOD_MS + 500),
        () -> !published.isEmpty());
    assertEquals(SYM, published.get(0).getString("symbol"));
  }
}
