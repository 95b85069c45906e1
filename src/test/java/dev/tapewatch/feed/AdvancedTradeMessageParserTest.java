package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Prices;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Advanced Trade parser against the shared capture (what the real server sends) and against one minimal message
 * per kind of defect.
 */
class AdvancedTradeMessageParserTest {
  private final AdvancedTradeMessageParser parser = new AdvancedTradeMessageParser(AdvancedTradeCapture.PRODUCTS);

  private List<AdvancedTradeMessage> parsedCapture() {
    return AdvancedTradeCapture.received().stream().map(parser::parse).toList();
  }

  @Test
  void everyMessageOfTheCaptureParsesToItsChannel() {
    Map<String, Integer> kinds = new TreeMap<>();
    int items = 0;
    for (AdvancedTradeMessage m : parsedCapture()) {
      String kind = m.getClass().getSimpleName();
      if (m instanceof AdvancedTradeMessage.Trades t) {
        kind += t.snapshot() ? " snapshot" : "";
        items += t.trades().size();
        t.trades().forEach(i -> assertInstanceOf(FeedMessage.TradeMessage.class, i));
      } else if (m instanceof AdvancedTradeMessage.Tickers t) {
        items += t.tickers().size();
        t.tickers().forEach(i -> assertInstanceOf(FeedMessage.TickerMessage.class, i));
      } else if (m instanceof AdvancedTradeMessage.Books b) {
        items += b.books().size();
        b.books().forEach(i -> assertInstanceOf(FeedMessage.BookMessage.class, i));
        kind += ((FeedMessage.BookMessage) b.books().get(0)).update().snapshot() ? " snapshot" : "";
      } else if (m instanceof AdvancedTradeMessage.Ignored i) {
        kind += " " + i.channel();
      }
      kinds.merge(kind, 1, Integer::sum);
    }
    // PROVENANCE.md: l2_data 775, ticker 160, market_trades 59, heartbeats 25, candles 6, subscriptions 5.
    assertEquals(Map.of("Books", 773, "Books snapshot", 2, "Tickers", 160, "Trades", 57, "Trades snapshot", 2,
        "Heartbeat", 25, "Ignored candles", 6, "Subscriptions", 5), kinds);
    // 279 trades (200 in the two snapshots), 160 tickers, 775 book events.
    assertEquals(279 + 160 + 775, items);
  }

  /**
   * sequence_num is one counter of the connection, not one per channel or product: over all messages it runs
   * 0, 1, ..., 1029 without a hole, while each channel's own numbers skip the others'.
   */
  @Test
  void sequenceNumIsOneCounterAcrossEveryChannel() {
    List<AdvancedTradeMessage> messages = parsedCapture();
    Map<String, List<Long>> byChannel = new LinkedHashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      assertEquals(i, messages.get(i).sequence(), "message " + i);
      byChannel.computeIfAbsent(messages.get(i).getClass().getSimpleName(), k -> new ArrayList<>())
          .add(messages.get(i).sequence());
    }
    assertEquals(1030, messages.size());
    byChannel.forEach((channel, seqs) -> {
      boolean skips = false;
      for (int i = 1; i < seqs.size(); i++) {
        skips |= seqs.get(i) != seqs.get(i - 1) + 1;
      }
      assertTrue(skips, channel + "'s numbers skip those of the other channels");
    });
    // Both products share it too: the two l2_data snapshots are messages 13 and 22 of the one sequence.
    List<Long> snapshots = messages.stream().filter(m -> m instanceof AdvancedTradeMessage.Books b
        && ((FeedMessage.BookMessage) b.books().get(0)).update().snapshot()).map(AdvancedTradeMessage::sequence)
        .toList();
    assertEquals(2, snapshots.size());
  }

  /**
   * The side of a market_trades trade is the maker's: against the best bid and ask of the latest ticker before it,
   * every trade printed at the ask (a buyer lifting the offer) says SELL and every one at the bid says BUY. The parsed
   * trade carries the taker's side, the opposite.
   */
  @Test
  void theTradeSideIsTheMakersAndIsStoredAsTheTakers() {
    Map<String, Quote> best = new HashMap<>();
    Map<String, Integer> wire = new TreeMap<>();
    Map<String, Integer> stored = new TreeMap<>();
    Map<String, String> wireSideById = new HashMap<>();
    for (JsonObject t : AdvancedTradeCapture.trades()) {
      wireSideById.put(t.getString("product_id") + " " + t.getString("trade_id"), t.getString("side"));
    }
    for (AdvancedTradeMessage m : parsedCapture()) {
      if (m instanceof AdvancedTradeMessage.Tickers t) {
        t.tickers().forEach(i -> best.put(((FeedMessage.TickerMessage) i).quote().symbol(),
            ((FeedMessage.TickerMessage) i).quote()));
      } else if (m instanceof AdvancedTradeMessage.Trades t && !t.snapshot()) {
        for (FeedMessage i : t.trades()) {
          Trade trade = ((FeedMessage.TradeMessage) i).trade();
          Quote q = best.get(trade.symbol());
          String at = trade.price() == q.ask() ? "ask" : trade.price() == q.bid() ? "bid" : "inside or beyond";
          wire.merge(at + " " + wireSideById.get(trade.symbol() + " " + trade.tradeId()), 1, Integer::sum);
          stored.merge(at + " " + trade.takerSide(), 1, Integer::sum);
        }
      }
    }
    assertEquals(Map.of("ask SELL", 47, "bid BUY", 18, "inside or beyond BUY", 10, "inside or beyond SELL", 4),
        wire);
    assertEquals(Map.of("ask BUY", 47, "bid SELL", 18, "inside or beyond SELL", 10, "inside or beyond BUY", 4),
        stored);
  }

  /** Every trade of the capture, snapshots included, is the derived file's, with the taker's side. */
  @Test
  void theTradesAreTheDerivedFilesWithTheTakersSide() {
    Map<String, Trade> parsed = new TreeMap<>();
    for (AdvancedTradeMessage m : parsedCapture()) {
      if (m instanceof AdvancedTradeMessage.Trades t) {
        t.trades().forEach(i -> {
          Trade trade = ((FeedMessage.TradeMessage) i).trade();
          parsed.put(trade.symbol() + " " + trade.tradeId(), trade);
        });
      }
    }
    List<JsonObject> file = AdvancedTradeCapture.trades();
    assertEquals(279, file.size());
    assertEquals(279, parsed.size());
    for (JsonObject t : file) {
      Trade trade = parsed.get(t.getString("product_id") + " " + t.getString("trade_id"));
      Side maker = Side.valueOf(t.getString("side"));
      assertEquals(new Trade(t.getString("product_id"), Instant.parse(t.getString("time")).toEpochMilli(),
          Double.parseDouble(t.getString("price")), Double.parseDouble(t.getString("size")), maker.opposite(),
          Long.parseLong(t.getString("trade_id"))), trade);
    }
  }

  /**
   * The two l2_data snapshots hold 43,635 offer levels (BTC-USD 27,236, ETH-USD 16,399) and 25,699 bid levels
   * (18,764 and 6,935): every one is in the BookUpdate, offers as asks, at its exact price.
   */
  @Test
  void everyOfferLevelOfTheSnapshotsIsKeptAsAnAsk() {
    Map<String, BookUpdate> snapshots = new LinkedHashMap<>();
    for (AdvancedTradeMessage m : parsedCapture()) {
      if (m instanceof AdvancedTradeMessage.Books b) {
        BookUpdate u = ((FeedMessage.BookMessage) b.books().get(0)).update();
        if (u.snapshot()) {
          snapshots.put(u.symbol(), u);
        }
      }
    }
    BookUpdate btc = snapshots.get("BTC-USD");
    BookUpdate eth = snapshots.get("ETH-USD");
    assertEquals(27_236, btc.askPrices().length);
    assertEquals(16_399, eth.askPrices().length);
    assertEquals(43_635, btc.askPrices().length + eth.askPrices().length);
    assertEquals(18_764, btc.bidPrices().length);
    assertEquals(6_935, eth.bidPrices().length);
    assertEquals(25_699, btc.bidPrices().length + eth.bidPrices().length);
    assertEquals(btc.askPrices().length, btc.askSizes().length);
    assertEquals(btc.bidPrices().length, btc.bidSizes().length);
    // The first levels as sent: bid 65083.66 x 0.20371215, and the snapshot's one event_time.
    assertEquals(Prices.parse("65083.66"), btc.bidPrices()[0]);
    assertEquals(0.20371215, btc.bidSizes()[0]);
    assertEquals(Instant.parse("2026-08-09T21:05:48.170326Z").toEpochMilli(), btc.timeMs());
    // Best bid below best ask, as the ticker said: 65083.66 / 65083.67.
    long bestBid = java.util.Arrays.stream(btc.bidPrices()).max().orElseThrow();
    long bestAsk = java.util.Arrays.stream(btc.askPrices()).min().orElseThrow();
    assertEquals(Prices.parse("65083.66"), bestBid);
    assertEquals(Prices.parse("65083.67"), bestAsk);
  }

  @Test
  void aTickerIsStampedWithTheMessageTime() {
    AdvancedTradeMessage m = parser.parse(AdvancedTradeCapture.received().get(10));
    assertEquals(new AdvancedTradeMessage.Tickers(10, List.of(new FeedMessage.TickerMessage(new Quote("ETH-USD",
        Instant.parse("2026-08-09T21:05:48.298Z").toEpochMilli(), 1919.44, 1919.49), 0))), m);
  }

  @Test
  void subscriptionsListTheChannelsWithTheirProducts() {
    AdvancedTradeMessage m = parser.parse(AdvancedTradeCapture.received().get(26));
    assertEquals(new AdvancedTradeMessage.Subscriptions(26, Map.of("candles", List.of("ETH-USD", "BTC-USD"),
        "heartbeats", List.of("heartbeats"), "level2", List.of("BTC-USD", "ETH-USD"),
        "market_trades", List.of("BTC-USD", "ETH-USD"), "ticker", List.of("BTC-USD", "ETH-USD"))), m);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // one defect at a time

  private static final String LEVEL = "{\"side\":\"bid\",\"event_time\":\"2026-08-09T21:05:48.210883Z\","
      + "\"price_level\":\"65062.5\",\"new_quantity\":\"0.00583\"}";

  private static String l2(String type, String product, String... levels) {
    return "{\"channel\":\"l2_data\",\"timestamp\":\"2026-08-09T21:05:48.505350477Z\",\"sequence_num\":14,"
        + "\"events\":[{\"type\":\"" + type + "\",\"product_id\":\"" + product + "\",\"updates\":["
        + String.join(",", levels) + "]}]}";
  }

  private static String level(String field, String value) {
    return new JsonObject(LEVEL).put(field, value).encode();
  }

  private static String trade(String field, Object value) {
    JsonObject t = new JsonObject("{\"product_id\":\"BTC-USD\",\"trade_id\":\"1068572091\",\"price\":\"65083.67\","
        + "\"size\":\"0.01034361\",\"time\":\"2026-08-09T21:05:48.167634Z\",\"side\":\"SELL\"}");
    if (value == null) {
      t.remove(field);
    } else {
      t.put(field, value);
    }
    return "{\"channel\":\"market_trades\",\"timestamp\":\"2026-08-09T21:05:48.251397169Z\",\"sequence_num\":9,"
        + "\"events\":[{\"type\":\"update\",\"trades\":[" + t.encode() + "]}]}";
  }

  private static final Trade TRADE_1068572091 = new Trade("BTC-USD",
      Instant.parse("2026-08-09T21:05:48.167Z").toEpochMilli(), 65083.67, 0.01034361, Side.BUY, 1068572091L);

  @Test
  void aValidTradeAndAValidLevel() {
    assertEquals(new AdvancedTradeMessage.Trades(9, false, List.of(new FeedMessage.TradeMessage(TRADE_1068572091,
        false))), parser.parse(trade("side", "SELL")));
    AdvancedTradeMessage.Books b = assertInstanceOf(AdvancedTradeMessage.Books.class,
        parser.parse(l2("update", "BTC-USD", LEVEL, level("side", "offer"), level("new_quantity", "0"))));
    BookUpdate u = ((FeedMessage.BookMessage) b.books().get(0)).update();
    assertEquals("BTC-USD", u.symbol());
    assertEquals(false, u.snapshot());
    assertArrayEquals(new long[] {6_506_250_000_000L, 6_506_250_000_000L}, u.bidPrices());
    assertArrayEquals(new double[] {0.00583, 0.0}, u.bidSizes());
    assertArrayEquals(new long[] {6_506_250_000_000L}, u.askPrices());
    assertArrayEquals(new double[] {0.00583}, u.askSizes());
  }

  static Stream<Arguments> defects() {
    List<Arguments> a = new ArrayList<>();
    // the envelope
    a.add(Arguments.of("not json", "{\"channel\":", malformed(-1, MalformedReason.NOT_JSON)));
    a.add(Arguments.of("two objects", "{}{}", malformed(-1, MalformedReason.NOT_JSON)));
    a.add(Arguments.of("an array", "[]", malformed(-1, MalformedReason.NOT_JSON)));
    a.add(Arguments.of("no channel", "{\"sequence_num\":3,\"events\":[]}", malformed(3, MalformedReason.MISSING_FIELD)));
    a.add(Arguments.of("no sequence", "{\"channel\":\"heartbeats\",\"events\":[]}",
        malformed(-1, MalformedReason.MISSING_FIELD)));
    a.add(Arguments.of("negative sequence", "{\"channel\":\"heartbeats\",\"sequence_num\":-1,\"events\":[]}",
        malformed(-1, MalformedReason.BAD_NUMBER)));
    a.add(Arguments.of("string sequence", "{\"channel\":\"heartbeats\",\"sequence_num\":\"1\",\"events\":[]}",
        malformed(-1, MalformedReason.BAD_NUMBER)));
    a.add(Arguments.of("no events", "{\"channel\":\"market_trades\",\"sequence_num\":4}",
        malformed(4, MalformedReason.MISSING_FIELD)));
    a.add(Arguments.of("events not a list", "{\"channel\":\"l2_data\",\"sequence_num\":4,\"events\":{}}",
        malformed(4, MalformedReason.MISSING_FIELD)));
    a.add(Arguments.of("an event without its list", "{\"channel\":\"l2_data\",\"sequence_num\":4,\"events\":[{"
        + "\"type\":\"update\",\"product_id\":\"BTC-USD\"}]}", malformed(4, MalformedReason.MISSING_FIELD)));
    a.add(Arguments.of("cut inside the events", l2("update", "BTC-USD", LEVEL).substring(0, 150),
        malformed(14, MalformedReason.NOT_JSON)));
    a.add(Arguments.of("server error", "{\"type\":\"error\",\"message\":\"failure to subscribe\"}",
        new AdvancedTradeMessage.ServerError(-1, "failure to subscribe")));
    a.add(Arguments.of("another channel", "{\"channel\":\"status\",\"sequence_num\":7,\"events\":[{\"x\":1}]}",
        new AdvancedTradeMessage.Ignored(7, "status")));
    // a trade of a batch
    a.add(Arguments.of("taker-side spelling", trade("side", "buy"), trade(MalformedReason.BAD_SIDE)));
    a.add(Arguments.of("no side", trade("side", null), trade(MalformedReason.MISSING_FIELD)));
    a.add(Arguments.of("uuid trade id", trade("trade_id", "34b080bf-fcfd-445a-832b-46b5ddc65601"),
        trade(MalformedReason.BAD_NUMBER)));
    a.add(Arguments.of("NaN price", trade("price", "NaN"), trade(MalformedReason.NON_FINITE)));
    a.add(Arguments.of("zero size", trade("size", "0"), trade(MalformedReason.NON_POSITIVE)));
    a.add(Arguments.of("unknown product", trade("product_id", "DOGE-USD"), trade(MalformedReason.UNKNOWN_PRODUCT)));
    a.add(Arguments.of("bad time", trade("time", "yesterday"), trade(MalformedReason.BAD_TIME)));
    // a level of a book event: the whole event is skipped, never a book with a level missing
    a.add(Arguments.of("ask is not a side", l2("snapshot", "BTC-USD", LEVEL, level("side", "ask")),
        book(MalformedReason.BAD_SIDE)));
    a.add(Arguments.of("exponent price", l2("update", "BTC-USD", level("price_level", "6.5e4")),
        book(MalformedReason.BAD_NUMBER)));
    a.add(Arguments.of("price finer than 1e-8", l2("update", "BTC-USD", level("price_level", "0.000000001")),
        book(MalformedReason.BAD_NUMBER)));
    a.add(Arguments.of("zero price", l2("update", "BTC-USD", level("price_level", "0.00")),
        book(MalformedReason.NON_POSITIVE)));
    a.add(Arguments.of("negative price", l2("update", "BTC-USD", level("price_level", "-1")),
        book(MalformedReason.NON_POSITIVE)));
    a.add(Arguments.of("infinite quantity", l2("update", "BTC-USD", level("new_quantity", "Infinity")),
        book(MalformedReason.NON_FINITE)));
    a.add(Arguments.of("huge quantity", l2("update", "BTC-USD", level("new_quantity", "1e300")),
        book(MalformedReason.NON_FINITE)));
    a.add(Arguments.of("negative quantity", l2("update", "BTC-USD", level("new_quantity", "-0.1")),
        book(MalformedReason.NON_POSITIVE)));
    a.add(Arguments.of("bad event time", l2("update", "BTC-USD", level("event_time", "now")),
        book(MalformedReason.BAD_TIME)));
    JsonObject noPrice = new JsonObject(LEVEL);
    noPrice.remove("price_level");
    a.add(Arguments.of("no price", l2("update", "BTC-USD", noPrice.encode()), book(MalformedReason.MISSING_FIELD)));
    a.add(Arguments.of("null price", l2("update", "BTC-USD", new JsonObject(LEVEL).putNull("price_level").encode()),
        book(MalformedReason.BAD_NUMBER)));
    a.add(Arguments.of("unknown event type", l2("partial", "BTC-USD", LEVEL), book(MalformedReason.MISSING_FIELD)));
    a.add(Arguments.of("unknown book product", l2("update", "DOGE-USD", LEVEL),
        book(MalformedReason.UNKNOWN_PRODUCT)));
    return a.stream();
  }

  private static AdvancedTradeMessage malformed(long sequence, MalformedReason reason) {
    return new AdvancedTradeMessage.Malformed(sequence, reason);
  }

  private static AdvancedTradeMessage trade(MalformedReason reason) {
    return new AdvancedTradeMessage.Trades(9, false, List.of(new FeedMessage.Malformed(reason)));
  }

  private static AdvancedTradeMessage book(MalformedReason reason) {
    return new AdvancedTradeMessage.Books(14, List.of(new FeedMessage.Malformed(reason)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defects")
  void eachDefectIsNamed(String what, String line, AdvancedTradeMessage expected) {
    assertEquals(expected, parser.parse(line), line);
  }

  /** JSON leaves field order free: events before the channel, or a ticker's timestamp after its events. */
  @Test
  void fieldOrderDoesNotMatter() {
    String trades = trade("side", "SELL");
    JsonObject j = new JsonObject(trades);
    String eventsFirst = new JsonObject().put("events", j.getJsonArray("events"))
        .put("sequence_num", 9).put("channel", "market_trades").encode();
    assertEquals(parser.parse(trades), parser.parse(eventsFirst));
    String ticker = AdvancedTradeCapture.received().get(10);
    JsonObject t = new JsonObject(ticker);
    String timeLast = new JsonObject().put("channel", "ticker").put("sequence_num", 10)
        .put("events", t.getJsonArray("events")).put("timestamp", t.getString("timestamp")).encode();
    assertEquals(parser.parse(ticker), parser.parse(timeLast));
  }
}
