package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.TestService;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.TapewatchApp;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.feed.FakeCoinbaseExchange.Capture;
import dev.tapewatch.feed.FakeCoinbaseExchange.Message;
import dev.tapewatch.feed.FakeCoinbaseServer.ClientText;
import dev.tapewatch.feed.FakeCoinbaseServer.Connection;
import dev.tapewatch.feed.FakeCoinbaseServer.RestCall;
import dev.tapewatch.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real Coinbase client ({@link CoinbaseFeedVerticle}, deployed by {@link TapewatchApp} with {@code FEED=coinbase})
 * against {@link FakeCoinbaseExchange} replaying the recorded 2021-04-17 ws-feed. Every expected number is worked
 * out here from the capture: {@link #wire} lists what the fake sends the client for a given script, and
 * {@link #outcome} applies the tape's documented rules (a trade id not above the product's last is a duplicate, a jump
 * is a gap fetched from REST) to it; each test adds direct checks of what its script must cause.
 */
@Tag("integration")
@ExtendWith(VertxExtension.class)
@Timeout(value = 40, timeUnit = TimeUnit.SECONDS)
class CoinbaseFeedVerticleTest {
  private static final Set<String> CHANNELS = Set.of("matches", "ticker", "heartbeat", "level2_batch");
  /** Longer than one publishing period of the feed and symbol statuses (1 s each). */
  private static final long SETTLE_MS = 1300;
  private static final long WAIT_MS = 15_000;

  private static Capture capture;
  private static List<Message> feed;
  private static Map<String, List<Message>> tradesByProduct;

  @BeforeAll
  static void loadCapture() throws IOException {
    capture = Capture.load();
    feed = capture.feed();
    tradesByProduct = new LinkedHashMap<>();
    capture.products().forEach(p -> tradesByProduct.put(p, new ArrayList<>()));
    for (Message m : feed) {
      if (m.isTrade()) {
        tradesByProduct.get(m.product()).add(m);
      }
    }
    // What the scenarios rely on: every product trades, ids rise, and no id is recorded twice.
    tradesByProduct.forEach((p, trades) -> {
      assertFalse(trades.isEmpty(), p + " has trades in the capture");
      for (int i = 1; i < trades.size(); i++) {
        assertTrue(trades.get(i).tradeId() > trades.get(i - 1).tradeId(), p + " trade ids rise in the capture");
      }
    });
  }

  @Test
  void subscribesOnceAndDeliversTheRecordedFeed(Vertx vertx, VertxTestContext ctx) {
    Checkpoint subscribed = ctx.checkpoint();
    Checkpoint counted = ctx.checkpoint();
    Checkpoint marketState = ctx.checkpoint();
    Rig rig = new Rig(vertx, new FakeCoinbaseExchange(capture));
    rig.pathlessWsUrl = true;
    Play play = Play.clean();
    Outcome expected = outcome(play, 1, 0, 0);
    rig.start(5)
        .compose(v -> rig.until("the first subscribe", () -> subscribeCount(rig, 0) > 0, 5000))
        .map(v -> {
          Connection c = rig.exchange.connections().get(0);
          ClientText sub = c.subscribes().get(0);
          assertTrue(sub.atMs() - rig.deployedAtMs <= 5000,
              "subscribe sent " + (sub.atMs() - rig.deployedAtMs) + " ms after deployment");
          assertSubscribe(sub.json());
          // Warm-up first: candles of 1m, 5m and 15m for each product, all asked before the websocket opened.
          List<RestCall> candles = rig.exchange.restCalls("/candles");
          assertEquals(3 * capture.products().size(), candles.size(), "candle requests");
          for (String p : capture.products()) {
            assertEquals(Set.of("60", "300", "900"), candles.stream()
                .filter(r -> r.path().equals("/products/" + p + "/candles"))
                .map(r -> r.params().get("granularity")).collect(Collectors.toSet()), "granularities of " + p);
          }
          assertTrue(candles.stream().allMatch(r -> r.atMs() <= c.openedMs), "candles asked before connecting");
          subscribed.flag();
          return v;
        })
        .compose(v -> rig.awaitHealth(expected.health, h -> feedLong(h, "heartbeats") > 0))
        .compose(v -> rig.settled(expected.health))
        .map(h -> {
          JsonObject f = h.getJsonObject("feed");
          assertEquals(feed.stream().filter(Message::isTrade).count(), f.getLong("trades"), "every recorded trade");
          assertEquals(feed.stream().filter(Message::isTicker).count(), f.getLong("quotes"), "every ticker");
          assertEquals(1, rig.exchange.connections().size(), "connections");
          assertEquals(1, subscribeCount(rig, 0), "subscribes");
          assertTrue(f.getLong("heartbeats") <= rig.exchange.connections().get(0).heartbeatsSent.get(),
              "heartbeats counted, none invented");
          assertTrue(rig.exchange.restCalls("/trades").isEmpty(), "no backfill without a gap");
          counted.flag();
          return h;
        })
        .compose(h -> rig.checkMarketState(feed))
        .onSuccess(v -> marketState.flag())
        .onFailure(ctx::failNow);
  }

  /**
   * A cluster node's share changing symbol by symbol, as a takeover announces it: the feed keeps one connection,
   * warms each new symbol once from REST, ends subscribed to exactly the share, and leaves no socket open behind.
   */
  @Test
  void aChangingShareKeepsOneConnectionSubscribedToExactlyTheShare(Vertx vertx, VertxTestContext ctx) {
    Rig rig = new Rig(vertx, new FakeCoinbaseExchange(capture));
    List<String> products = capture.products();
    List<String> firstThree = products.subList(0, 3);
    Predicate<List<String>> subscribedTo = share -> {
      List<Connection> open = rig.exchange.connections().stream().filter(Connection::open).toList();
      if (open.size() != 1 || open.get(0).subscribes().isEmpty()) {
        return false;
      }
      List<ClientText> subs = open.get(0).subscribes();
      return subs.get(subs.size() - 1).json().getJsonArray("product_ids").getList().equals(share);
    };
    vertx.deployVerticle(rig.exchange)
        .compose(id -> vertx.deployVerticle(new CoinbaseFeedVerticle(TapewatchConfig.load(Map.of(
            "SYMBOL", String.join(",", products), "FEED", "coinbase", "COINBASE_WS_URL", rig.exchange.wsUrl(),
            "COINBASE_REST_URL", rig.exchange.restUrl())), List.of(), System::currentTimeMillis)))
        .compose(id -> {
          for (int n = 1; n <= firstThree.size(); n++) {
            vertx.eventBus().publish(Addresses.NODE_SYMBOLS,
                new JsonObject().put("symbols", new JsonArray(firstThree.subList(0, n))));
          }
          return rig.until("one connection subscribed to " + firstThree, () -> subscribedTo.test(firstThree), WAIT_MS);
        })
        .compose(v -> rig.until("the others closed", () -> rig.exchange.connections().stream()
            .filter(Connection::open).count() == 1, WAIT_MS))
        .map(v -> {
          List<RestCall> candles = rig.exchange.restCalls("/candles");
          assertEquals(3 * firstThree.size(), candles.size(), "each new symbol warmed once: " + candles);
          assertEquals(Set.copyOf(firstThree), candles.stream().map(r -> r.path().split("/")[2])
              .collect(Collectors.toSet()));
          vertx.eventBus().publish(Addresses.NODE_SYMBOLS,
              new JsonObject().put("symbols", new JsonArray(List.of(products.get(1)))));
          return v;
        })
        .compose(v -> rig.until("one connection subscribed to " + products.get(1),
            () -> subscribedTo.test(List.of(products.get(1))), WAIT_MS))
        .onSuccess(v -> ctx.verify(() -> {
          assertEquals(3 * firstThree.size(), rig.exchange.restCalls("/candles").size(),
              "a symbol kept is not warmed again");
          ctx.completeNow();
        }))
        .onFailure(ctx::failNow);
  }

  @Test
  void droppedConnectionIsReopenedAndResubscribedWithoutCountingLastMatchTwice(Vertx vertx, VertxTestContext ctx) {
    Checkpoint reconnected = ctx.checkpoint();
    Checkpoint counted = ctx.checkpoint();
    int at = feed.size() / 2;
    Rig rig = new Rig(vertx, new FakeCoinbaseExchange(capture).dropAt(0, at));
    Play play = new Play(at, 0, true, Map.of());
    Outcome expected = outcome(play, 2, 1, 0);
    // Coinbase resends each product's latest trade as last_match: one duplicate per product that traded before.
    long tradedBefore = capture.products().stream()
        .filter(p -> feed.subList(0, at).stream().anyMatch(m -> m.isTrade() && m.product().equals(p))).count();
    assertTrue(tradedBefore > 0, "the drop comes after some trades");
    assertEquals(tradedBefore, feedLong(expected.health, "duplicates"));
    rig.start(5)
        .compose(v -> rig.until("a resubscribe on a second connection, the first one closed",
            () -> subscribeCount(rig, 1) > 0 && !rig.exchange.connections().get(0).open(), WAIT_MS))
        .map(v -> {
          Connection first = rig.exchange.connections().get(0);
          Connection second = rig.exchange.connections().get(1);
          assertTrue(first.closedByServer, "the server dropped the first connection");
          assertEquals(1, subscribeCount(rig, 0), "subscribes on the first connection");
          assertSubscribe(second.subscribes().get(0).json());
          reconnected.flag();
          return v;
        })
        .compose(v -> rig.awaitHealth(expected.health, h -> true))
        .compose(v -> rig.settled(expected.health))
        .map(h -> {
          JsonObject f = h.getJsonObject("feed");
          assertEquals(feed.stream().filter(Message::isTrade).count(), f.getLong("trades"), "each trade once");
          assertEquals(0, f.getLong("gaps"), "gaps");
          assertEquals(2, rig.exchange.connections().size(), "connections");
          assertEquals(1, subscribeCount(rig, 1), "subscribes on the second connection");
          assertTrue(rig.exchange.restCalls("/trades").isEmpty(), "no backfill without a gap");
          counted.flag();
          return h;
        })
        .onFailure(ctx::failNow);
  }

  @Test
  void skippedTradesAreCountedAsGapsAndFetchedFromRest(Vertx vertx, VertxTestContext ctx) {
    Checkpoint counted = ctx.checkpoint();
    Checkpoint fetched = ctx.checkpoint();
    // The busiest product loses a run of three trades and, later, one more; the second busiest loses one.
    List<String> busiest = capture.products().stream()
        .sorted(Comparator.comparingInt((String p) -> tradesByProduct.get(p).size()).reversed()).toList();
    Map<String, Set<Long>> skipped = new LinkedHashMap<>();
    skipped.put(busiest.get(0), idsAt(busiest.get(0), 10, 11, 12, 20));
    skipped.put(busiest.get(1), idsAt(busiest.get(1), 5));
    FakeCoinbaseExchange exchange = new FakeCoinbaseExchange(capture);
    skipped.forEach(exchange::withhold);
    Rig rig = new Rig(vertx, exchange);
    Play play = new Play(feed.size(), 0, false, skipped);
    Outcome expected = outcome(play, 1, 0, 0);
    long skippedCount = skipped.values().stream().mapToLong(Set::size).sum();
    assertEquals(3, feedLong(expected.health, "gaps"), "three runs of skipped ids");
    assertEquals(skippedCount, feedLong(expected.health, "missing_trades"));
    assertEquals(skippedCount, feedLong(expected.health, "backfilled"));
    rig.start(5)
        .compose(v -> rig.awaitHealth(expected.health, h -> true))
        .compose(v -> rig.settled(expected.health))
        .map(h -> {
          JsonObject f = h.getJsonObject("feed");
          assertEquals(feed.stream().filter(Message::isTrade).count() - skippedCount, f.getLong("trades"),
              "trades seen live");
          assertEveryTradeCached(h);
          counted.flag();
          return h;
        })
        .map(h -> assertBackfills(rig, expected, fetched, h))
        .onFailure(ctx::failNow);
  }

  @Test
  void tradesMissedWhileDisconnectedAreFetchedAfterResubscribing(Vertx vertx, VertxTestContext ctx) {
    Checkpoint counted = ctx.checkpoint();
    Checkpoint fetched = ctx.checkpoint();
    int at = feed.size() / 3;
    int lost = feed.size() / 3;
    Rig rig = new Rig(vertx, new FakeCoinbaseExchange(capture).dropAt(0, at).loseBefore(1, lost));
    Play play = new Play(at, lost, true, Map.of());
    Outcome expected = outcome(play, 2, 1, 0);
    assertTrue(feedLong(expected.health, "gaps") > 0, "the script leaves gaps");
    assertTrue(feedLong(expected.health, "duplicates") > 0, "the script leaves products without new trades");
    rig.start(5)
        .compose(v -> rig.awaitHealth(expected.health, h -> true))
        .compose(v -> rig.settled(expected.health))
        .map(h -> {
          assertEveryTradeCached(h);
          assertEquals(2, rig.exchange.connections().size(), "connections");
          counted.flag();
          return h;
        })
        .map(h -> assertBackfills(rig, expected, fetched, h))
        .onFailure(ctx::failNow);
  }

  @Test
  void silentServerIsDroppedAfterTheHeartbeatTimeoutAndReplaced(Vertx vertx, VertxTestContext ctx) {
    Checkpoint dropped = ctx.checkpoint();
    Checkpoint counted = ctx.checkpoint();
    Checkpoint keptAlive = ctx.checkpoint();
    int timeoutSec = 2;
    int at = feed.size() / 2;
    Rig rig = new Rig(vertx, new FakeCoinbaseExchange(capture).silentAt(0, at));
    Play play = new Play(at, 0, true, Map.of());
    Outcome expected = outcome(play, 2, 1, 0);
    rig.start(timeoutSec)
        .compose(v -> rig.until("a second connection", () -> subscribeCount(rig, 1) > 0, WAIT_MS))
        .map(v -> {
          Connection silent = rig.exchange.connections().get(0);
          Connection next = rig.exchange.connections().get(1);
          assertTrue(silent.silent && !silent.closedByServer, "the first connection went silent, it was not closed");
          long quietMs = next.openedMs - silent.lastSentMs;
          assertTrue(quietMs >= timeoutSec * 1000L,
              "reconnected " + quietMs + " ms after the last message, before the timeout");
          // The timeout, one watchdog period (500 ms), the first backoff (<= 250 ms) and slack; far below the 10 s
          // a client waiting for the dead peer's close handshake would take.
          assertTrue(quietMs <= timeoutSec * 1000L + 3000,
              "reconnected only " + quietMs + " ms after the last message");
          assertSubscribe(next.subscribes().get(0).json());
          dropped.flag();
          return v;
        })
        .compose(v -> rig.awaitHealth(expected.health, h -> true))
        .compose(v -> rig.settled(expected.health))
        .map(h -> {
          String lastError = h.getJsonObject("feed").getString("last_error");
          assertNotNull(lastError, "last_error");
          assertTrue(lastError.contains("heartbeat timeout"), "last_error: " + lastError);
          counted.flag();
          return h;
        })
        // Heartbeats alone keep the second connection: it outlives the timeout with no further reconnect.
        .compose(h -> rig.until("the second connection to outlive the timeout", () ->
            System.currentTimeMillis() - rig.exchange.connections().get(1).openedMs > timeoutSec * 1000L + 1500,
            WAIT_MS))
        .compose(v -> rig.settled(expected.health))
        .map(h -> {
          assertEquals(2, rig.exchange.connections().size(), "connections");
          assertTrue(rig.exchange.connections().get(1).open(), "the second connection is still open");
          keptAlive.flag();
          return h;
        })
        .onFailure(ctx::failNow);
  }

  @Test
  void malformedLinesAreCountedByReasonAndSkipped(Vertx vertx, VertxTestContext ctx) {
    Checkpoint counted = ctx.checkpoint();
    Message match = feed.stream().filter(m -> "match".equals(m.type())).findFirst().orElseThrow();
    Message ticker = feed.stream().filter(m -> m.isTicker() && new BigDecimal(m.json().getString("best_bid"))
        .compareTo(new BigDecimal(m.json().getString("best_ask"))) < 0).findFirst().orElseThrow();
    List<Message> skl = tradesByProduct.get("SKL-USD");
    Message early = skl.get(1);
    long beyondCapture = skl.get(skl.size() - 1).tradeId() + 500;
    Map<String, MalformedReason> lines = new LinkedHashMap<>();
    // The gate's, first so that they go in early: a held trade is decided (here dropped) by its product's next trade.
    lines.put(with(with(early, "time", "9999-12-31T23:59:59.999999Z"), "trade_id", beyondCapture),
        MalformedReason.FUTURE_TIME);
    lines.put(with(early, "trade_id", beyondCapture + 2_000_000_000L), MalformedReason.TRADE_ID_JUMP);
    lines.put(with(ticker, "time", "9999-12-31T23:59:59.999999Z"), MalformedReason.FUTURE_TIME);
    lines.put(with(with(early, "price", "1e200"), "size", "1e200"), MalformedReason.NON_FINITE);
    lines.put("this is not json", MalformedReason.NOT_JSON);
    lines.put(match.raw().substring(0, match.raw().length() / 2), MalformedReason.NOT_JSON);
    lines.put("[" + match.raw() + "]", MalformedReason.NOT_JSON);
    lines.put(match.raw() + " {}", MalformedReason.NOT_JSON);
    lines.put(without(match, "type"), MalformedReason.MISSING_FIELD);
    lines.put(without(match, "price"), MalformedReason.MISSING_FIELD);
    lines.put(without(ticker, "best_ask"), MalformedReason.MISSING_FIELD);
    lines.put(with(match, "side", "BUY"), MalformedReason.BAD_SIDE);
    lines.put(with(match, "price", "12,5"), MalformedReason.BAD_NUMBER);
    lines.put(with(match, "size", "NaN"), MalformedReason.NON_FINITE);
    lines.put(with(match, "trade_id", 1.5), MalformedReason.BAD_NUMBER);
    lines.put(new JsonObject().put("type", "heartbeat").put("last_trade_id", "none").put("product_id", match.product())
        .put("sequence", 1).put("time", match.json().getString("time")).encode(), MalformedReason.BAD_NUMBER);
    lines.put(with(match, "size", "0"), MalformedReason.NON_POSITIVE);
    lines.put(with(match, "time", match.json().getString("time").replace('T', ' ')), MalformedReason.BAD_TIME);
    lines.put(with(match, "product_id", "BTC-USD"), MalformedReason.UNKNOWN_PRODUCT);
    lines.put(with(with(ticker, "best_bid", ticker.json().getString("best_ask")), "best_ask",
        ticker.json().getString("best_bid")), MalformedReason.CROSSED_QUOTE);
    FakeCoinbaseExchange exchange = new FakeCoinbaseExchange(capture);
    int i = 0;
    for (String line : lines.keySet()) {
      exchange.insertBefore(++i * feed.size() / (lines.size() + 1), line);
    }
    Map<String, Long> byReason = new HashMap<>();
    lines.values().forEach(r -> byReason.merge(r.key(), 1L, Long::sum));
    assertEquals(MalformedReason.values().length, byReason.size(), "every reason is exercised");
    Outcome expected = outcome(Play.clean(), 1, 0, lines.size());
    expected.health.getJsonObject("feed")
        .put("malformed", new JsonObject(new HashMap<>(byReason)))
        .put("malformed_total", (long) lines.size());
    Rig rig = new Rig(vertx, exchange);
    rig.start(5)
        .compose(v -> rig.awaitHealth(expected.health, h -> true))
        .compose(v -> rig.settled(expected.health))
        .map(h -> {
          assertEquals(1, rig.exchange.connections().size(), "malformed lines do not cost the connection");
          counted.flag();
          return h;
        })
        .onFailure(ctx::failNow);
  }

  @Test
  void unconfirmedSubscriptionIsDroppedAfterTheDeadline(Vertx vertx, VertxTestContext ctx) {
    Checkpoint dropped = ctx.checkpoint();
    Checkpoint counted = ctx.checkpoint();
    Rig rig = new Rig(vertx, new FakeCoinbaseExchange(capture).neverConfirm(0));
    // Nothing is sent on the unconfirmed connection, so the second one plays the capture from its start.
    Play play = new Play(0, 0, true, Map.of());
    Outcome expected = outcome(play, 1, 1, 0);
    rig.start(10)
        .compose(v -> rig.until("a second connection", () -> subscribeCount(rig, 1) > 0, WAIT_MS))
        .map(v -> {
          Connection unconfirmed = rig.exchange.connections().get(0);
          Connection next = rig.exchange.connections().get(1);
          assertEquals(0, unconfirmed.sent.get(), "nothing sent on the unconfirmed connection");
          long waitedMs = next.openedMs - unconfirmed.openedMs;
          assertTrue(waitedMs >= CoinbaseFeedVerticle.SUBSCRIBE_DEADLINE_MS, "gave up after only " + waitedMs + " ms");
          assertTrue(waitedMs <= CoinbaseFeedVerticle.SUBSCRIBE_DEADLINE_MS + 3000, "gave up after " + waitedMs + " ms");
          dropped.flag();
          return v;
        })
        .compose(v -> rig.awaitHealth(expected.health, h -> true))
        .compose(v -> rig.settled(expected.health))
        .map(h -> {
          String lastError = h.getJsonObject("feed").getString("last_error");
          assertTrue(lastError != null && lastError.contains("subscriptions"), "last_error: " + lastError);
          counted.flag();
          return h;
        })
        .onFailure(ctx::failNow);
  }

  // ---- what the client is sent, and what it must make of it ----

  /**
   * How the fake plays the timeline: the first connection is served {@code [0, at)}; when {@code reconnect}, another
   * {@code lost} messages happen unseen and the next connection is sent Coinbase's snapshot (each product's latest
   * ticker and latest trade as last_match, once anything has happened) and then the rest. Skipped trades are never
   * sent.
   */
  private record Play(int at, int lost, boolean reconnect, Map<String, Set<Long>> skipped) {
    static Play clean() {
      return new Play(feed.size(), 0, false, Map.of());
    }

    boolean sent(Message m) {
      return !(m.isTrade() && skipped.getOrDefault(m.product(), Set.of()).contains(m.tradeId()));
    }
  }

  /** The ticker and trade messages the client receives, in order. */
  private static List<Message> wire(Play play) {
    List<Message> out = new ArrayList<>(feed.subList(0, play.at()).stream().filter(play::sent).toList());
    if (play.reconnect()) {
      int resume = Math.min(feed.size(), play.at() + play.lost());
      List<Message> happened = feed.subList(0, resume);
      for (String p : capture.products()) {
        happened.stream().filter(m -> m.isTicker() && m.product().equals(p)).reduce((a, b) -> b).ifPresent(out::add);
        happened.stream().filter(m -> m.isTrade() && m.product().equals(p)).reduce((a, b) -> b).ifPresent(out::add);
      }
      feed.subList(resume, feed.size()).stream().filter(play::sent).forEach(out::add);
    }
    return out;
  }

  /** The /health subset a run must show, and the backfill requests ({@code product after=X limit=N}) it must make. */
  private record Outcome(JsonObject health, Set<String> backfills) {
  }

  /**
   * Applies the tape's rules to {@link #wire}: per product, a trade id not above the last is a duplicate; one more
   * than 1 above it leaves a gap whose trades REST must deliver; every ticker is a quote; no trade is left held (the
   * capture's trades are never minutes apart). {@code extraLines} more lines are sent: they count as messages, nothing
   * else.
   */
  private static Outcome outcome(Play play, int confirmedConnections, int reconnects, int extraLines) {
    List<Message> wire = wire(play);
    Map<String, TapeCounts> bySymbol = new LinkedHashMap<>();
    capture.products().forEach(p -> bySymbol.put(p, new TapeCounts()));
    Set<String> backfills = new TreeSet<>();
    for (Message m : wire) {
      TapeCounts s = bySymbol.get(m.product());
      if (m.isTicker()) {
        s.quotes++;
        continue;
      }
      long id = m.tradeId();
      long after = s.take(id);
      if (after > 0 && id > after + 1) {
        s.backfilled += tradesByProduct.get(m.product()).stream()
            .filter(t -> t.tradeId() > after && t.tradeId() < id).count();
        backfills.add(m.product() + " after=" + id + " limit=" + (id - after - 1));
      }
    }
    TapeCounts total = new TapeCounts();
    JsonObject symbols = new JsonObject();
    JsonObject cached = new JsonObject();
    bySymbol.forEach((p, s) -> {
      total.add(s);
      symbols.put(p, s.json().put("last_trade_id", s.lastTradeId).put("held", 0L));
      cached.put(p, s.trades + s.backfilled);
    });
    JsonObject feedStatus = total.json()
        .put("mode", "coinbase")
        .put("connected", true)
        .put("reconnects", (long) reconnects)
        .put("malformed_total", 0L)
        .put("messages_less_heartbeats", (long) (confirmedConnections + wire.size() + extraLines))
        .put("symbols", symbols);
    return new Outcome(new JsonObject().put("feed", feedStatus).put("trades_cached", cached), backfills);
  }

  // ---- the service and the fake, wired together ----

  private static final class Rig {
    final Vertx vertx;
    final FakeCoinbaseExchange exchange;
    final WebClient web;
    boolean pathlessWsUrl;
    long deployedAtMs;
    int httpPort;

    Rig(Vertx vertx, FakeCoinbaseExchange exchange) {
      this.vertx = vertx;
      this.exchange = exchange;
      this.web = WebClient.create(vertx);
    }

    Future<Void> start(int heartbeatTimeoutSec) {
      return vertx.deployVerticle(exchange).compose(id -> {
        Map<String, String> env = new HashMap<>();
        env.put("SYMBOL", String.join(",", capture.products()));
        env.put("FEED", "coinbase");
        // The default URL has no path (wss://ws-feed.exchange.coinbase.com); one test connects like that.
        String ws = exchange.wsUrl();
        env.put("COINBASE_WS_URL", pathlessWsUrl ? ws.substring(0, ws.length() - 1) : ws);
        env.put("COINBASE_REST_URL", exchange.restUrl());
        env.put("COINBASE_HEARTBEAT_TIMEOUT_SEC", Integer.toString(heartbeatTimeoutSec));
        env.put("HTTP_PORT", "0");
        deployedAtMs = System.currentTimeMillis();
        return TapewatchApp.deploy(vertx, TapewatchConfig.load(TestService.withTestStore(env)));
      }).map(port -> {
        httpPort = port;
        return null;
      });
    }

    Future<JsonObject> get(String pathAndQuery) {
      return web.get(httpPort, "127.0.0.1", pathAndQuery).send().map(r -> {
        assertEquals(200, r.statusCode(), pathAndQuery + " answered " + r.bodyAsString());
        return r.bodyAsJsonObject();
      });
    }

    /** /health, its feed status given {@code messages_less_heartbeats}. */
    Future<JsonObject> health() {
      return get("/health").map(h -> {
        JsonObject f = h.getJsonObject("feed");
        if (f.containsKey("messages")) {
          f.put("messages_less_heartbeats", f.getLong("messages") - f.getLong("heartbeats"));
        }
        return h;
      });
    }

    /** Polls /health until it shows {@code expected} (and {@code more} holds). */
    Future<JsonObject> awaitHealth(JsonObject expected, Predicate<JsonObject> more) {
      return await("/health showing the expected counters", this::health,
          h -> mismatches(expected, h).isEmpty() && more.test(h),
          h -> "mismatches " + mismatches(expected, h) + " in feed " + h.getJsonObject("feed").encode(), WAIT_MS);
    }

    /**
     * /health keeps showing {@code expected} for longer than a status period, within which a late or double count
     * would show (a bounded window: nothing later would prove its absence); answers the last /health read.
     */
    Future<JsonObject> settled(JsonObject expected) {
      AtomicReference<JsonObject> last = new AtomicReference<>();
      return Waits.holdsFor(vertx, "/health still showing the expected counters", Duration.ofMillis(SETTLE_MS),
          () -> {
            last.set(Waits.join(health()));
            return mismatches(expected, last.get()).isEmpty();
          })
          .recover(e -> Future.failedFuture(last.get() == null ? e : new AssertionError("settled /health: mismatches "
              + mismatches(expected, last.get()) + " in " + last.get().encode(), e)))
          .map(v -> last.get());
    }

    Future<Void> until(String what, BooleanSupplier condition, long timeoutMs) {
      return Waits.eventually(vertx, what, Duration.ofMillis(timeoutMs), condition::getAsBoolean);
    }

    /** Probes until {@code done}; fails after {@code timeoutMs}, describing the last probe. */
    <T> Future<T> await(String what, Supplier<Future<T>> probe, Predicate<T> done, Function<T, String> describe,
        long timeoutMs) {
      // A failed probe (such as a non-200 answer) is tried again.
      return Waits.eventually(vertx, what, Duration.ofMillis(timeoutMs), ExecutionException.class,
          () -> Waits.join(probe.get()), done, describe);
    }

    /**
     * /debug/state and /signals of every product after {@code wire}: the last trade by trade time (later arrival
     * wins a tie), with the taker side, opposite of the match's maker side and equal to its ticker's side; the best
     * bid and ask of the newest ticker.
     */
    Future<Void> checkMarketState(List<Message> wire) {
      List<Future<?>> checks = new ArrayList<>();
      for (String p : capture.products()) {
        Message lastTrade = null;
        Message lastTicker = null;
        for (Message m : wire) {
          if (!m.product().equals(p)) {
            continue;
          }
          if (m.isTrade() && (lastTrade == null || millis(m) >= millis(lastTrade))) {
            lastTrade = m;
          } else if (m.isTicker() && (lastTicker == null || millis(m) >= millis(lastTicker))) {
            lastTicker = m;
          }
        }
        Message trade = lastTrade;
        Message quote = lastTicker;
        String taker = "buy".equals(trade.json().getString("side")) ? "sell" : "buy";
        wire.stream().filter(m -> m.isTicker() && m.product().equals(p) && m.tradeId() == trade.tradeId())
            .forEach(t -> assertEquals(taker, t.json().getString("side"), "ticker side of trade " + t.tradeId()));
        checks.add(get("/debug/state?symbol=" + p).map(s -> {
          JsonArray lt = s.getJsonArray("last_trade");
          assertEquals(millis(trade) / 1000.0, lt.getDouble(0), 1e-9, p + " last trade time");
          assertEquals(Double.parseDouble(trade.json().getString("price")), lt.getDouble(1), 0.0, p + " price");
          assertEquals(Double.parseDouble(trade.json().getString("size")), lt.getDouble(2), 0.0, p + " size");
          assertEquals(taker, lt.getString(3), p + " taker side");
          return s;
        }));
        checks.add(get("/signals?symbol=" + p).map(s -> {
          assertEquals(Double.parseDouble(quote.json().getString("best_bid")), s.getDouble("best_bid"), 0.0,
              p + " best bid");
          assertEquals(Double.parseDouble(quote.json().getString("best_ask")), s.getDouble("best_ask"), 0.0,
              p + " best ask");
          assertEquals(Double.parseDouble(trade.json().getString("price")), s.getDouble("last_price"), 0.0,
              p + " last price");
          return s;
        }));
      }
      return Future.all(checks).mapEmpty();
    }
  }

  // ---- helpers ----

  private static void assertSubscribe(JsonObject sub) {
    assertNotNull(sub, "subscribe is JSON");
    assertEquals("subscribe", sub.getString("type"), "type");
    assertEquals(new JsonArray(capture.products()), sub.getJsonArray("product_ids"), "product_ids");
    JsonArray channels = sub.getJsonArray("channels");
    assertEquals(CHANNELS.size(), channels.size(), "channels " + channels);
    assertEquals(CHANNELS, new HashSet<>(channels.getList()), "channels");
  }

  private static int subscribeCount(Rig rig, int connection) {
    List<Connection> cs = rig.exchange.connections();
    return cs.size() > connection ? cs.get(connection).subscribes().size() : 0;
  }

  /** {@code product after=X limit=N} of every trades request the client made. */
  private static Set<String> backfillRequests(Rig rig) {
    Set<String> out = new TreeSet<>();
    for (RestCall r : rig.exchange.restCalls("/trades")) {
      String product = r.path().split("/")[2];
      assertEquals(Set.of("after", "limit"), r.params().keySet(), "parameters of " + r.path());
      out.add(product + " after=" + r.params().get("after") + " limit=" + r.params().get("limit"));
    }
    return out;
  }

  private static Set<Long> idsAt(String product, int... positions) {
    List<Message> trades = tradesByProduct.get(product);
    assertTrue(positions[positions.length - 1] < trades.size() - 1, product + " trades after the last skipped one");
    Set<Long> ids = new TreeSet<>();
    for (int i : positions) {
      ids.add(trades.get(i).tradeId());
    }
    return ids;
  }

  private static long millis(Message m) {
    return Instant.parse(m.json().getString("time")).toEpochMilli();
  }

  private static long feedLong(JsonObject health, String field) {
    Number n = (Number) health.getJsonObject("feed").getValue(field);
    return n == null ? -1 : n.longValue();
  }

  private static String without(Message m, String field) {
    JsonObject j = m.json().copy();
    j.remove(field);
    return j.encode();
  }

  private static String with(Message m, String field, Object value) {
    return m.json().copy().put(field, value).encode();
  }

  private static String with(String json, String field, Object value) {
    return new JsonObject(json).put(field, value).encode();
  }

  /** Every field of {@code expected} (recursively) that {@code actual} does not equal, numbers compared by value. */
  static List<String> mismatches(JsonObject expected, JsonObject actual) {
    List<String> out = new ArrayList<>();
    mismatches("", expected, actual, out);
    return out;
  }

  private static void mismatches(String path, JsonObject expected, JsonObject actual, List<String> out) {
    for (String key : expected.fieldNames()) {
      Object e = expected.getValue(key);
      Object a = actual == null ? null : actual.getValue(key);
      String at = path + key;
      if (e instanceof JsonObject eo) {
        mismatches(at + ".", eo, a instanceof JsonObject ao ? ao : null, out);
      } else if (e instanceof Number en && a instanceof Number an) {
        if (new BigDecimal(en.toString()).compareTo(new BigDecimal(an.toString())) != 0) {
          out.add(at + ": expected " + e + " but was " + a);
        }
      } else if (!Objects.equals(e, a)) {
        out.add(at + ": expected " + e + " but was " + a);
      }
    }
  }

  private void assertEveryTradeCached(JsonObject health) {
    tradesByProduct.forEach((p, trades) -> assertEquals(trades.size(),
        health.getJsonObject("trades_cached").getInteger(p), "every trade of " + p + " reached its verticle"));
  }

  private JsonObject assertBackfills(Rig rig, Outcome expected, Checkpoint fetched, JsonObject health) {
    assertEquals(expected.backfills, backfillRequests(rig), "backfill requests (product, after, limit)");
    fetched.flag();
    return health;
  }
}
