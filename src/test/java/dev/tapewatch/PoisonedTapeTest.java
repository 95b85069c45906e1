package dev.tapewatch;

import static dev.tapewatch.ReplayServiceTest.assertSignals;
import static dev.tapewatch.ReplayServiceTest.awaitReplay;
import static dev.tapewatch.ReplayServiceTest.expectedTrades;
import static dev.tapewatch.ReplayServiceTest.match;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.PlainMarketMath;
import dev.tapewatch.support.PlainMarketMath.Bar;
import dev.tapewatch.support.PlainMarketMath.T;
import dev.tapewatch.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "the tape": bad prints in a replayed tape (a trade stamped in the year 9999, trade ids near 2^63, a price
 * times size beyond a double, NaN and Infinity spelled out, a ticker from the far future) leave every symbol exactly
 * where the same tape without them leaves it, and no endpoint writes NaN or Infinity; a genuine ten-minute silence
 * and a genuine jump in trade ids are accepted.
 */
@Tag("integration")
@ExtendWith(VertxExtension.class)
class PoisonedTapeTest {
  private static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD", "ADA-USD");
  private static final long START = Instant.parse("2026-11-24T06:00:00Z").toEpochMilli();
  private static final String YEAR_9999 = "9999-12-31T23:59:59.999999Z";

  @TempDir
  Path tmp;

  /** One clean trade of the tape: where its line is, and what it is. */
  private record Print(int line, String symbol, int ordinal, long id, long timeMs) {
  }

  /** A seeded tape of the three symbols, with tickers, and the trades in it. */
  private record Tape(List<String> lines, List<Print> prints) {
    Print nth(String symbol, int ordinal) {
      return prints.stream().filter(p -> p.symbol().equals(symbol) && p.ordinal() == ordinal).findFirst()
          .orElseThrow();
    }
  }

  private static Tape cleanTape() {
    Random random = new Random(15);
    Map<String, Double> price = new LinkedHashMap<>();
    price.put("BTC-USD", 95_000.0);
    price.put("ETH-USD", 3_400.0);
    price.put("ADA-USD", 0.45);
    Map<String, Long> id = new LinkedHashMap<>(Map.of("BTC-USD", 1_000_000L, "ETH-USD", 2_000_000L,
        "ADA-USD", 3_000_000L));
    Map<String, Integer> ordinal = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    List<Print> prints = new ArrayList<>();
    for (long t = START; t < START + 2 * 3_600_000L; t += 1 + random.nextInt(4000)) {
      for (String s : SYMBOLS) {
        double p = Math.round(price.get(s) * Math.exp(random.nextGaussian() * 0.0004) * 10_000) / 10_000.0;
        price.put(s, p);
        // Up to 20 s out of order, but never before the first bar, which would be too late for any bar.
        long late = t > START + 120_000 && random.nextInt(10) == 0 ? random.nextInt(20_000) : 0;
        long tradeId = id.merge(s, 1L, Long::sum);
        int n = ordinal.merge(s, 1, Integer::sum);
        prints.add(new Print(lines.size(), s, n, tradeId, t - late));
        lines.add(match(s, tradeId, Instant.ofEpochMilli(t - late).toString(), Double.toString(p),
            String.format("%.8f", 0.001 + random.nextDouble() * random.nextDouble() * 3), random.nextBoolean()
                ? "buy" : "sell"));
        if (random.nextInt(5) == 0) {
          lines.add(ticker(s, Instant.ofEpochMilli(t).toString(), p - 0.0001, p + 0.0001));
        }
      }
    }
    return new Tape(lines, prints);
  }

  private static String ticker(String symbol, String time, double bid, double ask) {
    return new JsonObject().put("type", "ticker").put("product_id", symbol).put("time", time)
        .put("best_bid", Double.toString(bid)).put("best_ask", Double.toString(ask)).encode();
  }

  /** The clean trade's own line with one field changed, as a corrupted copy of it would arrive. */
  private static String corrupt(Tape tape, Print p, String field, Object value) {
    return new JsonObject(tape.lines().get(p.line())).put(field, value).encode();
  }

  @Test
  void everySymbolCarriesOnAfterBadPrintsAndEqualsTheCleanTape(Vertx vertx) throws Exception {
    Tape clean = cleanTape();
    // Each bad print goes in just before the clean trade it corrupts, with that trade's id unless the id is the
    // poison: the clean trade that follows must drop it and take its place.
    Map<Integer, List<String>> before = new LinkedHashMap<>();
    Print btcFuture = clean.nth("BTC-USD", 300);
    Print ethJump = clean.nth("ETH-USD", 400);
    Print adaOverflow = clean.nth("ADA-USD", 500);
    Print btcMaxId = clean.nth("BTC-USD", 1000);
    before.computeIfAbsent(btcFuture.line(), k -> new ArrayList<>())
        .add(corrupt(clean, btcFuture, "time", YEAR_9999));
    before.computeIfAbsent(ethJump.line(), k -> new ArrayList<>())
        .add(corrupt(clean, ethJump, "trade_id", 9_223_372_036_854_775_000L));
    before.computeIfAbsent(btcMaxId.line(), k -> new ArrayList<>())
        .add(corrupt(clean, btcMaxId, "trade_id", Long.MAX_VALUE));
    before.computeIfAbsent(adaOverflow.line(), k -> new ArrayList<>())
        .add(new JsonObject(clean.lines().get(adaOverflow.line())).put("price", "1e200").put("size", "1e200")
            .encode());
    Print btcNaN = clean.nth("BTC-USD", 600);
    Print ethInf = clean.nth("ETH-USD", 700);
    Print adaNegInf = clean.nth("ADA-USD", 800);
    Print btcBeyond = clean.nth("BTC-USD", 900);
    before.computeIfAbsent(btcNaN.line(), k -> new ArrayList<>()).add(corrupt(clean, btcNaN, "price", "NaN"));
    before.computeIfAbsent(ethInf.line(), k -> new ArrayList<>()).add(corrupt(clean, ethInf, "size", "Infinity"));
    before.computeIfAbsent(adaNegInf.line(), k -> new ArrayList<>())
        .add(corrupt(clean, adaNegInf, "price", "-Infinity"));
    before.computeIfAbsent(btcBeyond.line(), k -> new ArrayList<>()).add(corrupt(clean, btcBeyond, "size", "1e400"));
    before.computeIfAbsent(clean.nth("ETH-USD", 900).line(), k -> new ArrayList<>())
        .add(ticker("ETH-USD", YEAR_9999, 1.0, 2.0));
    List<String> poisoned = new ArrayList<>();
    for (int i = 0; i < clean.lines().size(); i++) {
      poisoned.addAll(before.getOrDefault(i, List.of()));
      poisoned.add(clean.lines().get(i));
    }
    // Last of all a bad print that nothing follows: it stays held, and moves nothing.
    Print lastBtc = clean.prints().stream().filter(p -> p.symbol().equals("BTC-USD")).reduce((a, b) -> b)
        .orElseThrow();
    poisoned.add(match("BTC-USD", lastBtc.id() + 1, YEAR_9999, "95000", "1", "buy"));

    Map<String, List<T>> expected = expectedTrades(clean.lines());
    SYMBOLS.forEach(s -> assertTrue(expected.get(s).size() > 1000, s + " trades in the tape"));
    Vertx other = Vertx.vertx();
    try {
      TestService cleanSvc = replay(other, write(clean.lines(), "clean.ndjson"));
      TestService poisonedSvc = replay(vertx, write(poisoned, "poisoned.ndjson"));
      JsonObject cleanHealth = awaitReplay(cleanSvc, expected);
      JsonObject health = awaitReplay(poisonedSvc, expected);

      for (String s : SYMBOLS) {
        assertSignals(poisonedSvc, s, expected.get(s));
        for (String path : List.of("/signals", "/signals_tf", "/debug/features", "/bars?tf=1m&limit=1000",
            "/bars?tf=5m&limit=1000", "/bars?tf=15m&limit=1000")) {
          String q = path + (path.contains("?") ? "&" : "?") + "symbol=" + s;
          assertEquals(cleanSvc.json(q), poisonedSvc.json(q), q);
        }
        JsonObject cleanState = cleanSvc.json("/debug/state?symbol=" + s);
        JsonObject state = poisonedSvc.json("/debug/state?symbol=" + s);
        cleanState.remove("last_trade_age_s");
        state.remove("last_trade_age_s");
        assertEquals(cleanState, state, "/debug/state of " + s);
      }

      JsonObject feed = health.getJsonObject("feed");
      assertEquals(new JsonObject().put("future_time", 2).put("trade_id_jump", 2).put("non_finite", 5),
          feed.getJsonObject("malformed"), "the held 9999 trade at the end is not yet counted");
      assertEquals(0, cleanHealth.getJsonObject("feed").getLong("malformed_total"));
      for (String s : SYMBOLS) {
        JsonObject mine = feed.getJsonObject("symbols").getJsonObject(s);
        JsonObject theirs = cleanHealth.getJsonObject("feed").getJsonObject("symbols").getJsonObject(s);
        for (String counter : List.of("trades", "quotes", "gaps", "missing_trades", "duplicates", "last_trade_id")) {
          assertEquals(theirs.getValue(counter), mine.getValue(counter), s + " " + counter);
        }
        assertEquals(s.equals("BTC-USD") ? 1 : 0, mine.getInteger("held"), s + " held");
      }
      String metrics = poisonedSvc.getNow("/metrics").bodyAsString();
      for (String reason : List.of("future_time", "trade_id_jump", "non_finite")) {
        assertTrue(metrics.contains("tapewatch_feed_malformed_total{reason=\"" + reason + "\"}"),
            reason + " exported");
      }
      assertTrue(metrics.contains("tapewatch_feed_held_trades{symbol=\"BTC-USD\"} 1.0"), "held exported");

      assertNoEndpointWritesNaNOrInfinity(poisonedSvc);
    } finally {
      other.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Every JSON endpoint, for every symbol and timeframe, after the agents have run on the poisoned state. */
  private static void assertNoEndpointWritesNaNOrInfinity(TestService svc) throws Exception {
    HttpResponse<Buffer> ran = WebClient.create(svc.vertx()).post(svc.port(), "127.0.0.1", "/agents/run-now")
        .send().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(200, ran.statusCode(), ran.bodyAsString());
    List<String> bodies = new ArrayList<>(List.of(ran.bodyAsString()));
    List<String> paths = new ArrayList<>(List.of("/health", "/findings?limit=1000", "/agents"));
    for (String s : SYMBOLS) {
      for (String path : List.of("/signals", "/signals_tf", "/debug/state", "/debug/features", "/findings",
          "/bars?tf=1m&limit=1000", "/bars?tf=5m&limit=1000", "/bars?tf=15m&limit=1000")) {
        paths.add(path + (path.contains("?") ? "&" : "?") + "symbol=" + s);
      }
    }
    for (String path : paths) {
      HttpResponse<Buffer> r = svc.getNow(path);
      assertEquals(200, r.statusCode(), path + ": " + r.bodyAsString());
      bodies.add(r.bodyAsString());
    }
    for (String body : bodies) {
      assertFalse(body.contains("NaN") || body.contains("Infinity"), body);
    }
  }

  @Test
  void aGenuineTenMinuteSilenceAndAGenuineTradeIdJumpAreAccepted(Vertx vertx) throws Exception {
    Random random = new Random(1015);
    List<String> lines = new ArrayList<>();
    long btcId = 500;
    long ethId = 9_000;
    double btc = 95_000;
    double eth = 3_400;
    for (long t = START; t < START + 90 * 60_000L; t += 500 + random.nextInt(3000)) {
      boolean btcQuiet = t >= START + 20 * 60_000L && t < START + 30 * 60_000L;
      boolean outage = t >= START + 50 * 60_000L && t < START + 60 * 60_000L;
      if (outage) {
        continue;
      }
      String time = Instant.ofEpochMilli(t).toString();
      if (!btcQuiet) {
        btc = Math.round(btc * Math.exp(random.nextGaussian() * 0.0004) * 100) / 100.0;
        lines.add(match("BTC-USD", ++btcId, time, Double.toString(btc), "0.25",
            random.nextBoolean() ? "buy" : "sell"));
      }
      eth = Math.round(eth * Math.exp(random.nextGaussian() * 0.0004) * 100) / 100.0;
      // 40 minutes in, the exchange's ETH-USD ids jump by five million (it happens when a venue migrates).
      ethId += t >= START + 40 * 60_000L && t < START + 40 * 60_000L + 3500 ? 5_000_000 : 1;
      lines.add(match("ETH-USD", ethId, time, Double.toString(eth), "1.5", random.nextBoolean() ? "buy" : "sell"));
    }
    // The tape ends with BTC-USD trading after ten more quiet minutes; no trade follows, but the exchange's heartbeat
    // names it as the product's last trade a second later, which vouches for it.
    long lastMs = Instant.parse(new JsonObject(lines.get(lines.size() - 1)).getString("time")).toEpochMilli();
    String lastTime = Instant.ofEpochMilli(lastMs + 600_000).toString();
    lines.add(match("BTC-USD", ++btcId, lastTime, Double.toString(btc), "0.25", "buy"));
    lines.add(new JsonObject().put("type", "heartbeat").put("product_id", "BTC-USD").put("last_trade_id", btcId)
        .put("sequence", 1).put("time", Instant.ofEpochMilli(lastMs + 601_000).toString()).encode());
    Map<String, List<T>> expected = expectedTrades(lines);
    assertEquals(expected.get("BTC-USD").size() + expected.get("ETH-USD").size(),
        lines.size() - 1, "every trade of the tape is genuine");

    TestService svc = TestService.start(vertx, Map.of("FEED", "replay:" + write(lines, "genuine.ndjson"),
        "REPLAY_SPEED", "0", "SYMBOL", "BTC-USD,ETH-USD"));
    JsonObject health = awaitReplay(svc, expected);
    JsonObject feed = health.getJsonObject("feed");
    assertEquals(0, feed.getLong("malformed_total"), feed.encode());
    assertEquals(0, feed.getJsonObject("symbols").getJsonObject("BTC-USD").getLong("gaps"));
    JsonObject ethFeed = feed.getJsonObject("symbols").getJsonObject("ETH-USD");
    assertEquals(1, ethFeed.getLong("gaps"));
    assertEquals(4_999_999, ethFeed.getLong("missing_trades"));
    for (String s : List.of("BTC-USD", "ETH-USD")) {
      assertEquals(0, feed.getJsonObject("symbols").getJsonObject(s).getInteger("held"), s);
      assertSignals(svc, s, expected.get(s));
      List<Bar> bars = PlainMarketMath.bars(expected.get(s), 60_000);
      JsonArray served = svc.json("/bars?tf=1m&limit=1000&symbol=" + s).getJsonArray("bars");
      assertEquals(bars.size(), served.size(), s + " 1m bars, the silent minutes flat");
      for (int i = 0; i < bars.size(); i++) {
        assertEquals(Instant.ofEpochMilli(bars.get(i).bucket() * 60_000).toString(),
            served.getJsonObject(i).getString("ts_utc"));
        assertEquals(bars.get(i).close(), served.getJsonObject(i).getDouble("close"), s + " close of bar " + i);
      }
    }
  }

  @Test
  void aPacedReplayIsNotStalledByATradeStampedAnHourAhead(Vertx vertx) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i <= 30; i++) {
      if (i == 10) {
        lines.add(match("BTC-USD", 11, Instant.ofEpochMilli(START + 3_600_000).toString(), "100", "1", "buy"));
      }
      lines.add(match("BTC-USD", i + 1, Instant.ofEpochMilli(START + i * 100L).toString(), "100", "1", "buy"));
    }
    TestService svc = TestService.start(vertx, Map.of("FEED", "replay:" + write(lines, "paced.ndjson"),
        "REPLAY_SPEED", "1", "SYMBOL", "BTC-USD"));
    // 3 s of recording at its own pace.
    JsonObject health = svc.await("/health", h -> h.getJsonObject("feed").getBoolean("replay_finished", false),
        15_000);
    assertEquals(1, health.getJsonObject("feed").getJsonObject("malformed").getInteger("future_time"));
    svc.await("/debug/state?symbol=BTC-USD", s -> s.getInteger("trades_cached") == 31, 5_000);
  }

  private TestService replay(Vertx vertx, Path tape) throws Exception {
    return TestService.start(vertx, Map.of("FEED", "replay:" + tape, "REPLAY_SPEED", "0",
        "SYMBOL", String.join(",", SYMBOLS)));
  }

  private Path write(List<String> lines, String name) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, lines);
    return p;
  }
}
