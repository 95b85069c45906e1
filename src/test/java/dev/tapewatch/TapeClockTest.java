package dev.tapewatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents on the tape's clock ({@code AGENT_CLOCK=tape}, the default for a replay): they run at every tape time that
 * is a multiple of their interval, see exactly the tape up to that time, stamp their findings with it, and two
 * replays of one tape at different speeds give the same findings.
 */
@Tag("integration")
class TapeClockTest {
  /** 2025-06-02T10:00:03Z: the tape starts between two 15 s ticks. */
  private static final long START = 1_748_858_403_000L;
  private static final int TRADES = 200;

  @TempDir
  Path dir;

  /**
   * Two symbols, a trade every 2.2 s each: a climb, then a fall, and a burst of BTC volume, so the agents have
   * something to say.
   */
  private Path tape() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < TRADES; i++) {
      long t = START + i * 2_200L;
      double btc = 100_000 + (i < 120 ? i * 40 : 4_800 - (i - 120) * 70);
      double eth = 3_000 + (i < 100 ? -i * 1.5 : -150 + (i - 100) * 2.5);
      lines.add(ReplayServiceTest.match("BTC-USD", 1_000 + i, Instant.ofEpochMilli(t).toString(),
          String.valueOf(btc), i >= 150 && i < 166 ? "40" : "0.5", i % 3 == 0 ? "buy" : "sell"));
      lines.add(ReplayServiceTest.match("ETH-USD", 5_000 + i, Instant.ofEpochMilli(t + 700).toString(),
          String.valueOf(eth), "2", i % 2 == 0 ? "buy" : "sell"));
    }
    return Files.write(dir.resolve("tape.ndjson"), lines);
  }

  /** Every trade of the tape by symbol: time → price. */
  private static Map<String, TreeMap<Long, Double>> prices(Path tape) throws Exception {
    Map<String, TreeMap<Long, Double>> out = new java.util.HashMap<>();
    for (String line : Files.readAllLines(tape)) {
      JsonObject m = new JsonObject(line);
      out.computeIfAbsent(m.getString("product_id"), s -> new TreeMap<>())
          .put(Instant.parse(m.getString("time")).toEpochMilli(), Double.parseDouble(m.getString("price")));
    }
    return out;
  }

  private static List<JsonObject> replayFindings(Path tape, String speed) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      TestService svc = TestService.start(vertx, Map.of("FEED", "replay:" + tape, "REPLAY_SPEED", speed,
          "SYMBOL", "BTC-USD,ETH-USD", "SIM_SEED", "1", "NEW_TREND_MIN_BPS", "5", "CVD_MOM_MIN_BPS", "2",
          "OUTCOME_HORIZONS", "1m,2m"));
      svc.await("/health", h -> h.getJsonObject("feed").getBoolean("replay_finished", false), 60_000);
      JsonArray found = svc.json("/findings?limit=1000").getJsonArray("findings");
      List<JsonObject> out = new ArrayList<>();
      found.forEach(f -> out.add((JsonObject) f));
      return out;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  /** What must not depend on the replay's speed: everything but the random id. */
  private static List<String> identity(List<JsonObject> findings) {
    return findings.stream().map(f -> {
      JsonObject c = f.copy();
      c.remove("id");
      return c.encode();
    }).sorted().toList();
  }

  @Test
  void aQuoteStampedFarAwayNeitherStartsNorMovesTheClock() throws Exception {
    Path clean = tape();
    List<String> lines = new ArrayList<>();
    // Stray tickers before the first trade: one from 2099, one from 1970.
    for (String time : List.of("2099-01-01T00:00:00Z", "1970-01-02T00:00:00Z")) {
      lines.add(new JsonObject().put("type", "ticker").put("product_id", "BTC-USD").put("best_bid", "99999")
          .put("best_ask", "100001").put("time", time).encode());
    }
    lines.addAll(Files.readAllLines(clean));
    Path poisoned = Files.write(dir.resolve("poisoned.ndjson"), lines);
    List<Long> readings = replayFindings(poisoned, "0").stream()
        .filter(f -> f.getString("label").equals("trend_score") && f.getString("symbol").equals("BTC-USD"))
        .map(f -> Instant.parse(f.getString("ts_utc")).toEpochMilli()).sorted().toList();
    assertEquals(expectedReadings(), readings, "the same tape times as without the stray quotes");
  }

  /** TS_INTERVAL 15 s: one reading at every multiple of 15 s from the first trade (10:00:03) to the last (10:07:21). */
  private static List<Long> expectedReadings() {
    long last = START + (TRADES - 1) * 2_200L + 700;
    List<Long> expected = new ArrayList<>();
    for (long t = START - 3_000 + 15_000; t <= last; t += 15_000) {
      expected.add(t);
    }
    return expected;
  }

  @Test
  void agentsRunAtTheTapesTimesSeeTheTapeUpToThemAndGiveTheSameFindingsAtAnySpeed() throws Exception {
    Path tape = tape();
    Map<String, TreeMap<Long, Double>> prices = prices(tape);
    List<JsonObject> fast = replayFindings(tape, "0");

    List<Long> readings = fast.stream().filter(f -> f.getString("agent").equals("trend_score")
            && f.getString("label").equals("trend_score") && f.getString("symbol").equals("BTC-USD"))
        .map(f -> Instant.parse(f.getString("ts_utc")).toEpochMilli()).sorted().toList();
    assertEquals(expectedReadings(), readings);

    for (JsonObject f : fast) {
      long t = Instant.parse(f.getString("ts_utc")).toEpochMilli();
      TreeMap<Long, Double> tape1 = prices.get(f.getString("symbol"));
      // What the agent saw at T: the last trade at or before T, never one after.
      assertEquals(tape1.floorEntry(t).getValue(), f.getDouble("ref_price"), f.encode());
      JsonObject outcomes = f.getJsonObject("outcomes");
      for (String h : List.of("1m", "2m")) {
        long end = t + (h.equals("1m") ? 60_000 : 120_000);
        JsonObject o = outcomes.getJsonObject(h);
        if (tape1.ceilingKey(end) == null) {
          assertEquals(null, o, "owed until a trade reaches the horizon: " + f.encode());
        } else {
          double price = tape1.floorEntry(end).getValue();
          assertEquals(price, o.getDouble("price"), f.encode());
          assertEquals((price / f.getDouble("ref_price") - 1) * 1e4, o.getDouble("ret_bps"), 1e-9, f.encode());
        }
      }
    }
    assertTrue(fast.stream().anyMatch(f -> !f.getString("agent").equals("trend_score")),
        "the tape makes the other agents speak too: " + fast.stream().map(f -> f.getString("label")).toList());

    List<JsonObject> paced = replayFindings(tape, "120");
    assertFalse(fast.isEmpty());
    assertEquals(identity(fast), identity(paced), "the same findings at full speed and at 120×");
  }
}
