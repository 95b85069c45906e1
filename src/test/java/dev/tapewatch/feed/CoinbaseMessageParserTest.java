package dev.tapewatch.feed;

import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Coinbase Exchange ws-feed parser, against a real capture (../shared/data, see PROVENANCE.md there) and against
 * one minimal line per kind of defect.
 */
class CoinbaseMessageParserTest {
  private static final Path DATA = Path.of("..", "shared", "data");
  private static final Path EXCHANGE_CAPTURE = DATA.resolve("coinbase_exchange_wsfeed_capture_2021-04-17.log.gz");
  private static final Path ADVTRADE_CAPTURE = DATA.resolve("coinbase_advtrade_ws_capture_2026-08-09.jsonl.gz");
  private static final Path ADVTRADE_TRADES = DATA.resolve("coinbase_advtrade_trades_btc_eth_2026-08-09.ndjson");

  /** The ten products subscribed in the Exchange capture. */
  private static final List<String> CAPTURE_PRODUCTS = List.of("SKL-USD", "SKL-BTC", "BAND-GBP", "NMR-EUR",
      "BAND-BTC", "YFI-BTC", "DASH-BTC", "NU-GBP", "CRV-EUR", "SKL-GBP");

  /** Capture line forms: {@code <ts>: <json>} received, {@code <addr> <- <ts>: <json>} sent, {@code <addr> <-> <ts>}. */
  private static final Pattern RECEIVED = Pattern.compile("^\\d+(?:\\.\\d+)?: (\\{.*)$");
  private static final Pattern SENT = Pattern.compile("^\\S+ <- \\d+(?:\\.\\d+)?: (\\{.*)$");
  private static final Pattern CONNECT = Pattern.compile("^\\S+ <-> \\d+(?:\\.\\d+)?$");

  private static List<String> received;
  private static List<String> sent;

  private final CoinbaseMessageParser parser = new CoinbaseMessageParser(CAPTURE_PRODUCTS);

  @BeforeAll
  static void readExchangeCapture() {
    List<String> lines = gunzipLines(EXCHANGE_CAPTURE);
    received = new ArrayList<>();
    sent = new ArrayList<>();
    int connects = 0;
    int blank = 0;
    for (String line : lines) {
      Matcher m;
      if ((m = RECEIVED.matcher(line)).matches()) {
        received.add(m.group(1));
      } else if ((m = SENT.matcher(line)).matches()) {
        sent.add(m.group(1));
      } else if (CONNECT.matcher(line).matches()) {
        connects++;
      } else if (line.isBlank()) {
        blank++;
      } else {
        fail("unexpected capture line: " + line);
      }
    }
    assertEquals(9952, lines.size(), "capture lines");
    assertEquals(1, connects, "connect lines");
    assertEquals(3, sent.size(), "sent lines");
    assertEquals(2, blank, "blank lines at the end");
    assertEquals(9946, received.size(), "received lines");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 1. The Exchange capture, every received message

  @Test
  void everyReceivedMessageOfTheCaptureIsClassifiedWithExactCountsAndNoneMalformed() {
    Map<String, Integer> counts = new TreeMap<>();
    for (String json : received) {
      FeedMessage msg = parser.parse(json);
      String kind;
      if (msg instanceof FeedMessage.TradeMessage t) {
        kind = t.lastMatch() ? "trade/last_match" : "trade/match";
      } else if (msg instanceof FeedMessage.TickerMessage) {
        kind = "ticker";
      } else if (msg instanceof FeedMessage.Ignored i) {
        kind = "ignored/" + i.type();
      } else if (msg instanceof FeedMessage.Subscriptions) {
        kind = "subscriptions";
      } else if (msg instanceof FeedMessage.BookMessage b) {
        kind = b.update().snapshot() ? "book/snapshot" : "book/l2update";
      } else {
        kind = msg.toString();
      }
      counts.merge(kind, 1, Integer::sum);
    }
    Map<String, Integer> expected = new TreeMap<>(Map.of(
        "trade/match", 97,
        "trade/last_match", 10,
        "ticker", 107,
        "book/l2update", 9719,
        "book/snapshot", 10,
        "subscriptions", 3));
    assertEquals(expected, counts, "no Malformed, Heartbeat, ServerError or other kind may appear");
  }

  @Test
  void sentSubscribeLinesAreIgnoredNotMalformed() {
    for (String json : sent) {
      assertEquals(new FeedMessage.Ignored("subscribe"), parser.parse(json), json);
    }
  }

  @Test
  void everyCapturedTradeMatchesItsRawFieldsWithTakerSideOppositeToTheMakerSide() {
    int trades = 0;
    for (String json : received) {
      JsonObject raw = new JsonObject(json);
      String type = raw.getString("type");
      if (!type.equals("match") && !type.equals("last_match")) {
        continue;
      }
      trades++;
      FeedMessage.TradeMessage msg = assertInstanceOf(FeedMessage.TradeMessage.class, parser.parse(json), json);
      Trade t = msg.trade();
      assertEquals(type.equals("last_match"), msg.lastMatch(), json);
      assertEquals(raw.getString("product_id"), t.symbol(), json);
      assertEquals(Double.parseDouble(raw.getString("price")), t.price(), 0.0, json);
      assertEquals(Double.parseDouble(raw.getString("size")), t.size(), 0.0, json);
      assertEquals(Instant.parse(raw.getString("time")).toEpochMilli(), t.timeMs(), json);
      assertEquals(raw.getLong("trade_id").longValue(), t.tradeId(), json);
      Side maker = raw.getString("side").equals("buy") ? Side.BUY : Side.SELL;
      assertEquals(maker.opposite(), t.takerSide(), json);
    }
    assertEquals(107, trades);
  }

  @Test
  void spotCheckedTradesHaveExactFields() {
    Map<Long, Trade> byId = new HashMap<>();
    Map<Long, Boolean> lastMatch = new HashMap<>();
    for (String json : received) {
      if (parser.parse(json) instanceof FeedMessage.TradeMessage m) {
        assertEquals(null, byId.put(m.trade().tradeId(), m.trade()), "trade ids are unique in this capture");
        lastMatch.put(m.trade().tradeId(), m.lastMatch());
      }
    }
    // last_match, maker "sell" -> taker BUY (the capture's ticker for 881613 says "buy").
    assertEquals(new Trade("BAND-GBP", 1618677810244L, 14.7775, 0.04, Side.BUY, 881613), byId.get(881613L));
    assertTrue(lastMatch.get(881613L));
    // last_match, maker "buy" -> taker SELL.
    assertEquals(new Trade("SKL-GBP", 1618677809571L, 0.5752, 1008.2, Side.SELL, 82007), byId.get(82007L));
    assertEquals(new Trade("YFI-BTC", 1618677795270L, 0.82601, 0.000007, Side.SELL, 889760), byId.get(889760L));
    // matches
    assertEquals(new Trade("SKL-BTC", 1618677817089L, 0.00001305, 985, Side.BUY, 280232), byId.get(280232L));
    assertFalse(lastMatch.get(280232L));
    assertEquals(new Trade("SKL-USD", 1618677817314L, 0.7916, 23011.6, Side.BUY, 1568271), byId.get(1568271L));
    assertEquals(new Trade("NMR-EUR", 1618677830270L, 66.9254, 1.765, Side.SELL, 868606), byId.get(868606L));
    assertEquals(new Trade("DASH-BTC", 1618677833864L, 0.00617818, 0.295, Side.SELL, 923562), byId.get(923562L));
  }

  @Test
  void tradeId881613TickerAndLastMatchAgreeOnTakerBuy() {
    String ticker = received.stream().filter(s -> s.contains("\"type\":\"ticker\"") && s.contains("\"trade_id\":881613,"))
        .findFirst().orElseThrow();
    String last = received.stream().filter(s -> s.contains("\"type\":\"last_match\"")
        && s.contains("\"trade_id\":881613,")).findFirst().orElseThrow();
    assertTrue(ticker.contains("\"side\":\"buy\""), "the ticker carries the taker side");
    assertTrue(last.contains("\"side\":\"sell\""), "the last_match carries the maker side");

    FeedMessage.TradeMessage trade = assertInstanceOf(FeedMessage.TradeMessage.class, parser.parse(last));
    FeedMessage.TickerMessage tick = assertInstanceOf(FeedMessage.TickerMessage.class, parser.parse(ticker));
    assertEquals(Side.BUY, trade.trade().takerSide());
    assertEquals(881613L, tick.tradeId());
    assertEquals(new Quote("BAND-GBP", 1618677810244L, 14.7550, 14.8060), tick.quote());
    assertEquals(trade.trade().timeMs(), tick.quote().timeMs());
  }

  @Test
  void everyCapturedTradeHasTheTakerSideOfTheTickerWithTheSameTradeId() {
    // For every trade the capture also has a ticker with the same (product, trade_id) whose "side" is the taker's.
    Map<String, String> tickerSide = new HashMap<>();
    for (String json : received) {
      JsonObject raw = new JsonObject(json);
      if (raw.getString("type").equals("ticker")) {
        tickerSide.put(raw.getString("product_id") + "/" + raw.getLong("trade_id"), raw.getString("side"));
      }
    }
    int compared = 0;
    for (String json : received) {
      if (parser.parse(json) instanceof FeedMessage.TradeMessage m) {
        String side = tickerSide.get(m.trade().symbol() + "/" + m.trade().tradeId());
        assertNotNull(side, "ticker for " + m.trade());
        assertEquals(side, m.trade().takerSide().wire(), json);
        compared++;
      }
    }
    assertEquals(107, compared);
  }

  @Test
  void everyCapturedTickerGivesAnUncrossedQuoteWithItsRawFields() {
    int tickers = 0;
    for (String json : received) {
      JsonObject raw = new JsonObject(json);
      if (!raw.getString("type").equals("ticker")) {
        continue;
      }
      tickers++;
      FeedMessage.TickerMessage msg = assertInstanceOf(FeedMessage.TickerMessage.class, parser.parse(json), json);
      Quote q = msg.quote();
      assertTrue(q.bid() <= q.ask(), json);
      assertTrue(q.bid() > 0, json);
      assertEquals(raw.getString("product_id"), q.symbol(), json);
      assertEquals(Double.parseDouble(raw.getString("best_bid")), q.bid(), 0.0, json);
      assertEquals(Double.parseDouble(raw.getString("best_ask")), q.ask(), 0.0, json);
      assertEquals(Instant.parse(raw.getString("time")).toEpochMilli(), q.timeMs(), json);
      assertEquals(raw.getLong("trade_id").longValue(), msg.tradeId(), json);
    }
    assertEquals(107, tickers);
  }

  @Test
  void captureTradesOfProductsNotConfiguredAreUnknownProduct() {
    CoinbaseMessageParser onlySklUsd = new CoinbaseMessageParser(List.of("SKL-USD"));
    int trades = 0;
    int unknown = 0;
    for (String json : received) {
      FeedMessage m = onlySklUsd.parse(json);
      if (m instanceof FeedMessage.TradeMessage t) {
        assertEquals("SKL-USD", t.trade().symbol());
        trades++;
      } else if (m instanceof FeedMessage.Malformed bad) {
        assertEquals(MalformedReason.UNKNOWN_PRODUCT, bad.reason(), json);
        unknown++;
      }
    }
    assertEquals(53, trades, "SKL-USD trades in the capture");
    assertEquals((107 - 53) + (107 - 53) + 7136, unknown,
        "other products' trades and tickers (one ticker per trade), and their 7,136 level-2 messages");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 2. One minimal line per defect

  /** A real last_match line of the capture (trade 881613), field by field as raw JSON literals. */
  private static Map<String, String> matchFields() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("type", "\"match\"");
    f.put("trade_id", "881613");
    f.put("maker_order_id", "\"27fff20b-af29-4f45-8744-56dd1ef57dc0\"");
    f.put("taker_order_id", "\"1da6ce16-c8da-4732-9f71-6049f4c6aaf8\"");
    f.put("side", "\"sell\"");
    f.put("size", "\"0.04\"");
    f.put("price", "\"14.7775\"");
    f.put("product_id", "\"BAND-GBP\"");
    f.put("sequence", "333938798");
    f.put("time", "\"2021-04-17T16:43:30.244075Z\"");
    return f;
  }

  /** The capture's ticker for trade 881613. */
  private static Map<String, String> tickerFields() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("type", "\"ticker\"");
    f.put("sequence", "333938798");
    f.put("product_id", "\"BAND-GBP\"");
    f.put("price", "\"14.7775\"");
    f.put("open_24h", "\"14.6647\"");
    f.put("volume_24h", "\"94381.28000000\"");
    f.put("best_bid", "\"14.7550\"");
    f.put("best_ask", "\"14.8060\"");
    f.put("side", "\"buy\"");
    f.put("time", "\"2021-04-17T16:43:30.244075Z\"");
    f.put("trade_id", "881613");
    f.put("last_size", "\"0.04\"");
    return f;
  }

  private static String json(Map<String, String> fields) {
    StringBuilder sb = new StringBuilder("{");
    fields.forEach((k, v) -> {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"').append(k).append("\":").append(v);
    });
    return sb.append('}').toString();
  }

  /** The match with {@code field} set to the raw JSON {@code value}, or removed when value is null. */
  private static String match(String field, String value) {
    Map<String, String> f = matchFields();
    if (value == null) {
      f.remove(field);
    } else {
      f.put(field, value);
    }
    return json(f);
  }

  private static String ticker(String field, String value) {
    Map<String, String> f = tickerFields();
    if (value == null) {
      f.remove(field);
    } else {
      f.put(field, value);
    }
    return json(f);
  }

  private static final String VALID_MATCH = json(matchFields());
  private static final String VALID_TICKER = json(tickerFields());
  private static final Trade TRADE_881613 = new Trade("BAND-GBP", 1618677810244L, 14.7775, 0.04, Side.BUY, 881613);
  private static final Quote QUOTE_881613 = new Quote("BAND-GBP", 1618677810244L, 14.7550, 14.8060);

  @Test
  void theTemplatesThemselvesParse() {
    CoinbaseMessageParser p = new CoinbaseMessageParser(CAPTURE_PRODUCTS);
    assertEquals(new FeedMessage.TradeMessage(TRADE_881613, false), p.parse(VALID_MATCH));
    assertEquals(new FeedMessage.TradeMessage(TRADE_881613, true), p.parse(match("type", "\"last_match\"")));
    assertEquals(new FeedMessage.TickerMessage(QUOTE_881613, 881613), p.parse(VALID_TICKER));
  }

  static Stream<Arguments> malformed() {
    List<Arguments> a = new ArrayList<>();
    // not JSON, or not one JSON object
    a.add(Arguments.of("empty line", "", MalformedReason.NOT_JSON));
    a.add(Arguments.of("blank line", "   ", MalformedReason.NOT_JSON));
    a.add(Arguments.of("plain text", "hello", MalformedReason.NOT_JSON));
    a.add(Arguments.of("lone brace", "{", MalformedReason.NOT_JSON));
    a.add(Arguments.of("truncated object", "{\"type\":\"match\"", MalformedReason.NOT_JSON));
    a.add(Arguments.of("truncated match", VALID_MATCH.substring(0, VALID_MATCH.length() / 2), MalformedReason.NOT_JSON));
    a.add(Arguments.of("match without its closing brace", VALID_MATCH.substring(0, VALID_MATCH.length() - 1),
        MalformedReason.NOT_JSON));
    a.add(Arguments.of("JSON array", "[]", MalformedReason.NOT_JSON));
    a.add(Arguments.of("JSON array holding a match", "[" + VALID_MATCH + "]", MalformedReason.NOT_JSON));
    a.add(Arguments.of("JSON string", "\"match\"", MalformedReason.NOT_JSON));
    a.add(Arguments.of("JSON number", "42", MalformedReason.NOT_JSON));
    a.add(Arguments.of("JSON null", "null", MalformedReason.NOT_JSON));
    a.add(Arguments.of("trailing garbage", VALID_MATCH + " garbage", MalformedReason.NOT_JSON));
    a.add(Arguments.of("trailing brace", VALID_MATCH + "}", MalformedReason.NOT_JSON));
    a.add(Arguments.of("two objects on one line", VALID_MATCH + VALID_TICKER, MalformedReason.NOT_JSON));
    a.add(Arguments.of("trailing comma", "{\"type\":\"ticker\",}", MalformedReason.NOT_JSON));
    a.add(Arguments.of("single quotes", "{'type':'ticker'}", MalformedReason.NOT_JSON));
    a.add(Arguments.of("bare NaN literal", match("price", "NaN"), MalformedReason.NOT_JSON));
    a.add(Arguments.of("bare Infinity literal", match("size", "Infinity"), MalformedReason.NOT_JSON));
    // missing type
    a.add(Arguments.of("empty object", "{}", MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("match without type", match("type", null), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("type not a string", match("type", "7"), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("type null", match("type", "null"), MalformedReason.MISSING_FIELD));
    // each required field of a match
    for (String field : List.of("product_id", "time", "side", "price", "size", "trade_id")) {
      a.add(Arguments.of("match without " + field, match(field, null), MalformedReason.MISSING_FIELD));
      a.add(Arguments.of("last_match without " + field,
          json(replace(replace(matchFields(), "type", "\"last_match\""), field, null)), MalformedReason.MISSING_FIELD));
    }
    a.add(Arguments.of("match with trade_id null", match("trade_id", "null"), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("match with time null", match("time", "null"), MalformedReason.MISSING_FIELD));
    a.add(Arguments.of("match with side a number", match("side", "1"), MalformedReason.MISSING_FIELD));
    // each required field of a ticker
    for (String field : List.of("product_id", "time", "best_bid", "best_ask")) {
      a.add(Arguments.of("ticker without " + field, ticker(field, null), MalformedReason.MISSING_FIELD));
    }
    // numbers
    for (String bad : List.of("\"abc\"", "\"0x1A\"", "\"0x1p3\"", "\"\"", "\" 1\"", "\"1,5\"", "\"1.2.3\"",
        "\"--1\"", "\"1e\"", "\"+\"", "\"12d\"", "\"12f\"", "\"NaNa\"", "\"Infinite\"", "\"-\"", "true", "{}", "[]",
        "null")) {
      a.add(Arguments.of("match price " + bad, match("price", bad), MalformedReason.BAD_NUMBER));
      a.add(Arguments.of("match size " + bad, match("size", bad), MalformedReason.BAD_NUMBER));
      a.add(Arguments.of("ticker best_bid " + bad, ticker("best_bid", bad), MalformedReason.BAD_NUMBER));
      a.add(Arguments.of("ticker best_ask " + bad, ticker("best_ask", bad), MalformedReason.BAD_NUMBER));
    }
    for (String bad : List.of("\"12a\"", "\"abc\"", "\"0x1F\"", "\"\"", "\"1e3\"", "\"-5\"", "\" 5\"", "1.5", "2e3",
        "true", "{}")) {
      a.add(Arguments.of("match trade_id " + bad, match("trade_id", bad), MalformedReason.BAD_NUMBER));
    }
    a.add(Arguments.of("ticker trade_id with letters", ticker("trade_id", "\"88161x\""), MalformedReason.BAD_NUMBER));
    // a whole-number trade id too large for a long is a bad number, like the same digits as a string
    a.add(Arguments.of("match trade_id beyond long", match("trade_id", "99999999999999999999"),
        MalformedReason.BAD_NUMBER));
    a.add(Arguments.of("match trade_id string beyond long", match("trade_id", "\"99999999999999999999\""),
        MalformedReason.BAD_NUMBER));
    // NaN and Infinity spelled out, and decimals beyond a double, in strings or as plain JSON numbers
    for (String bad : List.of("\"NaN\"", "\"nan\"", "\"-NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"+Infinity\"",
        "\"inf\"", "\"-INF\"", "\"1e400\"", "\"-1e400\"", "\"1.8e308\"", "1e400", "-1e400")) {
      a.add(Arguments.of("match price " + bad, match("price", bad), MalformedReason.NON_FINITE));
      a.add(Arguments.of("match size " + bad, match("size", bad), MalformedReason.NON_FINITE));
      a.add(Arguments.of("ticker best_bid " + bad, ticker("best_bid", bad), MalformedReason.NON_FINITE));
      a.add(Arguments.of("ticker best_ask " + bad, ticker("best_ask", bad), MalformedReason.NON_FINITE));
    }
    // zero and negative
    for (String bad : List.of("\"0\"", "\"0.0\"", "\"-0\"", "\"-1\"", "\"-0.0001\"", "0", "-3")) {
      a.add(Arguments.of("match price " + bad, match("price", bad), MalformedReason.NON_POSITIVE));
      a.add(Arguments.of("match size " + bad, match("size", bad), MalformedReason.NON_POSITIVE));
      a.add(Arguments.of("ticker best_bid " + bad, ticker("best_bid", bad), MalformedReason.NON_POSITIVE));
      a.add(Arguments.of("ticker best_ask " + bad, ticker("best_ask", bad), MalformedReason.NON_POSITIVE));
    }
    for (String bad : List.of("0", "\"0\"", "-5", "-1", "-2")) {
      a.add(Arguments.of("match trade_id " + bad, match("trade_id", bad), MalformedReason.NON_POSITIVE));
    }
    // time
    for (String bad : List.of("yesterday", "", "2021-04-17", "2021-04-17T16:43:30.244075",
        "2021-04-17 16:43:30.244075Z", "2021-04-17T16:43:30.244075+01:00", "2021-13-17T16:43:30.244075Z",
        "2021-02-30T16:43:30.244075Z", "2023-02-29T16:43:30Z", "2021-04-17T24:43:30Z", "2021-04-17T16:43:30.Z",
        "2021-04-17T16:43:30.1234567890Z", "2021-04-17T1a:43:30Z", "2021-04-17T16:4x:30Z", "2021-04-17T16:43:-1Z",
        "1618677810.244")) {
      a.add(Arguments.of("match time " + bad, match("time", "\"" + bad + "\""), MalformedReason.BAD_TIME));
      a.add(Arguments.of("ticker time " + bad, ticker("time", "\"" + bad + "\""), MalformedReason.BAD_TIME));
    }
    // product
    for (String bad : List.of("BTC-USD", "band-gbp", "BAND-GBP ", "", "BAND/GBP")) {
      a.add(Arguments.of("match product " + bad, match("product_id", "\"" + bad + "\""),
          MalformedReason.UNKNOWN_PRODUCT));
      a.add(Arguments.of("ticker product " + bad, ticker("product_id", "\"" + bad + "\""),
          MalformedReason.UNKNOWN_PRODUCT));
    }
    // side
    for (String bad : List.of("BUY", "SELL", "Sell", "bid", "ask", "", " buy", "taker")) {
      a.add(Arguments.of("match side " + bad, match("side", "\"" + bad + "\""), MalformedReason.BAD_SIDE));
    }
    // crossed quote
    Map<String, String> crossed = tickerFields();
    crossed.put("best_bid", "\"14.8061\"");
    a.add(Arguments.of("ticker bid above ask", json(crossed), MalformedReason.CROSSED_QUOTE));
    crossed.put("best_bid", "\"20\"");
    crossed.put("best_ask", "\"3\"");
    a.add(Arguments.of("ticker bid far above ask (string compare would say 20 < 3)", json(crossed),
        MalformedReason.CROSSED_QUOTE));
    return a.stream();
  }

  private static Map<String, String> replace(Map<String, String> fields, String field, String value) {
    if (value == null) {
      fields.remove(field);
    } else {
      fields.put(field, value);
    }
    return fields;
  }

  @ParameterizedTest(name = "[{index}] {0} -> {2}")
  @MethodSource("malformed")
  void eachDefectGivesItsMalformedReason(String what, String line, MalformedReason reason) {
    assertEquals(new FeedMessage.Malformed(reason), parser.parse(line), line);
  }

  @Test
  void numbersGivenAsJsonNumbersInsteadOfStringsAreAccepted() {
    Map<String, String> f = matchFields();
    f.put("price", "14.7775");
    f.put("size", "0.04");
    assertEquals(new FeedMessage.TradeMessage(TRADE_881613, false), parser.parse(json(f)));
    f.put("size", "4e-2");
    assertEquals(new FeedMessage.TradeMessage(TRADE_881613, false), parser.parse(json(f)));
    f.put("trade_id", "\"881613\"");
    assertEquals(new FeedMessage.TradeMessage(TRADE_881613, false), parser.parse(json(f)));

    Map<String, String> t = tickerFields();
    t.put("best_bid", "14.755");
    t.put("best_ask", "14.806");
    assertEquals(new FeedMessage.TickerMessage(QUOTE_881613, 881613), parser.parse(json(t)));

    Trade whole = new Trade("BAND-GBP", 1618677810244L, 15, 2, Side.BUY, 881613);
    assertEquals(new FeedMessage.TradeMessage(whole, false), parser.parse(json(
        replace(replace(matchFields(), "price", "15"), "size", "2"))));
  }

  @Test
  void acceptedVariantsOfValidFields() {
    // maker "buy" -> taker SELL
    assertEquals(new FeedMessage.TradeMessage(
            new Trade("BAND-GBP", 1618677810244L, 14.7775, 0.04, Side.SELL, 881613), false),
        parser.parse(match("side", "\"buy\"")));
    // time with +00:00 instead of Z, and without a fraction
    assertEquals(new FeedMessage.TradeMessage(TRADE_881613, false),
        parser.parse(match("time", "\"2021-04-17T16:43:30.244075+00:00\"")));
    assertEquals(1618677810000L, ((FeedMessage.TradeMessage) parser.parse(match("time", "\"2021-04-17T16:43:30Z\"")))
        .trade().timeMs());
    // fields in any order, unknown fields and nested values skipped, whitespace around
    String reordered = "  {\"time\":\"2021-04-17T16:43:30.244075Z\",\"extra\":{\"a\":[1,{\"b\":null}]},"
        + "\"product_id\":\"BAND-GBP\",\"price\":\"14.7775\",\"size\":\"0.04\",\"side\":\"sell\","
        + "\"trade_id\":881613,\"type\":\"match\"}  ";
    assertEquals(new FeedMessage.TradeMessage(TRADE_881613, false), parser.parse(reordered));
    // a locked quote (bid == ask) is not crossed
    assertEquals(new FeedMessage.TickerMessage(new Quote("BAND-GBP", 1618677810244L, 14.8, 14.8), 881613),
        parser.parse(json(replace(replace(tickerFields(), "best_bid", "\"14.8\""), "best_ask", "\"14.8\""))));
    // a ticker needs neither side nor trade_id (then 0)
    assertEquals(new FeedMessage.TickerMessage(QUOTE_881613, 0),
        parser.parse(json(replace(replace(tickerFields(), "side", null), "trade_id", null))));
    // a ticker's own side is not validated (only the quote is used)
    assertEquals(new FeedMessage.TickerMessage(QUOTE_881613, 881613), parser.parse(ticker("side", "\"BUY\"")));
  }

  @Test
  void otherMessageTypes() {
    long sent = Instant.parse("2021-04-17T16:43:30.244Z").toEpochMilli();
    assertEquals(new FeedMessage.Heartbeat("BAND-GBP", 881613, sent), parser.parse(
        "{\"type\":\"heartbeat\",\"sequence\":333938798,\"last_trade_id\":881613,\"product_id\":\"BAND-GBP\","
            + "\"time\":\"2021-04-17T16:43:30.244075Z\"}"));
    // a heartbeat's time only ever vouches for a held trade: without one it is still a heartbeat
    assertEquals(new FeedMessage.Heartbeat("BAND-GBP", 881613, IsoTime.INVALID), parser.parse(
        "{\"type\":\"heartbeat\",\"last_trade_id\":881613,\"product_id\":\"BAND-GBP\"}"));
    assertEquals(new FeedMessage.Heartbeat("BAND-GBP", 881613, IsoTime.INVALID), parser.parse(
        "{\"type\":\"heartbeat\",\"last_trade_id\":881613,\"product_id\":\"BAND-GBP\",\"time\":\"soon\"}"));
    assertEquals(new FeedMessage.Ignored("heartbeat"), parser.parse(
        "{\"type\":\"heartbeat\",\"last_trade_id\":1,\"product_id\":\"BTC-USD\"}"));
    assertEquals(new FeedMessage.Malformed(MalformedReason.MISSING_FIELD), parser.parse(
        "{\"type\":\"heartbeat\",\"product_id\":\"BAND-GBP\"}"));
    assertEquals(new FeedMessage.Malformed(MalformedReason.MISSING_FIELD), parser.parse(
        "{\"type\":\"heartbeat\",\"last_trade_id\":1}"));
    assertEquals(new FeedMessage.Malformed(MalformedReason.BAD_NUMBER), parser.parse(
        "{\"type\":\"heartbeat\",\"last_trade_id\":\"x1\",\"product_id\":\"BAND-GBP\"}"));
    assertEquals(new FeedMessage.ServerError("Failed to subscribe", "FOO-BAR is not a valid product"), parser.parse(
        "{\"type\":\"error\",\"message\":\"Failed to subscribe\",\"reason\":\"FOO-BAR is not a valid product\"}"));
    assertEquals(new FeedMessage.ServerError("", ""), parser.parse("{\"type\":\"error\"}"));
    assertEquals(new FeedMessage.Subscriptions(), parser.parse("{\"type\":\"subscriptions\",\"channels\":[]}"));
    for (String type : List.of("status", "received", "open", "done", "change", "activate", "subscribe", "")) {
      assertEquals(new FeedMessage.Ignored(type), parser.parse("{\"type\":\"" + type + "\",\"product_id\":\"x\"}"));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Advanced Trade messages (a different protocol) are rejected cleanly

  /**
   * Every Advanced Trade server message is {@code {"channel":..,"timestamp":..,"sequence_num":..,"events":[..]}}: it
   * has no top-level {@code type}, so this Exchange parser classifies it Malformed(MISSING_FIELD), never a trade or a
   * quote, even for channels named market_trades and ticker whose nested events do carry trades and best bid/ask.
   */
  @Test
  void advancedTradeCaptureMessagesAreMissingFieldNeverATrade() {
    CoinbaseMessageParser p = new CoinbaseMessageParser(List.of("BTC-USD", "ETH-USD"));
    Map<String, Integer> channels = new TreeMap<>();
    Map<String, Integer> envelopes = new TreeMap<>();
    int subscribes = 0;
    for (String line : gunzipLines(ADVTRADE_CAPTURE)) {
      JsonObject env = new JsonObject(line);
      String t = env.getString("t");
      envelopes.merge(t, 1, Integer::sum);
      // the recorder's own envelope has no "type" either
      assertEquals(new FeedMessage.Malformed(MalformedReason.MISSING_FIELD), p.parse(line), t);
      if (t.equals("recv")) {
        String data = env.getString("data");
        channels.merge(new JsonObject(data).getString("channel"), 1, Integer::sum);
        assertEquals(new FeedMessage.Malformed(MalformedReason.MISSING_FIELD), p.parse(data), data);
      } else if (t.equals("send")) {
        // the client's subscribe does carry "type":"subscribe"
        assertEquals(new FeedMessage.Ignored("subscribe"), p.parse(env.getString("data")));
        subscribes++;
      }
    }
    assertEquals(5, subscribes);
    assertEquals(Map.of("header", 1, "http", 1, "connect", 1, "send", 5, "recv", 1030), envelopes);
    assertEquals(Map.of("l2_data", 775, "ticker", 160, "market_trades", 59, "heartbeats", 25, "candles", 6,
        "subscriptions", 5), channels);
  }

  /**
   * The de-duplicated Advanced Trade trades have no {@code type}: MISSING_FIELD. Relabelled as Exchange matches they
   * are still rejected, as BAD_SIDE: Advanced Trade spells sides BUY/SELL, so they can never be taken for an
   * Exchange side.
   */
  @Test
  void advancedTradeTradeRecordsAreRejected() throws IOException {
    CoinbaseMessageParser p = new CoinbaseMessageParser(List.of("BTC-USD", "ETH-USD"));
    List<String> lines = Files.readAllLines(ADVTRADE_TRADES, StandardCharsets.UTF_8);
    assertEquals(279, lines.size());
    for (String line : lines) {
      assertEquals(new FeedMessage.Malformed(MalformedReason.MISSING_FIELD), p.parse(line), line);
      String asMatch = "{\"type\":\"match\"," + line.trim().substring(1);
      assertEquals(new FeedMessage.Malformed(MalformedReason.BAD_SIDE), p.parse(asMatch), asMatch);
    }
    // As REST trade elements they are rejected the same way, one result per element.
    String body = "[" + String.join(",", lines) + "]";
    List<FeedMessage> out = p.parseRestTrades("BTC-USD", body);
    assertEquals(279, out.size());
    out.forEach(m -> assertEquals(new FeedMessage.Malformed(MalformedReason.BAD_SIDE), m));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 3. REST /products/{id}/trades

  /** The capture's SKL-USD match messages, oldest first. */
  private static List<JsonObject> sklUsdMatches() {
    List<JsonObject> out = new ArrayList<>();
    for (String json : received) {
      JsonObject raw = new JsonObject(json);
      if (raw.getString("type").equals("match") && raw.getString("product_id").equals("SKL-USD")) {
        out.add(raw);
      }
    }
    return out;
  }

  /** The capture's SKL-USD matches as the REST endpoint returns them: newest first, {time,trade_id,price,size,side}. */
  @Test
  void restBodyBuiltFromCaptureMatchesGivesTheSameTradesAsTheWebsocket() {
    List<JsonObject> matches = sklUsdMatches();
    assertEquals(52, matches.size(), "SKL-USD match messages (its 53rd trade is a last_match)");
    JsonArray body = new JsonArray();
    for (int i = matches.size() - 1; i >= 0; i--) {
      JsonObject m = matches.get(i);
      body.add(new JsonObject().put("time", m.getString("time")).put("trade_id", m.getLong("trade_id"))
          .put("price", m.getString("price")).put("size", m.getString("size")).put("side", m.getString("side")));
    }
    List<FeedMessage> out = parser.parseRestTrades("SKL-USD", body.encodePrettily());
    assertEquals(52, out.size());
    for (int i = 0; i < out.size(); i++) {
      FeedMessage ws = parser.parse(matches.get(matches.size() - 1 - i).encode());
      assertEquals(ws, out.get(i), "element " + i);
      assertFalse(((FeedMessage.TradeMessage) out.get(i)).lastMatch());
    }
    // first element: the newest SKL-USD match of the capture
    Trade newest = ((FeedMessage.TradeMessage) out.get(0)).trade();
    assertEquals("SKL-USD", newest.symbol());
    assertEquals(matches.get(matches.size() - 1).getLong("trade_id").longValue(), newest.tradeId());
  }

  @Test
  void restTradesOfOneRealElement() {
    String body = "[{\"time\":\"2021-04-17T16:43:37.314473Z\",\"trade_id\":1568271,\"price\":\"0.79160000\","
        + "\"size\":\"23011.60000000\",\"side\":\"sell\"}]";
    assertEquals(List.of(new FeedMessage.TradeMessage(
            new Trade("SKL-USD", 1618677817314L, 0.7916, 23011.6, Side.BUY, 1568271), false)),
        parser.parseRestTrades("SKL-USD", body));
    assertEquals(List.of(), parser.parseRestTrades("SKL-USD", "[]"));
    assertEquals(List.of(), parser.parseRestTrades("SKL-USD", " [ ] \n"));
    assertEquals(List.of(new FeedMessage.Malformed(MalformedReason.UNKNOWN_PRODUCT)),
        parser.parseRestTrades("BTC-USD", body));
  }

  private static final String REST_OK = "{\"time\":\"2021-04-17T16:43:37.314473Z\",\"trade_id\":1568271,"
      + "\"price\":\"0.7916\",\"size\":\"23011.6\",\"side\":\"sell\"}";
  private static final FeedMessage REST_OK_TRADE = new FeedMessage.TradeMessage(
      new Trade("SKL-USD", 1618677817314L, 0.7916, 23011.6, Side.BUY, 1568271), false);

  static Stream<Arguments> badRestBodies() {
    FeedMessage notJson = new FeedMessage.Malformed(MalformedReason.NOT_JSON);
    return Stream.of(
        Arguments.of("empty body", "", List.of(notJson)),
        Arguments.of("HTML error page", "<html><body>502 Bad Gateway</body></html>", List.of(notJson)),
        Arguments.of("error object", "{\"message\":\"NotFound\"}", List.of(notJson)),
        Arguments.of("null", "null", List.of(notJson)),
        Arguments.of("lone bracket", "[", List.of(notJson)),
        Arguments.of("array of numbers", "[1,2]", List.of(notJson)),
        Arguments.of("array of arrays", "[[]]", List.of(notJson)),
        Arguments.of("truncated after one element", "[" + REST_OK + ",{\"time\":\"2021", List.of(REST_OK_TRADE,
            notJson)),
        Arguments.of("element then a number", "[" + REST_OK + ",7]", List.of(REST_OK_TRADE, notJson)),
        Arguments.of("trailing garbage after the array", "[" + REST_OK + "] garbage", List.of(REST_OK_TRADE,
            notJson)),
        Arguments.of("second array after the array", "[" + REST_OK + "][]", List.of(REST_OK_TRADE, notJson)),
        Arguments.of("bad elements each reported", "[" + REST_OK + ","
                + REST_OK.replace("\"0.7916\"", "\"NaN\"") + ","
                + REST_OK.replace("\"0.7916\"", "\"0.79x\"") + ","
                + REST_OK.replace("\"sell\"", "\"SELL\"") + ","
                + REST_OK.replace("\"size\":\"23011.6\",", "") + ","
                + REST_OK.replace("\"23011.6\"", "\"0\"") + ","
                + REST_OK.replace("2021-04-17T16:43:37.314473Z", "2021-04-31T16:43:37Z") + ","
                + REST_OK.replace("1568271", "\"x\"") + "]",
            List.of(REST_OK_TRADE,
                new FeedMessage.Malformed(MalformedReason.NON_FINITE),
                new FeedMessage.Malformed(MalformedReason.BAD_NUMBER),
                new FeedMessage.Malformed(MalformedReason.BAD_SIDE),
                new FeedMessage.Malformed(MalformedReason.MISSING_FIELD),
                new FeedMessage.Malformed(MalformedReason.NON_POSITIVE),
                new FeedMessage.Malformed(MalformedReason.BAD_TIME),
                new FeedMessage.Malformed(MalformedReason.BAD_NUMBER))));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("badRestBodies")
  void badRestBodies(String what, String body, List<FeedMessage> expected) {
    assertEquals(expected, parser.parseRestTrades("SKL-USD", body), body);
  }

  // ---------------------------------------------------------------------------------------------------------------

  static List<String> gunzipLines(Path file) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("fixture " + file.toAbsolutePath().normalize(), e);
    }
  }
}
