package dev.tapewatch.feed;

import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.zip.GZIPInputStream;

/**
 * Coinbase Exchange on one loopback port, as far as tapewatch uses it: the ws-feed on {@code /} and the REST
 * endpoints {@code GET /products/{id}/trades} and {@code GET /products/{id}/candles}.
 *
 * <p>The market is the recorded 2021-04-17 ws-feed capture. Its ticker, match and last_match messages (and, with
 * {@link #withBook()}, its level-2 snapshot and l2update messages; a subscription to {@code level2_batch} is then
 * answered with a snapshot of the book the exchange has built from them, as Coinbase does) form one
 * timeline; a cursor says how much of it has happened. The connection that is subscribed moves the cursor, sending each
 * message (verbatim) whose product and channel it subscribed to. A connection opened later starts where the cursor is,
 * and is first sent what Coinbase sends on subscribe: the latest ticker and the latest trade (as {@code last_match})
 * of each product. Heartbeats are sent for every product on the heartbeat channel every
 * {@value #HEARTBEAT_EVERY_MS} ms. REST serves the trades that have happened, skipped ones included, with Coinbase's
 * paging: {@code after=X} gives trades with ids below X, newest first.
 *
 * <p>Scriptable before deployment: drop a connection, go silent, never confirm a subscription, let the market move on
 * while the client is away, withhold chosen trades from the feed, insert raw lines. Everything the client sent, every
 * REST call and every connection's life is recorded for the test, readable from any thread.
 */
final class FakeCoinbaseExchange extends FakeCoinbaseServer<FakeCoinbaseExchange> {
  static final Path CAPTURE = Path.of("../shared/data/coinbase_exchange_wsfeed_capture_2021-04-17.log.gz");
  static final int MAX_TRADES_PER_PAGE = 1000;
  private static final Set<String> CHANNELS = Set.of("matches", "ticker", "heartbeat", "level2_batch");
  private static final Set<Long> GRANULARITIES = Set.of(60L, 300L, 900L, 3600L, 21600L, 86400L);
  private static final int BATCH = 16;
  private static final long PACE_MS = 5;
  private static final long HEARTBEAT_EVERY_MS = 500;

  /** One message the recorded server sent: its exact text and what the fake routes it by. */
  record Message(String raw, JsonObject json) {
    String type() {
      return json.getString("type");
    }

    String product() {
      return json.getString("product_id");
    }

    boolean isTrade() {
      return "match".equals(type()) || "last_match".equals(type());
    }

    boolean isTicker() {
      return "ticker".equals(type());
    }

    boolean isBook() {
      return "snapshot".equals(type()) || "l2update".equals(type());
    }

    /** The trade id of a trade or ticker. */
    long tradeId() {
      return json.getLong("trade_id");
    }

    String channel() {
      return isTicker() ? "ticker" : isBook() ? "level2_batch" : "matches";
    }
  }

  /**
   * The capture: the products the recording client subscribed to (in its order), the server's ticker, match and
   * last_match messages in the order received ({@code feed}), and the same with its snapshot and l2update messages
   * ({@code withBook}). Lines are {@code <addr> <-> <ts>} (connect), {@code <addr> <- <ts>:
   * <json>} (sent) or {@code <ts>: <json>} (received).
   */
  record Capture(List<String> products, List<Message> feed, List<Message> withBook) {
    static Capture load() throws IOException {
      Set<String> products = new LinkedHashSet<>();
      List<Message> feed = new ArrayList<>();
      List<Message> withBook = new ArrayList<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(
          new GZIPInputStream(Files.newInputStream(CAPTURE)), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          int colon = line.indexOf(": {");
          if (colon < 0) {
            continue;
          }
          JsonObject json = new JsonObject(line.substring(colon + 2));
          if (line.contains(" <- ")) {
            if ("subscribe".equals(json.getString("type"))) {
              json.getJsonArray("product_ids").forEach(p -> products.add((String) p));
            }
            continue;
          }
          Message m = new Message(line.substring(colon + 2), json);
          if (m.isTrade() || m.isTicker()) {
            feed.add(m);
          }
          if (m.isTrade() || m.isTicker() || m.isBook()) {
            withBook.add(m);
          }
        }
      }
      return new Capture(List.copyOf(products), List.copyOf(feed), List.copyOf(withBook));
    }
  }

  private final Capture capture;
  private List<Message> timeline;
  /** Each product's book as the exchange knows it: price → size text; bids best (highest) first. */
  private final Map<String, NavigableMap<BigDecimal, String>> bids = new ConcurrentHashMap<>();
  private final Map<String, NavigableMap<BigDecimal, String>> asks = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> silentAt = new HashMap<>();
  private final Set<Integer> unconfirmed = new HashSet<>();
  private final Map<Integer, List<String>> inserted = new HashMap<>();

  private final Map<String, NavigableMap<Long, Message>> trades = new HashMap<>();
  private final Map<String, Message> lastTicker = new HashMap<>();
  private final Map<String, Long> lastSequence = new HashMap<>();
  private int cursor;

  FakeCoinbaseExchange(Capture capture) {
    this.capture = capture;
    this.timeline = capture.feed();
    capture.products().forEach(p -> trades.put(p, new TreeMap<>()));
  }

  /** The timeline holds the capture's level-2 messages too ({@link Capture#withBook}); indexes count them. */
  FakeCoinbaseExchange withBook() {
    timeline = capture.withBook();
    return this;
  }

  List<Message> timeline() {
    return timeline;
  }

  /** Whether the whole timeline has happened. */
  boolean finished() {
    return cursor == timeline.size();
  }

  /** The product's book as the exchange knows it now, best first: {@code [price, size]} texts. Any thread. */
  List<String[]> book(String product, boolean bidSide) {
    NavigableMap<BigDecimal, String> side = (bidSide ? bids : asks).get(product);
    List<String[]> out = new ArrayList<>();
    if (side != null) {
      side.forEach((price, size) -> out.add(new String[] {price.toPlainString(), size}));
    }
    return out;
  }

  /**
   * Connection {@code connection} stops sending, heartbeats included, once the cursor reaches {@code at}, and stops
   * reading too, so that even the client's close frame goes unanswered: a dead peer, not a polite one.
   */
  FakeCoinbaseExchange silentAt(int connection, int at) {
    silentAt.put(connection, at);
    return this;
  }

  /** Connection {@code connection} is never sent a {@code subscriptions} message, nor anything else. */
  FakeCoinbaseExchange neverConfirm(int connection) {
    unconfirmed.add(connection);
    return this;
  }

  /** {@code line} is sent as it is, just before timeline message {@code index}. */
  FakeCoinbaseExchange insertBefore(int index, String line) {
    inserted.computeIfAbsent(index, i -> new ArrayList<>()).add(line);
    return this;
  }

  @Override
  void routes(Router router) {
    router.get("/products/:product/trades").handler(this::trades);
    router.get("/products/:product/candles").handler(this::candles);
  }

  @Override
  JsonObject errorBody(String message) {
    return new JsonObject().put("message", message);
  }

  /**
   * Coinbase's subscribe and unsubscribe: {@code {type, product_ids, channels}}, a channel a name or {@code {name,
   * product_ids}}; each answered with the subscriptions that remain.
   */
  @Override
  void received(Connection c, ClientText received) {
    JsonObject m = received.json();
    if (m == null) {
      sendError(c, "Malformed JSON");
      return;
    }
    boolean unsubscribe = "unsubscribe".equals(m.getString("type"));
    if (!"subscribe".equals(m.getString("type")) && !unsubscribe) {
      sendError(c, "Type has to be either subscribe or unsubscribe");
      return;
    }
    JsonArray products = m.getJsonArray("product_ids", new JsonArray());
    Map<String, Set<String>> wanted = new LinkedHashMap<>();
    for (Object ch : m.getJsonArray("channels", new JsonArray())) {
      String name = ch instanceof JsonObject o ? o.getString("name") : String.valueOf(ch);
      JsonArray ids = ch instanceof JsonObject o ? o.getJsonArray("product_ids", products) : products;
      if (!CHANNELS.contains(name)) {
        sendError(c, name + " is not a valid channel");
        return;
      }
      for (Object id : ids) {
        if (!capture.products().contains(String.valueOf(id))) {
          sendError(c, id + " is not a valid product");
          return;
        }
        wanted.computeIfAbsent(name, k -> new LinkedHashSet<>()).add((String) id);
      }
    }
    boolean first = c.subscribed.isEmpty();
    Set<String> newBooks = new LinkedHashSet<>();
    wanted.forEach((ch, ids) -> {
      Set<String> now = c.subscribed.computeIfAbsent(ch, k -> new LinkedHashSet<>());
      for (String id : ids) {
        if (unsubscribe) {
          now.remove(id);
        } else if (now.add(id) && ch.equals("level2_batch")) {
          newBooks.add(id);
        }
      }
    });
    if (unconfirmed.contains(c.index)) {
      return;
    }
    JsonArray channels = new JsonArray();
    c.subscribed.forEach((ch, ids) -> channels.add(new JsonObject().put("name", ch)
        .put("product_ids", new JsonArray(new ArrayList<>(ids)))));
    send(c, new JsonObject().put("type", "subscriptions").put("channels", channels).encode());
    if (first) {
      serve(c, newBooks);
    } else {
      newBooks.forEach(p -> sendSnapshot(c, p));
    }
  }

  /** The product's book as it stands, as a level2_batch snapshot: {@code {type, product_id, bids, asks}}. */
  private void sendSnapshot(Connection c, String product) {
    if (!bids.containsKey(product)) {
      return;
    }
    JsonArray b = new JsonArray();
    book(product, true).forEach(l -> b.add(new JsonArray().add(l[0]).add(l[1])));
    JsonArray a = new JsonArray();
    book(product, false).forEach(l -> a.add(new JsonArray().add(l[0]).add(l[1])));
    send(c, new JsonObject().put("type", "snapshot").put("product_id", product).put("bids", b).put("asks", a)
        .encode());
  }

  private void serve(Connection c, Set<String> books) {
    int lost = lostBefore(c.index);
    for (int i = 0; i < lost && cursor < timeline.size(); i++) {
      happen(timeline.get(cursor++));
    }
    books.forEach(p -> sendSnapshot(c, p));
    if (cursor > 0) {
      for (String p : capture.products()) {
        if (c.wants("ticker", p) && lastTicker.containsKey(p)) {
          send(c, lastTicker.get(p).raw());
        }
        if (c.wants("matches", p) && !trades.get(p).isEmpty()) {
          Message last = trades.get(p).lastEntry().getValue();
          send(c, last.json().copy().put("type", "last_match").encode());
        }
      }
    }
    c.pumpTimer = vertx.setPeriodic(PACE_MS, id -> pump(c));
    c.heartbeatTimer = vertx.setPeriodic(HEARTBEAT_EVERY_MS, id -> heartbeats(c));
  }

  private void pump(Connection c) {
    for (int i = 0; i < BATCH && c.open() && !c.silent; i++) {
      if (cursor >= dropsAt(c.index)) {
        c.closedByServer = true;
        stopTimers(c);
        c.ws.close((short) 1001, "going away");
        return;
      }
      if (cursor >= silentAt.getOrDefault(c.index, Integer.MAX_VALUE)) {
        c.silent = true;
        stopTimers(c);
        // Not pause(): Vert.x answers a close frame even on a paused websocket. A dead peer reads nothing at all.
        ((WebSocketInternal) c.ws).channelHandlerContext().channel().config().setAutoRead(false);
        return;
      }
      if (cursor == timeline.size()) {
        vertx.cancelTimer(c.pumpTimer);
        return;
      }
      inserted.getOrDefault(cursor, List.of()).forEach(line -> send(c, line));
      Message m = timeline.get(cursor++);
      happen(m);
      boolean withheld = m.isTrade() && withheld(m.product(), m.tradeId());
      if (c.wants(m.channel(), m.product()) && !withheld) {
        send(c, m.raw());
      }
    }
  }

  private void happen(Message m) {
    if (m.isBook()) {
      bookChange(m);
      return;
    }
    if (m.isTrade()) {
      trades.get(m.product()).put(m.tradeId(), m);
    } else {
      lastTicker.put(m.product(), m);
    }
    lastSequence.put(m.product(), m.json().getLong("sequence"));
  }

  private void bookChange(Message m) {
    NavigableMap<BigDecimal, String> b = bids.computeIfAbsent(m.product(),
        p -> new ConcurrentSkipListMap<>(Comparator.reverseOrder()));
    NavigableMap<BigDecimal, String> a = asks.computeIfAbsent(m.product(), p -> new ConcurrentSkipListMap<>());
    if (m.type().equals("snapshot")) {
      b.clear();
      a.clear();
      m.json().getJsonArray("bids").forEach(l -> setLevel(b, (JsonArray) l, 0));
      m.json().getJsonArray("asks").forEach(l -> setLevel(a, (JsonArray) l, 0));
      return;
    }
    for (Object o : m.json().getJsonArray("changes")) {
      JsonArray c = (JsonArray) o;
      setLevel(c.getString(0).equals("buy") ? b : a, c, 1);
    }
  }

  /** The level {@code [price, size]} found at {@code from} of {@code level}: size 0 removes it. */
  private static void setLevel(NavigableMap<BigDecimal, String> side, JsonArray level, int from) {
    BigDecimal price = new BigDecimal(level.getString(from));
    String size = level.getString(from + 1);
    if (new BigDecimal(size).signum() == 0) {
      side.remove(price);
    } else {
      side.put(price, size);
    }
  }

  /** {@code {"type":"heartbeat","last_trade_id":..,"product_id":..,"sequence":..,"time":..}} per product. */
  private void heartbeats(Connection c) {
    if (!c.open() || c.silent) {
      return;
    }
    String now = Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
    for (String p : c.subscribed.getOrDefault("heartbeat", Set.of())) {
      NavigableMap<Long, Message> done = trades.get(p);
      send(c, new JsonObject()
          .put("type", "heartbeat")
          .put("last_trade_id", done.isEmpty() ? 0 : done.lastKey())
          .put("product_id", p)
          .put("sequence", lastSequence.getOrDefault(p, 0L))
          .put("time", now)
          .encode());
      c.heartbeatsSent.incrementAndGet();
    }
  }

  private void sendError(Connection c, String reason) {
    send(c, new JsonObject().put("type", "error").put("message", "Failed to subscribe").put("reason", reason)
        .encode());
  }

  /** Trades that have happened, newest first: {@code after} pages to older ids, {@code before} to newer ones. */
  private void trades(RoutingContext ctx) {
    NavigableMap<Long, Message> done = trades.get(ctx.pathParam("product"));
    if (done == null) {
      error(ctx, 404, "NotFound");
      return;
    }
    Long after;
    Long before;
    int limit;
    try {
      after = longParam(ctx, "after");
      before = longParam(ctx, "before");
      Long l = longParam(ctx, "limit");
      limit = l == null ? MAX_TRADES_PER_PAGE : l.intValue();
    } catch (NumberFormatException e) {
      error(ctx, 400, "Invalid query parameter");
      return;
    }
    if (limit < 1 || limit > MAX_TRADES_PER_PAGE) {
      error(ctx, 400, "Invalid limit");
      return;
    }
    List<Message> page = new ArrayList<>();
    if (before != null) {
      for (Message m : done.tailMap(before, false).values()) {
        if (page.size() == limit) {
          break;
        }
        page.add(0, m);
      }
    } else {
      for (Message m : (after == null ? done : done.headMap(after, false)).descendingMap().values()) {
        if (page.size() == limit) {
          break;
        }
        page.add(m);
      }
    }
    JsonArray body = new JsonArray();
    for (Message m : page) {
      JsonObject j = m.json();
      body.add(new JsonObject()
          .put("time", j.getString("time"))
          .put("trade_id", j.getLong("trade_id"))
          .put("price", j.getString("price"))
          .put("size", j.getString("size"))
          .put("side", j.getString("side")));
    }
    if (!page.isEmpty()) {
      ctx.response().putHeader("cb-before", Long.toString(page.get(0).tradeId()))
          .putHeader("cb-after", Long.toString(page.get(page.size() - 1).tradeId()));
    }
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** Always no candles: the warm-up asks before any recorded trade has happened. */
  private void candles(RoutingContext ctx) {
    if (!trades.containsKey(ctx.pathParam("product"))) {
      error(ctx, 404, "NotFound");
      return;
    }
    Long granularity;
    try {
      granularity = longParam(ctx, "granularity");
    } catch (NumberFormatException e) {
      granularity = null;
    }
    if (granularity == null || !GRANULARITIES.contains(granularity)) {
      error(ctx, 400, "Unsupported granularity");
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json").end("[]");
  }

}
