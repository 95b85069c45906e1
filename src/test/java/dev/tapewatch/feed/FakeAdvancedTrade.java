package dev.tapewatch.feed;

import dev.tapewatch.feed.AdvancedTradeMarket.BookChange;
import dev.tapewatch.feed.AdvancedTradeMarket.Event;
import dev.tapewatch.feed.AdvancedTradeMarket.State;
import dev.tapewatch.feed.AdvancedTradeMarket.Trades;
import dev.tapewatch.feed.AdvancedTradeMarket.WireTrade;
import dev.tapewatch.tape.Prices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Coinbase Advanced Trade on one loopback port, as far as tapewatch uses it, speaking the protocol as the shared
 * capture shows it: the websocket on {@code /}, and the public market endpoints
 * {@code GET /api/v3/brokerage/market/products/{id}/ticker} and {@code .../candles}.
 *
 * <p>The market is an {@link AdvancedTradeMarket} timeline; a cursor says how much of it has happened (the first
 * {@code history} events before anyone connects). A subscribe names one channel ({@code market_trades},
 * {@code ticker}, {@code level2}, {@code heartbeats}); the server answers {@code subscriptions} (every channel and its
 * products) and, per product, what Coinbase sends on subscribing: the latest {@value #SNAPSHOT_TRADES} trades (newest
 * first), the ticker, the whole book as an {@code l2_data} snapshot. An unsubscribe is answered with
 * {@code subscriptions}. The subscribed connection moves the cursor, sending each event to those subscribed to its
 * channel and product; every message carries the connection's next {@code sequence_num}. Heartbeats every
 * {@value #HEARTBEAT_EVERY_MS} ms.
 *
 * <p>Scriptable before deployment: drop a connection, lose an {@code l2_data} message (its sequence number is spent,
 * the message never sent), resend a batch's trades with the next batch, withhold trades (REST still knows them), let
 * the market move on unseen before a connection is served. Everything the client sent, every REST call and every
 * message sent is recorded, readable from any thread.
 */
final class FakeAdvancedTrade extends FakeCoinbaseServer<FakeAdvancedTrade> {
  static final int SNAPSHOT_TRADES = 50;
  static final Set<String> CHANNELS = Set.of("market_trades", "ticker", "level2", "heartbeats");
  private static final Set<String> GRANULARITIES = Set.of("ONE_MINUTE", "FIVE_MINUTE", "FIFTEEN_MINUTE",
      "THIRTY_MINUTE", "ONE_HOUR", "TWO_HOUR", "SIX_HOUR", "ONE_DAY");
  private static final String PRODUCTS_PATH = "/api/v3/brokerage/market/products/";
  private static final int BATCH = 4;
  private static final long PACE_MS = 4;
  static final long HEARTBEAT_EVERY_MS = 250;

  final AdvancedTradeMarket market;
  private final State world;
  private final Map<Integer, Integer> loseL2At = new HashMap<>();
  private final Set<Integer> resendAt = new HashSet<>();
  /** Written on the fake's event loop only; volatile for the tests that ask whether the timeline is over. */
  private volatile int cursor;

  /** The market with its first {@code history} events already happened. */
  FakeAdvancedTrade(AdvancedTradeMarket market, int history) {
    this.market = market;
    this.world = market.start();
    for (; cursor < history; cursor++) {
      world.apply(market.timeline.get(cursor));
    }
  }

  /** On {@code connection}, the first l2_data message due at or after {@code at} is lost: numbered, never sent. */
  FakeAdvancedTrade loseL2At(int connection, int at) {
    loseL2At.put(connection, at);
    return this;
  }

  /** The trades event at or after {@code at} is sent with the trades of the product's batch before it again. */
  FakeAdvancedTrade resendAt(int at) {
    resendAt.add(at);
    return this;
  }

  @Override
  void routes(Router router) {
    router.get(PRODUCTS_PATH + ":product/ticker").handler(this::trades);
    router.get(PRODUCTS_PATH + ":product/candles").handler(this::candles);
  }

  @Override
  JsonObject errorBody(String message) {
    return new JsonObject().put("error", message).put("message", message);
  }

  /** Whether the whole timeline has happened. */
  boolean finished() {
    return cursor == market.timeline.size();
  }

  /** {@code {type: subscribe|unsubscribe, product_ids, channel, jwt?}}: one channel a message. */
  @Override
  void received(Connection c, ClientText received) {
    JsonObject m = received.json();
    String type = m == null ? null : m.getString("type");
    String channel = m == null ? null : m.getString("channel");
    if (!"subscribe".equals(type) && !"unsubscribe".equals(type)) {
      sendError(c, "type must be subscribe or unsubscribe");
      return;
    }
    if (channel == null || !CHANNELS.contains(channel)) {
      sendError(c, "unknown channel " + channel);
      return;
    }
    List<String> products = new ArrayList<>();
    for (Object id : m.getJsonArray("product_ids", new JsonArray())) {
      if (!AdvancedTradeMarket.PRODUCTS.contains(String.valueOf(id))) {
        sendError(c, id + " is not a valid product");
        return;
      }
      products.add((String) id);
    }
    Set<String> now = c.subscribed.computeIfAbsent(channel, k -> new LinkedHashSet<>());
    if (type.equals("unsubscribe")) {
      products.forEach(now::remove);
      send(c, AdvancedTradeMarket.subscriptions(c.subscribed, marketMs(), c.sequence++));
      return;
    }
    List<String> added = products.stream().filter(p -> !now.contains(p)).toList();
    now.addAll(added);
    if (c.pumpTimer < 0) {
      serve(c);
    }
    send(c, AdvancedTradeMarket.subscriptions(c.subscribed, marketMs(), c.sequence++));
    for (String p : added) {
      switch (channel) {
        case "market_trades" -> send(c, AdvancedTradeMarket.tradesSnapshot(world, p, SNAPSHOT_TRADES, marketMs(),
            c.sequence++));
        case "ticker" -> send(c, AdvancedTradeMarket.tickerSnapshot(world, p, marketMs(), c.sequence++));
        case "level2" -> send(c, AdvancedTradeMarket.l2Snapshot(world, p, marketMs(), c.sequence++));
        default -> {
        }
      }
    }
    if (channel.equals("heartbeats") && c.heartbeatTimer < 0) {
      c.heartbeatTimer = vertx.setPeriodic(HEARTBEAT_EVERY_MS, id -> {
        if (c.open()) {
          send(c, AdvancedTradeMarket.heartbeat(System.currentTimeMillis(), c.sequence++,
              c.heartbeatsSent.incrementAndGet()));
        }
      });
    }
  }

  /** The market's own clock: the time of the last event that happened. */
  private long marketMs() {
    return cursor == 0 ? market.startMs : market.timeline.get(cursor - 1).timeMs();
  }

  private void serve(Connection c) {
    int lost = lostBefore(c.index);
    for (int i = 0; i < lost && cursor < market.timeline.size(); i++) {
      world.apply(market.timeline.get(cursor++));
    }
    c.pumpTimer = vertx.setPeriodic(PACE_MS, id -> pump(c));
  }

  private void pump(Connection c) {
    for (int i = 0; i < BATCH && c.open(); i++) {
      if (cursor >= dropsAt(c.index)) {
        c.closedByServer = true;
        stopTimers(c);
        c.ws.close((short) 1001, "going away");
        return;
      }
      if (cursor == market.timeline.size()) {
        vertx.cancelTimer(c.pumpTimer);
        return;
      }
      int at = cursor++;
      Event e = market.timeline.get(at);
      world.apply(e);
      String channel = e instanceof Trades ? "market_trades" : e instanceof BookChange ? "level2" : "ticker";
      if (!c.wants(channel, e.product())) {
        continue;
      }
      if (e instanceof BookChange && at >= loseL2At.getOrDefault(c.index, Integer.MAX_VALUE)) {
        loseL2At.remove(c.index);
        c.sequence++;
        continue;
      }
      String text = text(e, at, c);
      if (text != null) {
        send(c, text);
      }
    }
  }

  /** The message of event {@code at} as sent on {@code c}, or null when all its trades are withheld. */
  private String text(Event e, int at, Connection c) {
    if (!(e instanceof Trades t)) {
      return AdvancedTradeMarket.message(e, c.sequence++);
    }
    List<WireTrade> trades = new ArrayList<>(t.trades().stream()
        .filter(w -> !withheld(w.product(), w.id())).toList());
    if (resendAt.stream().anyMatch(r -> r <= at)) {
      resendAt.removeIf(r -> r <= at);
      trades.addAll(market.previousBatch(at));
    }
    if (trades.isEmpty()) {
      return null;
    }
    JsonArray json = new JsonArray();
    trades.forEach(w -> json.add(w.json()));
    return AdvancedTradeMarket.trades("update", t.timeMs(), c.sequence++, json);
  }

  private void sendError(Connection c, String message) {
    send(c, new JsonObject().put("type", "error").put("message", message).encode());
  }

  /** {@code ?limit=N&start=S&end=E}: the trades with start ≤ time in seconds ≤ end, newest first, at most N. */
  private void trades(RoutingContext ctx) {
    String product = ctx.pathParam("product");
    if (!AdvancedTradeMarket.PRODUCTS.contains(product)) {
      error(ctx, 404, "NOT_FOUND");
      return;
    }
    Long limit;
    Long start;
    Long end;
    try {
      limit = longParam(ctx, "limit");
      start = longParam(ctx, "start");
      end = longParam(ctx, "end");
    } catch (NumberFormatException e) {
      limit = null;
      start = null;
      end = null;
    }
    if (limit == null || start == null || end == null || limit < 1 || limit > 1000) {
      error(ctx, 400, "INVALID_ARGUMENT");
      return;
    }
    JsonArray out = new JsonArray();
    List<WireTrade> all = world.trades.get(product);
    for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
      long sec = Math.floorDiv(all.get(i).timeMs(), 1000);
      if (sec >= start && sec <= end) {
        out.add(all.get(i).json().put("exchange", "COINBASE"));
      }
    }
    ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("trades", out)
        .put("best_bid", Prices.format(world.bids.get(product).firstKey()))
        .put("best_ask", Prices.format(world.offers.get(product).firstKey())).encode());
  }

  /** Candles need start, end and a granularity name; there are none (the warm-up is the Exchange tests' concern). */
  private void candles(RoutingContext ctx) {
    if (!AdvancedTradeMarket.PRODUCTS.contains(ctx.pathParam("product"))) {
      error(ctx, 404, "NOT_FOUND");
      return;
    }
    boolean window;
    try {
      window = longParam(ctx, "start") != null && longParam(ctx, "end") != null;
    } catch (NumberFormatException e) {
      window = false;
    }
    if (!window || !GRANULARITIES.contains(ctx.queryParams().get("granularity"))) {
      error(ctx, 400, "INVALID_ARGUMENT");
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json").end("{\"candles\":[]}");
  }

}
