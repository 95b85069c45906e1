package dev.tapewatch.feed;

import dev.tapewatch.tape.Prices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A small, seeded Advanced Trade market, and the messages Coinbase would send of it, shaped field for field like the
 * shared capture's. Its timeline is a list of events, each one wire message: a batch of trades of one product
 * (newest first, each at the best bid or ask, the side the maker's), a book update of one product, or a ticker.
 * {@link State} is the market after some events: its books, for snapshots, and its trades so far.
 */
final class AdvancedTradeMarket {
  static final List<String> PRODUCTS = List.of("BTC-USD", "ETH-USD");
  private static final Map<String, Long> MIDS = Map.of("BTC-USD", Prices.parse("65000"), "ETH-USD",
      Prices.parse("1900"));
  private static final long TICK = Prices.parse("0.01");

  /** One trade as the wire has it: {@code side} is the maker's, BUY or SELL. */
  record WireTrade(String product, long id, long timeMs, long price, String size, String side) {
    JsonObject json() {
      return new JsonObject().put("product_id", product).put("trade_id", Long.toString(id))
          .put("price", Prices.format(price)).put("size", size).put("time", iso(timeMs)).put("side", side);
    }
  }

  /** One level change: {@code side} bid or offer, quantity 0 removes the level. */
  record Change(String side, long price, String quantity) {
  }

  sealed interface Event {
    String product();

    long timeMs();
  }

  /** A market_trades update: {@code trades} newest first. */
  record Trades(String product, long timeMs, List<WireTrade> trades) implements Event {
  }

  record BookChange(String product, long timeMs, List<Change> changes) implements Event {
  }

  record Ticker(String product, long timeMs, long bid, long ask) implements Event {
  }

  /** The market after some events: each product's book (price to quantity) and trades, oldest first. */
  static final class State {
    final Map<String, NavigableMap<Long, String>> bids = new HashMap<>();
    final Map<String, NavigableMap<Long, String>> offers = new HashMap<>();
    final Map<String, List<WireTrade>> trades = new HashMap<>();
    final Map<String, Long> bookTimeMs = new HashMap<>();

    State(Map<String, List<Change>> initialBooks, long startMs) {
      for (String p : PRODUCTS) {
        bids.put(p, new TreeMap<>(Collections.reverseOrder()));
        offers.put(p, new TreeMap<>());
        trades.put(p, new ArrayList<>());
        apply(p, initialBooks.get(p), startMs);
      }
    }

    void apply(Event e) {
      if (e instanceof Trades t) {
        for (int i = t.trades().size() - 1; i >= 0; i--) {
          trades.get(t.product()).add(t.trades().get(i));
        }
      } else if (e instanceof BookChange b) {
        apply(b.product(), b.changes(), b.timeMs());
      }
    }

    private void apply(String product, List<Change> changes, long timeMs) {
      for (Change c : changes) {
        NavigableMap<Long, String> side = c.side().equals("bid") ? bids.get(product) : offers.get(product);
        if (Double.parseDouble(c.quantity()) == 0) {
          side.remove(c.price());
        } else {
          side.put(c.price(), c.quantity());
        }
      }
      bookTimeMs.put(product, timeMs);
    }
  }

  final Map<String, List<Change>> initialBooks;
  final long startMs;
  final List<Event> timeline;

  private AdvancedTradeMarket(Map<String, List<Change>> initialBooks, long startMs, List<Event> timeline) {
    this.initialBooks = initialBooks;
    this.startMs = startMs;
    this.timeline = timeline;
  }

  /**
   * {@code events} events from {@code startMs}, 50 ms apart: a third trades (one to three at the touch, which the
   * book update after them records), most of the rest book updates near the touch, some tickers.
   */
  static AdvancedTradeMarket generate(long seed, int events, long startMs) {
    Random r = new Random(seed);
    Map<String, List<Change>> initial = new LinkedHashMap<>();
    for (String p : PRODUCTS) {
      List<Change> levels = new ArrayList<>();
      for (int i = 1; i <= 12; i++) {
        levels.add(new Change("bid", MIDS.get(p) - i * 50 * TICK, quantity(r)));
        levels.add(new Change("offer", MIDS.get(p) + i * 50 * TICK, quantity(r)));
      }
      initial.put(p, levels);
    }
    State state = new State(initial, startMs);
    Map<String, Long> lastId = new HashMap<>(Map.of("BTC-USD", 1_068_572_000L, "ETH-USD", 833_140_000L));
    List<Event> timeline = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      long t = startMs + 50L * (i + 1);
      String p = PRODUCTS.get(r.nextInt(PRODUCTS.size()));
      NavigableMap<Long, String> bids = state.bids.get(p);
      NavigableMap<Long, String> offers = state.offers.get(p);
      double roll = r.nextDouble();
      Event e;
      if (roll < 0.35) {
        boolean buyerTakes = r.nextBoolean();
        long price = buyerTakes ? offers.firstKey() : bids.firstKey();
        int k = 1 + r.nextInt(3);
        List<WireTrade> trades = new ArrayList<>();
        for (int j = 0; j < k; j++) {
          trades.add(0, new WireTrade(p, lastId.merge(p, 1L, Long::sum), t, price, "0.00" + (10 + r.nextInt(90)),
              buyerTakes ? "SELL" : "BUY"));
        }
        e = new Trades(p, t, trades);
        timeline.add(e);
        state.apply(e);
        // The traded level shrinks: the book update right after the trades says so.
        e = new BookChange(p, t, List.of(new Change(buyerTakes ? "offer" : "bid", price, quantity(r))));
      } else if (roll < 0.85) {
        List<Change> changes = new ArrayList<>();
        for (int j = 0, n = 1 + r.nextInt(3); j < n; j++) {
          boolean bid = r.nextBoolean();
          NavigableMap<Long, String> side = bid ? bids : offers;
          long touch = side.firstKey();
          long price = switch (r.nextInt(3)) {
            case 0 -> bid ? Math.min(touch + TICK * (1 + r.nextInt(3)), offers.firstKey() - TICK)
                : Math.max(touch - TICK * (1 + r.nextInt(3)), bids.firstKey() + TICK);
            case 1 -> side.size() > 6 ? side.keySet().stream().skip(r.nextInt(side.size())).findFirst().orElseThrow()
                : touch;
            default -> touch;
          };
          boolean remove = side.size() > 6 && side.containsKey(price) && r.nextInt(3) == 0;
          changes.add(new Change(bid ? "bid" : "offer", price, remove ? "0" : quantity(r)));
        }
        e = new BookChange(p, t, changes);
      } else {
        e = new Ticker(p, t, bids.firstKey(), offers.firstKey());
      }
      timeline.add(e);
      state.apply(e);
    }
    return new AdvancedTradeMarket(initial, startMs, List.copyOf(timeline));
  }

  private static String quantity(Random r) {
    return "0." + (1000 + r.nextInt(9000));
  }

  State start() {
    return new State(initialBooks, startMs);
  }

  /**
   * What one connection subscribed to every channel and product receives, as a recorder would write it: the
   * subscriptions, then the snapshots of the market after {@code history} events (trades, tickers, books), then each
   * later event. The l2_data messages of the events in {@code lostL2} are lost (numbered, never written); the trades
   * of the events in {@code resent} come again with the product's batch before them.
   */
  List<String> tape(int history, Set<Integer> lostL2, Set<Integer> resent) {
    State s = start();
    for (int i = 0; i < history; i++) {
      s.apply(timeline.get(i));
    }
    long at = history == 0 ? startMs : timeline.get(history - 1).timeMs();
    List<String> out = new ArrayList<>();
    long sequence = 0;
    Map<String, List<String>> all = new LinkedHashMap<>();
    for (String channel : List.of("market_trades", "ticker", "level2", "heartbeats")) {
      all.put(channel, channel.equals("heartbeats") ? List.of("heartbeats") : PRODUCTS);
    }
    out.add(subscriptions(all, at, sequence++));
    for (String p : PRODUCTS) {
      out.add(tradesSnapshot(s, p, FakeAdvancedTrade.SNAPSHOT_TRADES, at, sequence++));
      out.add(tickerSnapshot(s, p, at, sequence++));
      out.add(l2Snapshot(s, p, at, sequence++));
    }
    for (int i = history; i < timeline.size(); i++) {
      Event e = timeline.get(i);
      if (e instanceof BookChange && lostL2.contains(i)) {
        sequence++;
        continue;
      }
      if (e instanceof Trades t && resent.contains(i)) {
        JsonArray trades = new JsonArray();
        t.trades().forEach(w -> trades.add(w.json()));
        previousBatch(i).forEach(w -> trades.add(w.json()));
        out.add(trades("update", t.timeMs(), sequence++, trades));
      } else {
        out.add(message(e, sequence++));
      }
    }
    return out;
  }

  /** The trades of the last batch of event {@code at}'s product before it. */
  List<WireTrade> previousBatch(int at) {
    for (int k = at - 1; k >= 0; k--) {
      if (timeline.get(k) instanceof Trades before && before.product().equals(timeline.get(at).product())) {
        return before.trades();
      }
    }
    return List.of();
  }

  /** The market after its first {@code events} events. */
  State after(int events) {
    State s = start();
    for (int i = 0; i < events; i++) {
      s.apply(timeline.get(i));
    }
    return s;
  }

  // ---- the wire ----

  static String iso(long ms) {
    return Instant.ofEpochMilli(ms).toString();
  }

  private static JsonObject envelope(String channel, long timeMs, long sequence, JsonArray events) {
    return new JsonObject().put("channel", channel).put("client_id", "").put("timestamp", iso(timeMs))
        .put("sequence_num", sequence).put("events", events);
  }

  /** The message of one event of the timeline. */
  static String message(Event e, long sequence) {
    if (e instanceof Trades t) {
      JsonArray trades = new JsonArray();
      t.trades().forEach(w -> trades.add(w.json()));
      return trades("update", t.timeMs(), sequence, trades);
    }
    if (e instanceof BookChange b) {
      JsonArray updates = new JsonArray();
      b.changes().forEach(c -> updates.add(level(c.side(), b.timeMs(), c.price(), c.quantity())));
      return l2("update", b.product(), b.timeMs(), sequence, updates);
    }
    Ticker k = (Ticker) e;
    return ticker("update", k.product(), k.timeMs(), sequence, k.bid(), k.ask());
  }

  /** market_trades with {@code trades} (JSON, newest first) as one event of {@code type}. */
  static String trades(String type, long timeMs, long sequence, JsonArray trades) {
    return envelope("market_trades", timeMs, sequence, new JsonArray().add(new JsonObject().put("type", type)
        .put("trades", trades))).encode();
  }

  /** The trades snapshot Coinbase sends on subscribing: the product's latest {@code max}, newest first. */
  static String tradesSnapshot(State s, String product, int max, long timeMs, long sequence) {
    List<WireTrade> all = s.trades.get(product);
    JsonArray trades = new JsonArray();
    for (int i = all.size() - 1; i >= Math.max(0, all.size() - max); i--) {
      trades.add(all.get(i).json());
    }
    return trades("snapshot", timeMs, sequence, trades);
  }

  static JsonObject level(String side, long timeMs, long price, String quantity) {
    return new JsonObject().put("side", side).put("event_time", iso(timeMs)).put("price_level", Prices.format(price))
        .put("new_quantity", quantity);
  }

  static String l2(String type, String product, long timeMs, long sequence, JsonArray updates) {
    return envelope("l2_data", timeMs, sequence, new JsonArray().add(new JsonObject().put("type", type)
        .put("product_id", product).put("updates", updates))).encode();
  }

  /** The level-2 snapshot of a product's book now: bids best first, then offers best first. */
  static String l2Snapshot(State s, String product, long timeMs, long sequence) {
    JsonArray updates = new JsonArray();
    long at = s.bookTimeMs.get(product);
    s.bids.get(product).forEach((price, q) -> updates.add(level("bid", at, price, q)));
    s.offers.get(product).forEach((price, q) -> updates.add(level("offer", at, price, q)));
    return l2("snapshot", product, timeMs, sequence, updates);
  }

  static String ticker(String type, String product, long timeMs, long sequence, long bid, long ask) {
    JsonObject t = new JsonObject().put("type", "ticker").put("product_id", product).put("price", Prices.format(bid))
        .put("volume_24_h", "2867.54532609").put("low_24_h", "64675.22").put("high_24_h", "65252.99")
        .put("best_bid", Prices.format(bid)).put("best_ask", Prices.format(ask))
        .put("best_bid_quantity", "0.2").put("best_ask_quantity", "0.3");
    return envelope("ticker", timeMs, sequence, new JsonArray().add(new JsonObject().put("type", type)
        .put("tickers", new JsonArray().add(t)))).encode();
  }

  static String tickerSnapshot(State s, String product, long timeMs, long sequence) {
    return ticker("snapshot", product, timeMs, sequence, s.bids.get(product).firstKey(),
        s.offers.get(product).firstKey());
  }

  static String heartbeat(long timeMs, long sequence, long counter) {
    return envelope("heartbeats", timeMs, sequence, new JsonArray().add(new JsonObject()
        .put("current_time", iso(timeMs)).put("heartbeat_counter", counter))).encode();
  }

  /** {@code subscriptions}: every channel with its products, as the server lists them after each (un)subscribe. */
  static String subscriptions(Map<String, ? extends Iterable<String>> channels, long timeMs, long sequence) {
    JsonObject subs = new JsonObject();
    channels.forEach((channel, products) -> {
      JsonArray ids = new JsonArray();
      products.forEach(ids::add);
      if (!ids.isEmpty()) {
        subs.put(channel, ids);
      }
    });
    return envelope("subscriptions", timeMs, sequence, new JsonArray().add(new JsonObject()
        .put("subscriptions", subs))).encode();
  }
}
