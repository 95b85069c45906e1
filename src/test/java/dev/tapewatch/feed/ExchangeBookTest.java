package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.market.OrderBook;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Prices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Exchange feed's level-2 messages: every snapshot and l2update of the 2021-04-17 capture parsed exactly and
 * replayed through the order book (never crossed, always the top of the full book), and one line per defect.
 */
class ExchangeBookTest {
  static final Path CAPTURE = Path.of("../shared/data/coinbase_exchange_wsfeed_capture_2021-04-17.log.gz");
  static final List<String> PRODUCTS = List.of("SKL-USD", "SKL-BTC", "BAND-GBP", "NMR-EUR", "BAND-BTC", "YFI-BTC",
      "DASH-BTC", "NU-GBP", "CRV-EUR", "SKL-GBP");

  /** The received level-2 messages of the capture, in order. */
  private static List<String> level2;

  private final CoinbaseMessageParser parser = new CoinbaseMessageParser(PRODUCTS);

  @BeforeAll
  static void readCapture() {
    level2 = new ArrayList<>();
    for (String line : CoinbaseMessageParserTest.gunzipLines(CAPTURE)) {
      int at = line.indexOf(": {");
      if (at > 0 && !line.contains(" <- ") && (line.contains("\"type\":\"snapshot\"")
          || line.contains("\"type\":\"l2update\""))) {
        level2.add(line.substring(at + 2));
      }
    }
    assertEquals(10 + 9719, level2.size());
  }

  @Test
  void everyLevelOfTheCaptureIsParsedExactly() {
    long levels = 0;
    for (String json : level2) {
      JsonObject raw = new JsonObject(json);
      BookUpdate u = ((FeedMessage.BookMessage) parser.parse(json)).update();
      assertEquals(raw.getString("product_id"), u.symbol());
      boolean snapshot = raw.getString("type").equals("snapshot");
      assertEquals(snapshot, u.snapshot());
      List<String> bids = new ArrayList<>();
      List<String> asks = new ArrayList<>();
      if (snapshot) {
        assertEquals(IsoTime.INVALID, u.timeMs(), "an Exchange snapshot has no time");
        raw.getJsonArray("bids").forEach(l -> bids.add(exact((JsonArray) l, 0)));
        raw.getJsonArray("asks").forEach(l -> asks.add(exact((JsonArray) l, 0)));
      } else {
        assertEquals(IsoTime.parseMillis(raw.getString("time")), u.timeMs());
        for (Object o : raw.getJsonArray("changes")) {
          JsonArray c = (JsonArray) o;
          (c.getString(0).equals("buy") ? bids : asks).add(exact(c, 1));
        }
      }
      assertEquals(bids, levels(u.bidPrices(), u.bidSizes()), json);
      assertEquals(asks, levels(u.askPrices(), u.askSizes()), json);
      levels += bids.size() + asks.size();
    }
    assertTrue(levels > 9719, "levels: " + levels);
  }

  /** "price size" of a raw level, both as the plain decimal and the double its text means. */
  private static String exact(JsonArray level, int from) {
    return new BigDecimal(level.getString(from)).stripTrailingZeros().toPlainString() + " "
        + Double.parseDouble(level.getString(from + 1));
  }

  private static List<String> levels(long[] prices, double[] sizes) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < prices.length; i++) {
      out.add(Prices.format(prices[i]) + " " + sizes[i]);
    }
    return out;
  }

  /**
   * The whole capture through one book per product: none ever crosses or sees an update before its snapshot, and
   * after every message each side is, level for level, the best of a full book kept beside it in decimals, to the
   * depth kept (1000, and 20 to exercise dropping levels): its best 25 levels after every message, all of them at the
 * end.
   */
  @Test
  void theCaptureReplaysThroughTheBookWithoutACrossedBook() {
    for (int depth : new int[] {1000, 20}) {
      Map<String, OrderBook> books = new HashMap<>();
      Map<String, TreeMap<BigDecimal, BigDecimal>> fullBids = new HashMap<>();
      Map<String, TreeMap<BigDecimal, BigDecimal>> fullAsks = new HashMap<>();
      int applied = 0;
      for (String json : level2) {
        BookUpdate u = ((FeedMessage.BookMessage) parser.parse(json)).update();
        OrderBook book = books.computeIfAbsent(u.symbol(), s -> new OrderBook(depth));
        assertEquals(OrderBook.Applied.APPLIED, book.apply(u), json);
        applied++;
        TreeMap<BigDecimal, BigDecimal> bids = fullBids.computeIfAbsent(u.symbol(),
            s -> new TreeMap<>(Collections.reverseOrder()));
        TreeMap<BigDecimal, BigDecimal> asks = fullAsks.computeIfAbsent(u.symbol(), s -> new TreeMap<>());
        JsonObject raw = new JsonObject(json);
        if (u.snapshot()) {
          bids.clear();
          asks.clear();
          raw.getJsonArray("bids").forEach(l -> set(bids, (JsonArray) l, 0));
          raw.getJsonArray("asks").forEach(l -> set(asks, (JsonArray) l, 0));
        } else {
          raw.getJsonArray("changes").forEach(c -> set(((JsonArray) c).getString(0).equals("buy") ? bids : asks,
              (JsonArray) c, 1));
        }
        assertTrue(bids.firstKey().compareTo(asks.firstKey()) < 0, "the capture itself is never crossed");
        assertTopOf(bids, book, true, 25, json);
        assertTopOf(asks, book, false, 25, json);
      }
      assertEquals(9729, applied);
      assertEquals(10, books.size());
      books.values().forEach(b -> assertEquals(OrderBook.State.OK, b.state()));
      books.forEach((s, b) -> {
        assertTopOf(fullBids.get(s), b, true, depth, s);
        assertTopOf(fullAsks.get(s), b, false, depth, s);
      });
      if (depth == 1000) {
        // Every side but SKL-USD's asks fits the depth and is kept whole. SKL-USD's snapshot had more than 1000 asks:
        // the levels beyond them are unknown, so the 3 levels its top lost since cannot be refilled from below.
        books.forEach((s, b) -> {
          assertEquals(fullBids.get(s).size(), b.bidLevels(), s);
          assertEquals(s.equals("SKL-USD") ? 997 : fullAsks.get(s).size(), b.askLevels(), s);
        });
        assertEquals(1341, fullAsks.get("SKL-USD").size());
      }
    }
  }

  private static void set(TreeMap<BigDecimal, BigDecimal> side, JsonArray level, int from) {
    BigDecimal price = new BigDecimal(level.getString(from));
    BigDecimal size = new BigDecimal(level.getString(from + 1));
    if (size.signum() == 0) {
      side.remove(price);
    } else {
      side.put(price, size);
    }
  }

  /** The first {@code upTo} levels of the side are the full book's best, exactly. */
  private static void assertTopOf(TreeMap<BigDecimal, BigDecimal> full, OrderBook book, boolean bids, int upTo,
      String json) {
    int levels = Math.min(upTo, bids ? book.bidLevels() : book.askLevels());
    int i = 0;
    for (Map.Entry<BigDecimal, BigDecimal> e : full.entrySet()) {
      if (i == levels) {
        break;
      }
      long price = bids ? book.bidPrice(i) : book.askPrice(i);
      double qty = bids ? book.bidQuantity(i) : book.askQuantity(i);
      assertEquals(0, e.getKey().compareTo(new BigDecimal(Prices.format(price))), json);
      assertEquals(e.getValue().doubleValue(), qty, json);
      i++;
    }
    assertEquals(levels, i);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // one line per defect, and the forms accepted

  private static final String SNAPSHOT = "{\"type\":\"snapshot\",\"product_id\":\"BAND-GBP\","
      + "\"bids\":[[\"14.7550\",\"10.5\"],[\"14.70\",\"1\"]],\"asks\":[[\"14.8060\",\"2.25\"]]}";
  private static final String UPDATE = "{\"type\":\"l2update\",\"product_id\":\"BAND-GBP\","
      + "\"changes\":[[\"buy\",\"14.7551\",\"3\"],[\"sell\",\"14.8060\",\"0\"]],"
      + "\"time\":\"2021-04-17T16:43:37.075687Z\"}";

  private static String snapshotWith(String bids) {
    return "{\"type\":\"snapshot\",\"product_id\":\"BAND-GBP\",\"bids\":" + bids + ",\"asks\":[]}";
  }

  private static String updateWith(String changes) {
    return "{\"type\":\"l2update\",\"product_id\":\"BAND-GBP\",\"changes\":" + changes
        + ",\"time\":\"2021-04-17T16:43:37.075687Z\"}";
  }

  @Test
  void aSnapshotAndAnUpdateParseToTheirLevels() {
    BookUpdate s = ((FeedMessage.BookMessage) parser.parse(SNAPSHOT)).update();
    assertEquals(List.of("14.755 10.5", "14.7 1.0"), levels(s.bidPrices(), s.bidSizes()));
    assertEquals(List.of("14.806 2.25"), levels(s.askPrices(), s.askSizes()));
    assertTrue(s.snapshot());
    BookUpdate u = ((FeedMessage.BookMessage) parser.parse(UPDATE)).update();
    assertEquals(List.of("14.7551 3.0"), levels(u.bidPrices(), u.bidSizes()));
    assertEquals(List.of("14.806 0.0"), levels(u.askPrices(), u.askSizes()), "size 0 removes the level");
    assertEquals(1618677817075L, u.timeMs());
    assertEquals(IsoTime.INVALID, ((FeedMessage.BookMessage) parser.parse(updateWith("[]").replace(
        ",\"time\":\"2021-04-17T16:43:37.075687Z\"", ""))).update().timeMs());
    // fields in any order; an empty side; a price with trailing zeros beyond eight decimals
    BookUpdate reordered = ((FeedMessage.BookMessage) parser.parse("{\"asks\":[],\"bids\":[[\"0.100000000000\","
        + "\"1.00000000\"]],\"extra\":[1,[2]],\"product_id\":\"BAND-GBP\",\"type\":\"snapshot\"}")).update();
    assertEquals(List.of("0.1 1.0"), levels(reordered.bidPrices(), reordered.bidSizes()));
    assertEquals(0, reordered.askPrices().length);
  }

  static Stream<Arguments> defects() {
    List<Arguments> a = new ArrayList<>();
    a.add(Arguments.of("snapshot without bids", SNAPSHOT.replace("\"bids\"", "\"bidz\""),
        MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("snapshot without product", SNAPSHOT.replace("\"product_id\":\"BAND-GBP\",", ""),
        MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("update without changes", UPDATE.replace("\"changes\"", "\"chances\""),
        MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("bids not an array", snapshotWith("{}"), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("changes a string", updateWith("\"buy\""), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("a level not an array", snapshotWith("[\"14.7\"]"), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("a level without its size", snapshotWith("[[\"14.7\"]]"), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("a level with a third element", snapshotWith("[[\"14.7\",\"1\",\"x\"]]"),
        MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("a level of numbers", snapshotWith("[[14.7,1]]"), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("a nested level", snapshotWith("[[[\"14.7\"],\"1\"]]"), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("a change without its side", updateWith("[[\"14.7\",\"1\"]]"), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("a change with a null size", updateWith("[[\"buy\",\"14.7\",null]]"),
        MalformedReason.MISSING_FIELD));
    for (String bad : List.of("abc", "", "1e3", "14.7.1", "+14.7", " 14.7", "0x1F", "NaN", "Infinity",
        "14.123456789", "99999999999999")) {
      a.add(Arguments.of("price " + bad, snapshotWith("[[\"" + bad + "\",\"1\"]]"), MalformedReason.BAD_NUMBER));
      a.add(Arguments.of("size " + bad, updateWith("[[\"sell\",\"14.7\",\"" + bad + "\"]]"),
          MalformedReason.BAD_NUMBER));
    }
    for (String bad : List.of("0", "0.000", "-14.7")) {
      a.add(Arguments.of("price " + bad, updateWith("[[\"buy\",\"" + bad + "\",\"1\"]]"),
          MalformedReason.NON_POSITIVE));
    }
    a.add(Arguments.of("negative size", snapshotWith("[[\"14.7\",\"-1\"]]"), MalformedReason.NON_POSITIVE));
    for (String bad : List.of("BUY", "bid", "ask", "offer", "")) {
      a.add(Arguments.of("side " + bad, updateWith("[[\"" + bad + "\",\"14.7\",\"1\"]]"), MalformedReason.BAD_SIDE));
    }
    a.add(Arguments.of("one bad level of many", updateWith("[[\"buy\",\"14.7\",\"1\"],[\"sell\",\"x\",\"1\"]]"),
        MalformedReason.BAD_NUMBER));
    a.add(Arguments.of("unknown product", SNAPSHOT.replace("BAND-GBP", "BTC-USD"), MalformedReason.UNKNOWN_PRODUCT));
    a.add(Arguments.of("bad time", UPDATE.replace("2021-04-17T16:43:37.075687Z", "later"), MalformedReason.BAD_TIME));
    a.add(Arguments.of("levels not closed", SNAPSHOT.substring(0, SNAPSHOT.indexOf("]]")), MalformedReason.NOT_JSON));
    return a.stream();
  }

  @ParameterizedTest(name = "[{index}] {0} -> {2}")
  @MethodSource("defects")
  void eachDefectGivesItsMalformedReason(String what, String line, MalformedReason reason) {
    assertEquals(new FeedMessage.Malformed(reason), parser.parse(line), line);
  }

  @Test
  void aWellFormedLevelMessageIsNeverIgnored() {
    assertInstanceOf(FeedMessage.BookMessage.class, parser.parse(updateWith("[]")));
  }
}
