package dev.tapewatch.feed;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tapewatch.tape.Decimals;
import dev.tapewatch.tape.Prices;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;
import java.io.IOException;
import java.util.Map;

/**
 * The fields of one Coinbase JSON object that tapewatch reads, read with Jackson's streaming parser (no tree), and
 * how they become a trade or a quote. Both protocols name a trade's and a ticker's fields alike (an Exchange
 * {@code match}, an Advanced Trade {@code market_trades} trade); everything else is skipped.
 */
final class CoinbaseFields {
  static final JsonFactory JSON = new JsonFactory();
  private static final double NO_NUMBER = Double.NaN;
  private static final double NOT_FINITE = Double.POSITIVE_INFINITY;

  String type;
  String product;
  String time;
  String side;
  String message;
  String reason;
  String price;
  String size;
  String bestBid;
  String bestAsk;
  Long tradeId;
  Long lastTradeId;
  boolean badNumber;
  /** An Exchange level-2 message's bids and asks (a snapshot's, or an update's changes sorted by side), or null. */
  PriceLevels bids;
  PriceLevels asks;
  /** Why a level of bids, asks or changes could not be read, or null. */
  MalformedReason badLevel;

  /** Reads the object the parser is at (its START_OBJECT already consumed) up to its END_OBJECT. */
  void read(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "type" -> type = textOf(p, value);
        case "product_id" -> product = textOf(p, value);
        case "time" -> time = textOf(p, value);
        case "side" -> side = textOf(p, value);
        case "message" -> message = textOf(p, value);
        case "reason" -> reason = textOf(p, value);
        case "price" -> price = numberText(p, value);
        case "size" -> size = numberText(p, value);
        case "best_bid" -> bestBid = numberText(p, value);
        case "best_ask" -> bestAsk = numberText(p, value);
        case "trade_id" -> tradeId = id(p, value);
        case "last_trade_id" -> lastTradeId = id(p, value);
        case "bids" -> bids = levels(p, value);
        case "asks" -> asks = levels(p, value);
        case "changes" -> changes(p, value);
        default -> p.skipChildren();
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new IOException("object not closed");
    }
  }

  /** {@code [[price, size], ...]}: the levels of one side of a snapshot. */
  private PriceLevels levels(JsonParser p, JsonToken value) throws IOException {
    PriceLevels out = new PriceLevels();
    levelArray(p, value, false, out);
    return out;
  }

  /** {@code [[side, price, size], ...]}: an update's changes, each to the side it names. */
  private void changes(JsonParser p, JsonToken value) throws IOException {
    bids = new PriceLevels();
    asks = new PriceLevels();
    levelArray(p, value, true, null);
  }

  private void levelArray(JsonParser p, JsonToken value, boolean sided, PriceLevels to) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      badLevel = MalformedReason.MISSING_FIELD;
      return;
    }
    JsonToken t;
    while ((t = next(p)) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_ARRAY) {
        p.skipChildren();
        badLevel = MalformedReason.MISSING_FIELD;
      } else {
        level(p, sided, to);
      }
    }
  }

  /**
   * One level, the parser just past its opening bracket: {@code [price, size]}, or {@code [side, price, size]}
   * when {@code sided}, every element a string; read to its closing bracket whatever it holds.
   */
  private void level(JsonParser p, boolean sided, PriceLevels to) throws IOException {
    int at = sided ? 0 : 1;
    boolean strings = true;
    String side = null;
    long price = 0;
    long size = 0;
    JsonToken t;
    while ((t = next(p)) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_STRING) {
        p.skipChildren();
        strings = false;
      } else if (at == 0) {
        side = p.getText();
      } else if (at == 1) {
        price = scaled(p);
      } else if (at == 2) {
        size = scaled(p);
      }
      at++;
    }
    if (!strings || at != 3) {
      badLevel = MalformedReason.MISSING_FIELD;
      return;
    }
    if (sided) {
      to = side.equals("buy") ? bids : side.equals("sell") ? asks : null;
      if (to == null) {
        badLevel = MalformedReason.BAD_SIDE;
        return;
      }
    }
    if (price == Prices.INVALID || size == Prices.INVALID) {
      badLevel = MalformedReason.BAD_NUMBER;
    } else if (price <= 0 || size < 0) {
      badLevel = MalformedReason.NON_POSITIVE;
    } else {
      to.add(price, Prices.toDouble(size));
    }
  }

  /** The next token inside an array, which the text must close. */
  private static JsonToken next(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new IOException("array not closed");
    }
    return t;
  }

  private static long scaled(JsonParser p) throws IOException {
    return Prices.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  /** A whole-number id given as a JSON integer or a digit string; null when absent or null. */
  private Long id(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return p.getLongValue();
    }
    if (value == JsonToken.VALUE_STRING) {
      String s = p.getText();
      if (!s.isEmpty() && s.length() <= 19 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
        try {
          return Long.parseLong(s);
        } catch (NumberFormatException tooLarge) {
          // reported as a bad number below
        }
      }
    }
    p.skipChildren();
    badNumber = true;
    return 0L;
  }

  /**
   * The trade these fields describe, or why not. {@code makerSides} reads the protocol's spelling of the side, which
   * both protocols give as the maker's; the trade carries the taker's, its opposite.
   */
  FeedMessage trade(Map<String, String> symbols, Map<String, Side> makerSides, boolean lastMatch) {
    if (product == null || time == null || side == null || price == null || size == null || tradeId == null) {
      return new FeedMessage.Malformed(MalformedReason.MISSING_FIELD);
    }
    String symbol = symbols.get(product);
    if (symbol == null) {
      return new FeedMessage.Malformed(MalformedReason.UNKNOWN_PRODUCT);
    }
    Side makerSide = makerSides.get(side);
    if (makerSide == null) {
      return new FeedMessage.Malformed(MalformedReason.BAD_SIDE);
    }
    double px = decimal(price);
    double sz = decimal(size);
    if (badNumber || Double.isNaN(px) || Double.isNaN(sz)) {
      return new FeedMessage.Malformed(MalformedReason.BAD_NUMBER);
    }
    if (px == NOT_FINITE || sz == NOT_FINITE) {
      return new FeedMessage.Malformed(MalformedReason.NON_FINITE);
    }
    if (px <= 0 || sz <= 0 || tradeId <= 0) {
      return new FeedMessage.Malformed(MalformedReason.NON_POSITIVE);
    }
    long ms = IsoTime.parseMillis(time);
    if (ms == IsoTime.INVALID) {
      return new FeedMessage.Malformed(MalformedReason.BAD_TIME);
    }
    return new FeedMessage.TradeMessage(new Trade(symbol, ms, px, sz, makerSide.opposite(), tradeId), lastMatch);
  }

  /** The best quote these fields describe at {@link #time}, or why not. */
  FeedMessage ticker(Map<String, String> symbols) {
    if (product == null || time == null || bestBid == null || bestAsk == null) {
      return new FeedMessage.Malformed(MalformedReason.MISSING_FIELD);
    }
    String symbol = symbols.get(product);
    if (symbol == null) {
      return new FeedMessage.Malformed(MalformedReason.UNKNOWN_PRODUCT);
    }
    double bid = decimal(bestBid);
    double ask = decimal(bestAsk);
    if (badNumber || Double.isNaN(bid) || Double.isNaN(ask)) {
      return new FeedMessage.Malformed(MalformedReason.BAD_NUMBER);
    }
    if (bid == NOT_FINITE || ask == NOT_FINITE) {
      return new FeedMessage.Malformed(MalformedReason.NON_FINITE);
    }
    if (bid <= 0 || ask <= 0) {
      return new FeedMessage.Malformed(MalformedReason.NON_POSITIVE);
    }
    if (bid > ask) {
      return new FeedMessage.Malformed(MalformedReason.CROSSED_QUOTE);
    }
    long ms = IsoTime.parseMillis(time);
    if (ms == IsoTime.INVALID) {
      return new FeedMessage.Malformed(MalformedReason.BAD_TIME);
    }
    return new FeedMessage.TickerMessage(new Quote(symbol, ms, bid, ask), tradeId == null ? 0 : tradeId);
  }

  static String textOf(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /** Coinbase sends decimals as strings; plain JSON numbers are accepted too. */
  static String numberText(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT
        || value == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getText();
    }
    p.skipChildren();
    return "";
  }

  /**
   * Why a decimal cannot be a positive finite number the market may hold, or null when it can: {@code bad_number},
   * {@code non_finite} or {@code non_positive}, as for a trade's price.
   */
  static MalformedReason unfit(CharSequence s) {
    double d = decimal(s);
    if (Double.isNaN(d)) {
      return MalformedReason.BAD_NUMBER;
    }
    if (d == NOT_FINITE) {
      return MalformedReason.NON_FINITE;
    }
    return d <= 0 ? MalformedReason.NON_POSITIVE : null;
  }

  /**
   * A plain decimal ({@code 123.45}, {@code 1e-3}); {@link #NOT_FINITE} for NaN or Infinity spelled out (any case,
   * signed or not, {@code Inf} too) and for a decimal beyond a double's range, whatever its sign; NaN for anything
   * else.
   */
  static double decimal(CharSequence s) {
    int n = s.length();
    if (n == 0 || n > 40) {
      return NO_NUMBER;
    }
    double plain = Decimals.exactUnsigned(s, 0, n);
    if (!Double.isNaN(plain)) {
      return plain;
    }
    boolean digit = false;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        return spelledNonFinite(s.toString()) ? NOT_FINITE : NO_NUMBER;
      }
    }
    if (!digit) {
      return NO_NUMBER;
    }
    try {
      double d = Double.parseDouble(s.toString());
      return Double.isFinite(d) ? d : NOT_FINITE;
    } catch (NumberFormatException e) {
      return NO_NUMBER;
    }
  }

  private static boolean spelledNonFinite(String s) {
    String word = s.charAt(0) == '+' || s.charAt(0) == '-' ? s.substring(1) : s;
    return word.equalsIgnoreCase("NaN") || word.equalsIgnoreCase("Infinity") || word.equalsIgnoreCase("Inf");
  }

}
