package dev.tapewatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapewatch.support.PlainMarketMath;
import dev.tapewatch.support.PlainMarketMath.Bar;
import dev.tapewatch.support.PlainMarketMath.T;
import dev.tapewatch.support.TestService;
import dev.tapewatch.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recorded tapes replayed through the running service (FEED=replay, as fast as possible): every /signals and
 * /signals_tf value must equal a plain recomputation of the README definitions from the same trades.
 */
@Tag("integration")
@ExtendWith(VertxExtension.class)
class ReplayServiceTest {
  static final Path SHARED = Path.of("..", "shared", "data");
  static final Path EXCHANGE_CAPTURE = SHARED.resolve("coinbase_exchange_wsfeed_capture_2021-04-17.log.gz");
  static final Path ADVTRADE_TRADES = SHARED.resolve("coinbase_advtrade_trades_btc_eth_2026-08-09.ndjson");
  private static final Pattern RECEIVED = Pattern.compile("^[0-9.]+: (\\{.*)$");

  @TempDir
  Path tmp;

  @Test
  void exchangeCaptureMatchesRecomputation(Vertx vertx) throws Exception {
    List<String> messages = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(EXCHANGE_CAPTURE)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Matcher m = RECEIVED.matcher(line);
        if (m.matches()) {
          messages.add(m.group(1));
        }
      }
    }
    Path tape = write(messages, "exchange.ndjson");
    List<String> products = List.of("SKL-USD", "SKL-BTC", "BAND-GBP", "NMR-EUR", "BAND-BTC", "YFI-BTC", "DASH-BTC",
        "NU-GBP", "CRV-EUR", "SKL-GBP");
    Map<String, List<T>> expected = expectedTrades(messages);
    assertEquals(97 + 10, expected.values().stream().mapToInt(List::size).sum()
        + duplicates(messages), "the capture holds 97 matches and 10 last_match");

    TestService svc = replay(vertx, tape, products);
    JsonObject health = awaitReplay(svc, expected);
    assertEquals(0, health.getJsonObject("feed").getLong("malformed_total"));
    assertEquals(107, health.getJsonObject("feed").getLong("quotes"), "every ticker gives a quote");
    for (String symbol : products) {
      assertSignals(svc, symbol, expected.get(symbol));
    }
  }

  /**
   * The capture's level-2 messages build every product's book in the service, never crossed: /book at depth 1000 is
   * the best of a full book rebuilt here in decimals from the same messages, level for level with exact prices, and
   * its time that of the product's last update.
   */
  @Test
  void exchangeCaptureBuildsEveryBookWithoutACrossedOne(Vertx vertx) throws Exception {
    List<String> messages = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(EXCHANGE_CAPTURE)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Matcher m = RECEIVED.matcher(line);
        if (m.matches()) {
          messages.add(m.group(1));
        }
      }
    }
    Map<String, TreeMap<BigDecimal, BigDecimal>> bids = new HashMap<>();
    Map<String, TreeMap<BigDecimal, BigDecimal>> asks = new HashMap<>();
    Map<String, Long> changes = new HashMap<>();
    Map<String, String> lastTime = new HashMap<>();
    for (String line : messages) {
      JsonObject m = new JsonObject(line);
      String type = m.getString("type");
      if (!type.equals("snapshot") && !type.equals("l2update")) {
        continue;
      }
      String p = m.getString("product_id");
      TreeMap<BigDecimal, BigDecimal> b = bids.computeIfAbsent(p, k -> new TreeMap<>(Comparator.reverseOrder()));
      TreeMap<BigDecimal, BigDecimal> a = asks.computeIfAbsent(p, k -> new TreeMap<>());
      changes.merge(p, 1L, Long::sum);
      if (type.equals("snapshot")) {
        m.getJsonArray("bids").forEach(l -> level(b, (JsonArray) l, 0));
        m.getJsonArray("asks").forEach(l -> level(a, (JsonArray) l, 0));
      } else {
        m.getJsonArray("changes").forEach(c -> level(((JsonArray) c).getString(0).equals("buy") ? b : a,
            (JsonArray) c, 1));
        lastTime.put(p, Instant.ofEpochMilli(Instant.parse(m.getString("time")).toEpochMilli()).toString());
      }
    }
    List<String> products = List.of("SKL-USD", "SKL-BTC", "BAND-GBP", "NMR-EUR", "BAND-BTC", "YFI-BTC", "DASH-BTC",
        "NU-GBP", "CRV-EUR", "SKL-GBP");
    assertEquals(9729L, changes.values().stream().mapToLong(Long::longValue).sum());
    TestService svc = replay(vertx, write(messages, "exchange.ndjson"), products);
    svc.await("/health", h -> products.stream().allMatch(p -> h.getJsonObject("market").getJsonObject(p)
        .getJsonObject("book", new JsonObject()).getLong("updates", 0L).equals(changes.get(p))), 30_000);
    JsonObject health = svc.json("/health");
    ObjectMapper exact = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    for (String p : products) {
      JsonObject status = health.getJsonObject("market").getJsonObject(p).getJsonObject("book");
      assertEquals("ok", status.getString("state"), p);
      assertEquals(0L, status.getLong("resyncs"), p);
      JsonNode book = exact.readTree(svc.getNow("/book?depth=1000&symbol=" + p).body().getBytes());
      assertEquals("ok", book.get("book").asText(), p);
      assertEquals(lastTime.get(p), book.get("ts").asText(), p);
      assertLevels(bids.get(p), book.get("bids"), bids.get(p).size(), p + " bids");
      // SKL-USD's snapshot had 1341 asks: the 1000 best are kept, and 3 went from the top since (see ExchangeBookTest)
      assertLevels(asks.get(p), book.get("asks"), p.equals("SKL-USD") ? 997 : asks.get(p).size(), p + " asks");
      BigDecimal mid = bids.get(p).firstKey().add(asks.get(p).firstKey()).divide(BigDecimal.valueOf(2));
      assertEquals(0, mid.compareTo(book.get("mid").decimalValue()), p + " mid");
    }
  }

  private static void level(TreeMap<BigDecimal, BigDecimal> side, JsonArray level, int from) {
    BigDecimal price = new BigDecimal(level.getString(from));
    BigDecimal size = new BigDecimal(level.getString(from + 1));
    if (size.signum() == 0) {
      side.remove(price);
    } else {
      side.put(price, size);
    }
  }

  /** The levels shown are the best {@code count} of the full side, exactly. */
  private static void assertLevels(TreeMap<BigDecimal, BigDecimal> full, JsonNode shown, int count, String what) {
    assertEquals(count, shown.size(), what);
    int i = 0;
    for (Map.Entry<BigDecimal, BigDecimal> e : full.entrySet()) {
      if (i == shown.size()) {
        break;
      }
      assertEquals(0, e.getKey().compareTo(shown.get(i).get(0).decimalValue()), what + " price " + i);
      assertEquals(0, e.getValue().compareTo(shown.get(i).get(1).decimalValue()), what + " qty " + i);
      i++;
    }
    assertEquals(shown.size(), i, what);
  }

  /** Real BTC-USD and ETH-USD trades of 2026-08-09, written as the Exchange feed would send them. */
  @Test
  void realBtcEthTradesMatchRecomputation(Vertx vertx) throws Exception {
    List<String> messages = new ArrayList<>();
    for (String line : Files.readAllLines(ADVTRADE_TRADES)) {
      JsonObject t = new JsonObject(line);
      messages.add(match(t.getString("product_id"), Long.parseLong(t.getString("trade_id")),
          t.getString("time"), t.getString("price"), t.getString("size"),
          // Both carry the maker's side (AdvancedTradeMessageParserTest shows it on the capture).
          t.getString("side").toLowerCase(Locale.ROOT)));
    }
    Path tape = write(messages, "btc-eth.ndjson");
    Map<String, List<T>> expected = expectedTrades(messages);
    assertEquals(147, expected.get("BTC-USD").size());
    assertEquals(132, expected.get("ETH-USD").size());

    TestService svc = replay(vertx, tape, List.of("BTC-USD", "ETH-USD"));
    awaitReplay(svc, expected);
    for (String symbol : expected.keySet()) {
      assertSignals(svc, symbol, expected.get(symbol));
    }
  }

  /**
   * Five hours of a seeded synthetic tape (gzipped) with trades arriving up to 20 s out of order, tickers, and
   * malformed lines: exercises gap fill, the 20-bar VWAP and RVOL windows and the 14-bar ATR on every timeframe.
   */
  @Test
  void longSyntheticTapeMatchesRecomputation(Vertx vertx) throws Exception {
    Random random = new Random(20261124);
    List<String> messages = new ArrayList<>();
    long start = Instant.parse("2026-11-24T06:00:00Z").toEpochMilli();
    Map<String, Double> price = new LinkedHashMap<>(Map.of("BTC-USD", 95_000.0, "ETH-USD", 3_400.0));
    long id = 1;
    int malformed = 0;
    for (long t = start; t < start + 5 * 3_600_000L; t += 1 + random.nextInt(4000)) {
      if (t > start + 1_800_000 && t < start + 2_100_000) {
        continue; // a five-minute silence: flat bars
      }
      for (Map.Entry<String, Double> e : price.entrySet()) {
        double p = Math.round(e.getValue() * Math.exp(random.nextGaussian() * 0.0004) * 100) / 100.0;
        e.setValue(p);
        long late = t > start + 120_000 && random.nextInt(10) == 0 ? random.nextInt(20_000) : 0;
        messages.add(match(e.getKey(), id++, Instant.ofEpochMilli(t - late).toString(),
            Double.toString(p), String.format("%.8f", 0.001 + random.nextDouble() * random.nextDouble() * 3),
            random.nextBoolean() ? "buy" : "sell"));
        if (random.nextInt(5) == 0) {
          messages.add(new JsonObject().put("type", "ticker").put("product_id", e.getKey())
              .put("time", Instant.ofEpochMilli(t).toString()).put("price", Double.toString(p))
              .put("best_bid", Double.toString(p - 0.01)).put("best_ask", Double.toString(p + 0.01)).encode());
        }
      }
      if (random.nextInt(500) == 0) {
        messages.add(random.nextBoolean() ? "{not json" : match("BTC-USD", id++, "yesterday", "1", "1", "buy"));
        malformed++;
      }
    }
    Path tape = tmp.resolve("synthetic.ndjson.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tape))) {
      out.write((String.join("\n", messages) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Map<String, List<T>> expected = expectedTrades(messages);

    TestService svc = replay(vertx, tape, List.of("BTC-USD", "ETH-USD"));
    JsonObject health = awaitReplay(svc, expected);
    assertEquals(malformed, health.getJsonObject("feed").getLong("malformed_total"));
    for (String symbol : expected.keySet()) {
      List<Bar> m15 = PlainMarketMath.bars(expected.get(symbol), 900_000);
      assertTrue(m15.size() > 14, "the tape must be long enough to fill the 15m ATR window");
      assertSignals(svc, symbol, expected.get(symbol));
      JsonObject state = svc.json("/debug/state?symbol=" + symbol);
      assertEquals(3, state.getJsonArray("bars_1m_tail").size());
      assertEquals(PlainMarketMath.bars(expected.get(symbol), 60_000).size(), state.getInteger("bars_1m_count"));
      List<Bar> m5 = PlainMarketMath.bars(expected.get(symbol), 300_000);
      JsonArray served = svc.json("/bars?symbol=" + symbol + "&tf=5m&limit=1000").getJsonArray("bars");
      assertEquals(m5.size(), served.size());
      for (int i = 0; i < m5.size(); i++) {
        Bar b = m5.get(i);
        JsonObject bar = served.getJsonObject(i);
        assertEquals(Instant.ofEpochMilli(b.bucket() * 300_000).toString(), bar.getString("ts_utc"));
        assertEquals(b.open(), bar.getDouble("open"), symbol + " bar " + i);
        assertEquals(b.high(), bar.getDouble("high"));
        assertEquals(b.low(), bar.getDouble("low"));
        assertEquals(b.close(), bar.getDouble("close"));
        close(b.volume(), bar.getDouble("volume"), symbol + " volume of bar " + i);
      }
    }
  }

  @Test
  void replayFollowsTheRecordingsPace(Vertx vertx) throws Exception {
    List<String> messages = new ArrayList<>();
    long start = Instant.parse("2026-11-24T06:00:00Z").toEpochMilli();
    for (int i = 0; i <= 30; i++) {
      messages.add(match("BTC-USD", i + 1, Instant.ofEpochMilli(start + i * 100L).toString(), "100", "1", "buy"));
    }
    TestService svc = replay(vertx, write(messages, "paced.ndjson"), List.of("BTC-USD"), "1");
    // 3 s of recording at speed 1: when the first trades have arrived, the rest are still to come.
    int early = Waits.until("the first replayed trades", Duration.ofSeconds(10),
        () -> svc.json("/debug/state?symbol=BTC-USD").getInteger("trades_cached"), n -> n > 0, n -> n + " cached");
    assertTrue(early < 31, "paced replay must not deliver everything at once: " + early);
    svc.await("/health", h -> h.getJsonObject("feed").getBoolean("replay_finished", false), 10_000);
    svc.await("/debug/state?symbol=BTC-USD", s -> s.getInteger("trades_cached") == 31, 5_000);
  }

  @Test
  void missingReplayFileFailsStartup(Vertx vertx) {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> TestService.start(vertx, Map.of("FEED", "replay:" + tmp.resolve("nope.ndjson"))));
    assertTrue(String.valueOf(e.getMessage()).contains("nope.ndjson"), e.toString());
  }

  static String match(String product, long tradeId, String time, String price, String size, String makerSide) {
    return new JsonObject().put("type", "match").put("trade_id", tradeId).put("side", makerSide)
        .put("size", size).put("price", price).put("product_id", product).put("sequence", tradeId)
        .put("time", time).encode();
  }

  private Path write(List<String> lines, String name) throws IOException {
    Path p = tmp.resolve(name);
    try (Writer w = Files.newBufferedWriter(p)) {
      for (String l : lines) {
        w.write(l);
        w.write('\n');
      }
    }
    return p;
  }

  /**
   * The trades each product should end up with, read with Vert.x's JSON (not our parser): matches and last_match
   * in arrival order, skipping any trade id not above the product's last one, as the feed does.
   */
  static Map<String, List<T>> expectedTrades(List<String> messages) {
    Map<String, List<T>> out = new LinkedHashMap<>();
    Map<String, Long> lastId = new HashMap<>();
    for (String line : messages) {
      JsonObject m;
      try {
        m = new JsonObject(line);
      } catch (RuntimeException notJson) {
        continue;
      }
      String type = m.getString("type");
      if (!"match".equals(type) && !"last_match".equals(type)) {
        continue;
      }
      long ms;
      try {
        ms = Instant.parse(m.getString("time")).toEpochMilli();
      } catch (RuntimeException badTime) {
        continue;
      }
      String product = m.getString("product_id");
      long id = m.getLong("trade_id");
      if (id <= lastId.getOrDefault(product, 0L)) {
        continue;
      }
      lastId.put(product, id);
      out.computeIfAbsent(product, k -> new ArrayList<>()).add(new T(ms,
          Double.parseDouble(m.getString("price")), Double.parseDouble(m.getString("size")),
          m.getString("side").equals("sell")));
    }
    return out;
  }

  private static int duplicates(List<String> messages) {
    Map<String, List<T>> kept = expectedTrades(messages);
    int trades = (int) messages.stream().filter(l -> l.contains("\"type\":\"match\"")
        || l.contains("\"type\":\"last_match\"")).count();
    return trades - kept.values().stream().mapToInt(List::size).sum();
  }

  private TestService replay(Vertx vertx, Path tape, List<String> symbols) throws Exception {
    return replay(vertx, tape, symbols, "0");
  }

  private TestService replay(Vertx vertx, Path tape, List<String> symbols, String speed) throws Exception {
    return TestService.start(vertx, Map.of("FEED", "replay:" + tape, "REPLAY_SPEED", speed,
        "SYMBOL", String.join(",", symbols)));
  }

  static JsonObject awaitReplay(TestService svc, Map<String, List<T>> expected) throws Exception {
    JsonObject health = svc.await("/health",
        h -> h.getJsonObject("feed").getBoolean("replay_finished", false), 30_000);
    for (Map.Entry<String, List<T>> e : expected.entrySet()) {
      svc.await("/debug/state?symbol=" + e.getKey(),
          s -> s.getInteger("trades_cached") == e.getValue().size(), 10_000);
    }
    return health;
  }

  static void assertSignals(TestService svc, String symbol, List<T> trades) throws Exception {
    JsonObject tf = svc.json("/signals_tf?symbol=" + symbol);
    double p = PlainMarketMath.lastPrice(trades);
    for (String label : List.of("1m", "5m", "15m")) {
      long width = switch (label) {
        case "1m" -> 60_000L;
        case "5m" -> 300_000L;
        default -> 900_000L;
      };
      List<Bar> bars = PlainMarketMath.bars(trades, width);
      close(PlainMarketMath.momBps(bars), tf.getDouble("mom_bps_" + label), symbol + " mom_bps_" + label);
      close(PlainMarketMath.pxVsVwapBps(bars, p), tf.getDouble("px_vs_vwap_bps_" + label),
          symbol + " px_vs_vwap_bps_" + label);
      close(PlainMarketMath.rvol(bars), tf.getDouble("rvol_" + label), symbol + " rvol_" + label);
      close(PlainMarketMath.atr(bars), tf.getDouble("atr_" + label), symbol + " atr_" + label);
    }
    assertEquals(13, tf.size(), "symbol + 12 features: " + tf);

    JsonObject s = svc.json("/signals?symbol=" + symbol);
    close(PlainMarketMath.tradeMomentumBps(trades, 60_000), s.getDouble("mom1_bps"), symbol + " mom1_bps");
    close(PlainMarketMath.tradeMomentumBps(trades, 300_000), s.getDouble("mom5_bps"), symbol + " mom5_bps");
    close(PlainMarketMath.rvolVsRecent(trades), s.getDouble("rvol_vs_recent"), symbol + " rvol_vs_recent");
    close(PlainMarketMath.tradeVwapBps(trades), s.getDouble("px_vs_vwap_bps"), symbol + " px_vs_vwap_bps");
    assertEquals(p, s.getDouble("last_price"), symbol + " last_price");
    assertEquals(trades.size(), s.getInteger("trades_cached"));
    assertFalse(s.encode().contains("NaN") || s.encode().contains("Infinity"));
  }

  private static void close(double expected, double actual, String what) {
    double tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    assertEquals(expected, actual, tolerance, what);
  }
}
