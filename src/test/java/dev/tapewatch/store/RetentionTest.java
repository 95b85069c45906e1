package dev.tapewatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.support.Waits;
import dev.tapewatch.tape.MinuteBar;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Findings and bars older than RETENTION_DAYS leave the embedded store when it starts (and every 10 minutes). */
class RetentionTest {
  private final Vertx vertx = Vertx.vertx();

  @TempDir
  Path dataDir;

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String deployStore() throws Exception {
    return await(vertx.deployVerticle(new StoreVerticle(TapewatchConfig.load(Map.of("STORE", "sqlite",
        "DATA_DIR", dataDir.toString(), "RETENTION_DAYS", "30")).store())));
  }

  private static JsonObject finding(String id, Instant ts) {
    return new JsonObject().put("id", id).put("ts_utc", ts.toString()).put("agent", "rvol_spike")
        .put("symbol", "BTC-USD").put("score", 3.0).put("label", "rvol_spike").put("details", new JsonObject());
  }

  /** The ids the store itself answers with (not its fallback, the findings kept in memory). */
  private List<String> ids() throws Exception {
    JsonObject answer = await(vertx.eventBus().<JsonObject>request(Addresses.STORE_FINDINGS_QUERY,
        new JsonObject().put("limit", 100))).body();
    assertEquals("sqlite", answer.getString("source"));
    return answer.getJsonArray("findings").stream().map(f -> ((JsonObject) f).getString("id")).toList();
  }

  private List<Long> barStarts() throws Exception {
    return await(vertx.eventBus().<JsonObject>request(Addresses.STORE_BARS_RECENT,
        new JsonObject().put("symbol", "BTC-USD").put("since_ms", 0L))).body().getJsonArray("bars").stream()
        .map(b -> ((JsonObject) b).getLong("start_ms")).toList();
  }

  @Test
  void whatIsOlderThanTheRetentionGoesAtTheNextStart() throws Exception {
    Instant now = Instant.now();
    String store = deployStore();
    String old = "00000000-0000-4000-8000-000000000001";
    String kept = "00000000-0000-4000-8000-000000000002";
    await(vertx.eventBus().request(Addresses.STORE_FINDINGS_APPEND, finding(old, now.minus(Duration.ofDays(31)))));
    await(vertx.eventBus().request(Addresses.STORE_FINDINGS_APPEND, finding(kept, now.minus(Duration.ofDays(29)))));
    long oldBar = now.minus(Duration.ofDays(31)).toEpochMilli() / 60_000 * 60_000;
    long keptBar = now.minus(Duration.ofDays(1)).toEpochMilli() / 60_000 * 60_000;
    for (long start : List.of(oldBar, keptBar)) {
      vertx.eventBus().send(Addresses.STORE_BARS_APPEND,
          new MinuteBar("BTC-USD", start, 1, 1, 1, 1, 1, 1, 0, 1, start, start).toJson());
    }
    Waits.until("both bars written", Duration.ofSeconds(10), () -> barStarts().size() == 2);
    assertEquals(List.of(kept, old), ids());

    await(vertx.undeploy(store));
    deployStore();
    Waits.until("the 31-day-old finding pruned", Duration.ofSeconds(10), () -> ids().equals(List.of(kept)));
    Waits.until("the 31-day-old bar pruned", Duration.ofSeconds(10), () -> barStarts().equals(List.of(keptBar)));
  }
}
