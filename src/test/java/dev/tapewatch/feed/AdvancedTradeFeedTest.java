package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.TapewatchApp;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.feed.AdvancedTradeMarket.Trades;
import dev.tapewatch.feed.AdvancedTradeMarket.WireTrade;
import dev.tapewatch.feed.FakeCoinbaseServer.ClientText;
import dev.tapewatch.feed.FakeCoinbaseServer.Connection;
import dev.tapewatch.feed.FakeCoinbaseServer.RestCall;
import dev.tapewatch.support.EcKeys;
import dev.tapewatch.support.Waits;
import dev.tapewatch.tape.Prices;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service with {@code FEED=coinbase-advanced} end to end against {@link FakeAdvancedTrade}: what reaches
 * /signals and /debug/state, the feed status in /health worked out from what the fake sent ({@link AdvancedTradeWire}),
 * and each script's own consequence: a resubscribe after a lost message, a reconnect after a drop, a REST backfill of
 * withheld trades, a book resync on request, the JWT with a key.
 */
@Tag("integration")
class AdvancedTradeFeedTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final List<String> PRODUCTS = AdvancedTradeMarket.PRODUCTS;
  private static final int EVENTS = 400;
  private static final int HISTORY = 60;

  private final Vertx vertx = Vertx.vertx();
  private final WebClient web = WebClient.create(vertx);
  private final AdvancedTradeMarket market = AdvancedTradeMarket.generate(17, EVENTS,
      System.currentTimeMillis() - 60_000);
  private FakeAdvancedTrade fake;
  private TapewatchApp app;
  private int port;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private void start(FakeAdvancedTrade exchange, Map<String, String> extra) throws Exception {
    fake = exchange;
    Waits.join(vertx.deployVerticle(fake));
    Map<String, String> env = new HashMap<>(extra);
    env.put("SYMBOL", String.join(",", PRODUCTS));
    env.put("FEED", "coinbase-advanced");
    env.put("COINBASE_ADVANCED_WS_URL", fake.wsUrl());
    env.put("COINBASE_ADVANCED_REST_URL", fake.restUrl());
    env.put("HTTP_PORT", "0");
    app = Waits.join(TapewatchApp.start(vertx, TapewatchConfig.load(env),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null));
    port = app.port();
  }

  private JsonObject get(String path) throws Exception {
    var r = Waits.join(web.get(port, "127.0.0.1", path).send());
    assertEquals(200, r.statusCode(), path + " answered " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** /health's feed, with {@code messages_less_heartbeats}. */
  private JsonObject feed() throws Exception {
    JsonObject f = get("/health").getJsonObject("feed");
    if (f.containsKey("messages")) {
      f.put("messages_less_heartbeats", f.getLong("messages") - f.getLong("heartbeats"));
    }
    return f;
  }

  private AdvancedTradeWire wire() {
    return new AdvancedTradeWire(PRODUCTS, fake.connections().stream().map(c -> List.copyOf(c.sentTexts)).toList());
  }

  /** Waits until the whole timeline has been sent and /health shows what the wire implies, then checks it holds. */
  private JsonObject settled(Map<String, Long> backfilled, JsonObject more) throws Exception {
    Waits.until("the whole timeline happened", WAIT, fake::finished);
    JsonObject expected = wire().status(backfilled);
    more.forEach(e -> expected.put(e.getKey(), e.getValue()));
    Waits.until("/health showing what the wire implies", WAIT, this::feed,
        f -> CoinbaseFeedVerticleTest.mismatches(expected, f).isEmpty(),
        f -> CoinbaseFeedVerticleTest.mismatches(wire().status(backfilled), f) + " in " + f.encode());
    Waits.holdsFor("/health still showing it", Duration.ofMillis(1300), () -> {
      List<String> off = CoinbaseFeedVerticleTest.mismatches(expected, feed());
      return off.isEmpty();
    });
    return feed();
  }

  private List<WireTrade> allTrades() {
    List<WireTrade> out = new ArrayList<>();
    market.timeline.forEach(e -> {
      if (e instanceof Trades t) {
        out.addAll(t.trades());
      }
    });
    return out;
  }

  private long tradesOf(String product) {
    return allTrades().stream().filter(t -> t.product().equals(product)).count();
  }

  private static void assertSubscribes(Connection c, String... jwtKeyName) {
    List<String> order = new ArrayList<>();
    for (ClientText t : c.received) {
      JsonObject j = t.json();
      if ("subscribe".equals(j.getString("type")) && order.size() < 4) {
        order.add(j.getString("channel"));
        assertEquals(new JsonArray(PRODUCTS), j.getJsonArray("product_ids"), t.text());
        assertEquals(jwtKeyName.length == 0 ? Set.of("type", "product_ids", "channel")
            : Set.of("type", "product_ids", "channel", "jwt"), j.fieldNames(), t.text());
      }
    }
    assertEquals(List.of("market_trades", "ticker", "level2", "heartbeats"), order, "one subscribe per channel");
  }

  @Test
  void subscribesPerChannelAndTheMarketReachesTheService() throws Exception {
    start(new FakeAdvancedTrade(market, HISTORY), Map.of());
    JsonObject f = settled(AdvancedTradeWire.none(), new JsonObject().put("mode", "coinbase-advanced")
        .put("connected", true).put("reconnects", 0).put("resubscribes", 0).put("sequence_gaps", 0));
    assertEquals(1, fake.connections().size());
    Connection c = fake.connections().get(0);
    assertSubscribes(c);
    assertEquals(4, c.received.size(), "nothing but the four subscribes");
    // Every trade of the market, the history's through the snapshots: none lost, none twice.
    assertEquals(allTrades().size(), f.getLong("trades"));
    assertEquals(0, f.getLong("duplicates"));
    assertEquals(2, f.getLong("book_snapshots"));
    assertTrue(f.getLong("book_updates") > 100, f.encode());
    assertTrue(f.getLong("heartbeats") > 0, f.encode());
    // The warm-up asked for 300 candles of each timeframe by name.
    List<RestCall> candles = fake.restCalls("/candles");
    assertEquals(6, candles.size());
    for (String p : PRODUCTS) {
      assertEquals(Set.of("ONE_MINUTE", "FIVE_MINUTE", "FIFTEEN_MINUTE"), candles.stream()
          .filter(r -> r.path().equals("/api/v3/brokerage/market/products/" + p + "/candles"))
          .map(r -> r.params().get("granularity")).collect(Collectors.toSet()));
    }
    for (RestCall r : candles) {
      long width = Map.of("ONE_MINUTE", 60L, "FIVE_MINUTE", 300L, "FIFTEEN_MINUTE", 900L)
          .get(r.params().get("granularity"));
      assertEquals(300 * width, Long.parseLong(r.params().get("end")) - Long.parseLong(r.params().get("start")));
    }
    assertTrue(fake.restCalls("/ticker").isEmpty(), "no backfill without a gap");
    for (String p : PRODUCTS) {
      WireTrade last = allTrades().stream().filter(t -> t.product().equals(p)).reduce((a, b) -> b).orElseThrow();
      JsonObject signals = get("/signals?symbol=" + p);
      assertEquals(Double.parseDouble(Prices.format(last.price())), signals.getDouble("last_price"), p);
      assertEquals(tradesOf(p), signals.getLong("trades_cached"), p);
      AdvancedTradeMarket.Ticker quote = market.timeline.stream().filter(e -> e instanceof AdvancedTradeMarket.Ticker
          && e.product().equals(p)).map(e -> (AdvancedTradeMarket.Ticker) e).reduce((a, b) -> b).orElseThrow();
      assertEquals(Double.parseDouble(Prices.format(quote.bid())), signals.getDouble("best_bid"), p);
      assertEquals(Double.parseDouble(Prices.format(quote.ask())), signals.getDouble("best_ask"), p);
      // The wire's side is the maker's; the service shows the taker's.
      assertEquals(last.side().equals("SELL") ? "buy" : "sell",
          get("/debug/state?symbol=" + p).getJsonArray("last_trade").getString(3), p);
    }
  }

  /**
   * One l2_data message is lost (its number spent, never sent): the client counts the gap and resubscribes level2
   * and market_trades on the same connection; the new snapshots bring the books back, and the trades snapshot's
   * trades, all seen before, count as duplicates.
   */
  @Test
  void aLostMessageResubscribesTheBooksAndRecentTrades() throws Exception {
    start(new FakeAdvancedTrade(market, HISTORY).loseL2At(0, HISTORY + 120), Map.of());
    JsonObject f = settled(AdvancedTradeWire.none(), new JsonObject().put("connected", true)
        .put("resubscribes", 1).put("sequence_gaps", 1).put("lost_messages", 1).put("reconnects", 0));
    Connection c = fake.connections().get(0);
    assertEquals(1, fake.connections().size());
    for (String channel : List.of("level2", "market_trades")) {
      List<ClientText> again = c.requests("unsubscribe", channel);
      assertEquals(1, again.size(), channel);
      assertEquals(new JsonArray(PRODUCTS), again.get(0).json().getJsonArray("product_ids"));
      assertEquals(2, c.requests("subscribe", channel).size(), channel);
    }
    assertEquals(1, c.requests("subscribe", "ticker").size());
    assertEquals(4, f.getLong("book_snapshots"), "each book's snapshot, then a new one");
    assertEquals(allTrades().size(), f.getLong("trades"));
    assertTrue(f.getLong("duplicates") > 0, "the second trades snapshot held trades seen before");
  }

  /**
   * The server drops the connection and the market moves on before the next one is served: the client reconnects,
   * subscribes every channel again, and the snapshots bring the trades it missed (no gap) and the books.
   */
  @Test
  void aDroppedConnectionIsReopenedAndResubscribed() throws Exception {
    start(new FakeAdvancedTrade(market, HISTORY).dropAt(0, HISTORY + 150).loseBefore(1, 20), Map.of());
    JsonObject f = settled(AdvancedTradeWire.none(), new JsonObject().put("connected", true).put("reconnects", 1)
        .put("resubscribes", 0).put("sequence_gaps", 0).put("gaps", 0));
    assertEquals(2, fake.connections().size());
    assertTrue(fake.connections().get(0).closedByServer);
    assertSubscribes(fake.connections().get(1));
    assertEquals(4, f.getLong("book_snapshots"));
    assertEquals(allTrades().size(), f.getLong("trades"), "trades made while away came with the snapshot");
    for (String p : PRODUCTS) {
      assertEquals(tradesOf(p), get("/signals?symbol=" + p).getLong("trades_cached"), p);
    }
  }

  /**
   * A batch sent again with the next one is counted once; trades withheld from the websocket show as a jump in the
   * product's ids and are fetched from the REST trades of the window between the trades around the gap.
   */
  @Test
  void resentTradesCountOnceAndWithheldOnesAreFetchedByTimeWindow() throws Exception {
    List<WireTrade> btc = allTrades().stream().filter(t -> t.product().equals("BTC-USD"))
        .sorted(java.util.Comparator.comparingLong(WireTrade::id)).toList();
    // Withhold two BTC trades in a row, well inside the live part.
    int first = btc.size() - 30;
    Set<Long> withheld = new TreeSet<>(List.of(btc.get(first).id(), btc.get(first + 1).id()));
    FakeAdvancedTrade exchange = new FakeAdvancedTrade(market, HISTORY).withhold("BTC-USD", withheld)
        .resendAt(HISTORY + 40);
    start(exchange, Map.of());
    JsonObject f = settled(Map.of("BTC-USD", 2L), new JsonObject().put("resubscribes", 0));
    assertEquals(allTrades().size() - 2, f.getLong("trades"), "live, all but the withheld");
    assertEquals(2, f.getLong("backfilled"));
    assertEquals(1, f.getJsonObject("symbols").getJsonObject("BTC-USD").getLong("gaps"));
    assertTrue(f.getLong("duplicates") > 0, "the resent batch");
    List<RestCall> calls = fake.restCalls("/ticker");
    assertEquals(1, calls.size(), calls.toString());
    RestCall call = calls.get(0);
    assertEquals("/api/v3/brokerage/market/products/BTC-USD/ticker", call.path());
    WireTrade before = btc.get(first - 1);
    WireTrade after = btc.get(first + 2);
    assertEquals(Map.of("limit", "1000", "start", Long.toString(Math.floorDiv(before.timeMs(), 1000)),
        "end", Long.toString(Math.floorDiv(after.timeMs(), 1000) + 1)), call.params());
    assertEquals(tradesOf("BTC-USD"), get("/signals?symbol=BTC-USD").getLong("trades_cached"));
  }

  /**
   * A symbol's verticle that finds its book wrong asks for it again: that product's level2 is resubscribed, and its
   * new snapshot arrives. (Asked once the market is quiet, so that no update of it is in flight meanwhile.)
   */
  @Test
  void aBookResyncRequestResubscribesThatProductsLevel2() throws Exception {
    start(new FakeAdvancedTrade(market, HISTORY), Map.of());
    settled(AdvancedTradeWire.none(), new JsonObject().put("connected", true));
    vertx.eventBus().publish(Addresses.FEED_BOOK_RESYNC, new JsonObject().put("symbol", "ETH-USD")
        .put("reason", "crossed"));
    Connection c = fake.connections().get(0);
    Waits.until("ETH-USD's book sent again", WAIT, () -> wire().of("ETH-USD").bookSnapshots == 2);
    JsonObject f = settled(AdvancedTradeWire.none(), new JsonObject().put("resubscribes", 0));
    assertEquals(List.of(new JsonArray().add("ETH-USD")), c.requests("unsubscribe", "level2").stream()
        .map(t -> t.json().getJsonArray("product_ids")).toList());
    assertEquals(new JsonArray().add("ETH-USD"), c.requests("subscribe", "level2").get(1).json()
        .getJsonArray("product_ids"));
    JsonObject eth = f.getJsonObject("symbols").getJsonObject("ETH-USD");
    assertEquals(1, eth.getLong("book_resubscribes"));
    assertEquals(2, eth.getLong("book_snapshots"));
    assertEquals(0, f.getJsonObject("symbols").getJsonObject("BTC-USD").getLong("book_resubscribes"));
    // A product not watched, or no symbol at all, asks for nothing.
    vertx.eventBus().publish(Addresses.FEED_BOOK_RESYNC, new JsonObject().put("symbol", "DOGE-USD"));
    vertx.eventBus().publish(Addresses.FEED_BOOK_RESYNC, new JsonObject());
    Waits.holdsFor("no other resubscribe", Duration.ofMillis(500),
        () -> c.requests("unsubscribe", "level2").size() == 1);
  }

  /**
   * {@code RECORD_DIR} records the Advanced Trade messages as they came, in {@code coinbase-advanced-<hour>} files,
   * and the tape replays to what the live feed made of them (a loss included: counted the same, books held the same).
   */
  @Test
  void theRecordedTapeReplaysToWhatTheLiveFeedSaw(@TempDir Path records) throws Exception {
    start(new FakeAdvancedTrade(market, HISTORY).loseL2At(0, HISTORY + 90), Map.of("RECORD_DIR",
        records.toString()));
    JsonObject live = settled(AdvancedTradeWire.none(), new JsonObject().put("resubscribes", 1));
    Waits.until("every message recorded", WAIT, () -> feed().getJsonObject("recording").getLong("written")
        >= fake.connections().get(0).sentTexts.size());
    int sent = fake.connections().get(0).sentTexts.size();
    // Stopped, the feed finishes the file (its gzip trailer written).
    Waits.join(app.shutdown());
    List<Path> files;
    try (var list = Files.list(records)) {
      files = list.sorted().toList();
    }
    assertFalse(files.isEmpty());
    StringBuilder text = new StringBuilder();
    for (Path file : files) {
      assertTrue(file.getFileName().toString().matches("coinbase-advanced-\\d{4}-\\d\\d-\\d\\dT\\d\\d\\.ndjson\\.gz"),
          file.toString());
      try (var in = ReplayFeedVerticle.open(file)) {
        in.lines().forEach(l -> text.append(l).append('\n'));
      }
    }
    List<String> recorded = List.of(text.toString().split("\n"));
    assertTrue(recorded.size() >= sent, recorded.size() + " recorded of " + sent);
    assertEquals(List.copyOf(fake.connections().get(0).sentTexts).subList(0, recorded.size()), recorded);

    Path tape = Files.write(records.resolve("tape.ndjson"), recorded);
    Vertx replaying = Vertx.vertx();
    try {
      JsonObject replayed = MarketTap.replay(replaying, tape, PRODUCTS).status.get();
      for (String field : List.of("trades", "quotes", "gaps", "duplicates", "book_snapshots", "book_updates",
          "sequence_gaps", "lost_messages")) {
        assertEquals(live.getLong(field), replayed.getLong(field), field);
      }
      for (String p : PRODUCTS) {
        assertEquals(live.getJsonObject("symbols").getJsonObject(p).getLong("last_trade_id"),
            replayed.getJsonObject("symbols").getJsonObject(p).getLong("last_trade_id"), p);
      }
    } finally {
      replaying.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** With a CDP key every subscribe and unsubscribe carries a fresh ES256 JWT of that key; /health shows neither. */
  @Test
  void aKeySignsEveryRequestAndIsNeverShown() throws Exception {
    KeyPair pair = EcKeys.generate("secp256r1");
    start(new FakeAdvancedTrade(market, HISTORY).loseL2At(0, HISTORY + 50), Map.of(
        "COINBASE_API_KEY_NAME", CdpJwtTest.NAME, "COINBASE_API_PRIVATE_KEY", EcKeys.opensslSec1Pem(pair)));
    settled(AdvancedTradeWire.none(), new JsonObject().put("resubscribes", 1).put("connected", true));
    Connection c = fake.connections().get(0);
    assertSubscribes(c, CdpJwtTest.NAME);
    assertEquals(8, c.received.size(), "four subscribes, then two unsubscribes and two subscribes");
    Set<String> nonces = new LinkedHashSet<>();
    for (ClientText t : c.received) {
      JsonObject[] jwt = CdpJwtTest.verified(t.json().getString("jwt"), pair.getPublic());
      assertEquals(CdpJwtTest.NAME, jwt[0].getString("kid"));
      assertEquals(CdpJwtTest.NAME, jwt[1].getString("sub"));
      long sentSec = t.atMs() / 1000;
      assertTrue(Math.abs(jwt[1].getLong("nbf") - sentSec) <= 2, "made when sent: " + jwt[1].encode());
      nonces.add(jwt[0].getString("nonce"));
    }
    assertEquals(8, nonces.size(), "a fresh token each time");
    String health = Waits.join(web.get(port, "127.0.0.1", "/health").send()).bodyAsString();
    assertFalse(health.contains("apiKeys") || health.contains("org-1"), health);
    assertNull(get("/health").getJsonObject("feed").getValue("jwt"));
  }
}
