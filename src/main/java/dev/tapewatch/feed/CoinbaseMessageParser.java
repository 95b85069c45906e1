package dev.tapewatch.feed;

import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Prices;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

/**
 * Parses Coinbase Exchange ws-feed messages with Jackson's streaming parser (no tree). Stateless apart from the
 * product table, so one instance may be shared by a feed.
 *
 * <p>A {@code match} carries the maker's side; the stored side is the taker's, its opposite. A {@code ticker}
 * carries the taker's side already and is used for the quote only. A level-2 {@code snapshot} ({@code bids} and
 * {@code asks}, {@code [price, size]} each) and an {@code l2update} ({@code changes}, {@code [side, price, size]} each,
 * side {@code buy} for a bid and {@code sell} for an ask, size 0 removing the level) become a {@link BookUpdate} whose
 * prices are parsed exactly ({@link Prices#parse}); a level with an unreadable, negative or (for a price) zero number
 * makes the whole message malformed, since a book missing one change would be silently wrong.
 */
public final class CoinbaseMessageParser {
  private static final JsonFactory JSON = new JsonFactory();
  private static final double NO_NUMBER = Double.NaN;
  private static final double NOT_FINITE = Double.POSITIVE_INFINITY;

  private final Map<String, String> symbols = new HashMap<>();

  public CoinbaseMessageParser(Collection<String> knownSymbols) {
    knownSymbols.forEach(s -> symbols.put(s, s));
  }

  /** The fields of one message object that tapewatch reads; everything else is skipped. */
  private static final class Fields {
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
    Levels bids;
    Levels asks;
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
    private Levels levels(JsonParser p, JsonToken value) throws IOException {
      Levels out = new Levels();
      levelArray(p, value, false, out);
      return out;
    }

    /** {@code [[side, price, size], ...]}: an update's changes, each to the side it names. */
    private void changes(JsonParser p, JsonToken value) throws IOException {
      bids = new Levels();
      asks = new Levels();
      levelArray(p, value, true, null);
    }

    private void levelArray(JsonParser p, JsonToken value, boolean sided, Levels to) throws IOException {
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
    private void level(JsonParser p, boolean sided, Levels to) throws IOException {
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
  }

  /** The levels of one side of one message, in the order given. */
  private static final class Levels {
    long[] prices = new long[8];
    double[] sizes = new double[8];
    int n;

    void add(long price, double size) {
      if (n == prices.length) {
        prices = Arrays.copyOf(prices, 2 * n);
        sizes = Arrays.copyOf(sizes, 2 * n);
      }
      prices[n] = price;
      sizes[n++] = size;
    }
  }

  public FeedMessage parse(String line) {
    Fields f = new Fields();
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new FeedMessage.Malformed(MalformedReason.NOT_JSON);
      }
      f.read(p);
      if (p.nextToken() != null) {
        return new FeedMessage.Malformed(MalformedReason.NOT_JSON);
      }
    } catch (IOException e) {
      return new FeedMessage.Malformed(MalformedReason.NOT_JSON);
    }
    if (f.type == null) {
      return new FeedMessage.Malformed(MalformedReason.MISSING_FIELD);
    }
    switch (f.type) {
      case "match", "last_match" -> {
        return trade(f, f.type.equals("last_match"));
      }
      case "ticker" -> {
        return ticker(f);
      }
      case "snapshot", "l2update" -> {
        return book(f, f.type.equals("snapshot"));
      }
      case "heartbeat" -> {
        if (f.product == null || f.lastTradeId == null) {
          return new FeedMessage.Malformed(MalformedReason.MISSING_FIELD);
        }
        if (f.badNumber) {
          return new FeedMessage.Malformed(MalformedReason.BAD_NUMBER);
        }
        String symbol = symbols.get(f.product);
        return symbol == null ? new FeedMessage.Ignored(f.type) : new FeedMessage.Heartbeat(symbol, f.lastTradeId,
            f.time == null ? IsoTime.INVALID : IsoTime.parseMillis(f.time));
      }
      case "subscriptions" -> {
        return new FeedMessage.Subscriptions();
      }
      case "error" -> {
        return new FeedMessage.ServerError(f.message == null ? "" : f.message, f.reason == null ? "" : f.reason);
      }
      default -> {
        return new FeedMessage.Ignored(f.type);
      }
    }
  }

  /**
   * Parses the body of the REST endpoint {@code GET /products/{symbol}/trades}: a JSON array of
   * {@code {time, trade_id, price, size, side}} where, as in a match, side is the maker's. Each element becomes a
   * {@link FeedMessage.TradeMessage} or a {@link FeedMessage.Malformed}; a body that is not an array gives one
   * {@code not_json}.
   */
  public List<FeedMessage> parseRestTrades(String symbol, String body) {
    List<FeedMessage> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return List.of(new FeedMessage.Malformed(MalformedReason.NOT_JSON));
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
        Fields f = new Fields();
        f.read(p);
        f.product = symbol;
        out.add(trade(f, false));
      }
      if (t != JsonToken.END_ARRAY || p.nextToken() != null) {
        out.add(new FeedMessage.Malformed(MalformedReason.NOT_JSON));
      }
    } catch (IOException e) {
      out.add(new FeedMessage.Malformed(MalformedReason.NOT_JSON));
    }
    return out;
  }

  private FeedMessage trade(Fields f, boolean lastMatch) {
    if (f.product == null || f.time == null || f.side == null || f.price == null || f.size == null
        || f.tradeId == null) {
      return new FeedMessage.Malformed(MalformedReason.MISSING_FIELD);
    }
    String symbol = symbols.get(f.product);
    if (symbol == null) {
      return new FeedMessage.Malformed(MalformedReason.UNKNOWN_PRODUCT);
    }
    Side makerSide = sideOf(f.side);
    if (makerSide == null) {
      return new FeedMessage.Malformed(MalformedReason.BAD_SIDE);
    }
    double px = decimal(f.price);
    double sz = decimal(f.size);
    if (f.badNumber || Double.isNaN(px) || Double.isNaN(sz)) {
      return new FeedMessage.Malformed(MalformedReason.BAD_NUMBER);
    }
    if (px == NOT_FINITE || sz == NOT_FINITE) {
      return new FeedMessage.Malformed(MalformedReason.NON_FINITE);
    }
    if (px <= 0 || sz <= 0 || f.tradeId <= 0) {
      return new FeedMessage.Malformed(MalformedReason.NON_POSITIVE);
    }
    long ms = IsoTime.parseMillis(f.time);
    if (ms == IsoTime.INVALID) {
      return new FeedMessage.Malformed(MalformedReason.BAD_TIME);
    }
    return new FeedMessage.TradeMessage(new Trade(symbol, ms, px, sz, makerSide.opposite(), f.tradeId), lastMatch);
  }

  private FeedMessage book(Fields f, boolean snapshot) {
    if (f.product == null || f.bids == null || f.asks == null) {
      return new FeedMessage.Malformed(MalformedReason.MISSING_FIELD);
    }
    String symbol = symbols.get(f.product);
    if (symbol == null) {
      return new FeedMessage.Malformed(MalformedReason.UNKNOWN_PRODUCT);
    }
    if (f.badLevel != null) {
      return new FeedMessage.Malformed(f.badLevel);
    }
    long ms = f.time == null ? IsoTime.INVALID : IsoTime.parseMillis(f.time);
    if (f.time != null && ms == IsoTime.INVALID) {
      return new FeedMessage.Malformed(MalformedReason.BAD_TIME);
    }
    return new FeedMessage.BookMessage(new BookUpdate(symbol, ms, snapshot,
        Arrays.copyOf(f.bids.prices, f.bids.n), Arrays.copyOf(f.bids.sizes, f.bids.n),
        Arrays.copyOf(f.asks.prices, f.asks.n), Arrays.copyOf(f.asks.sizes, f.asks.n)));
  }

  private FeedMessage ticker(Fields f) {
    if (f.product == null || f.time == null || f.bestBid == null || f.bestAsk == null) {
      return new FeedMessage.Malformed(MalformedReason.MISSING_FIELD);
    }
    String symbol = symbols.get(f.product);
    if (symbol == null) {
      return new FeedMessage.Malformed(MalformedReason.UNKNOWN_PRODUCT);
    }
    double bid = decimal(f.bestBid);
    double ask = decimal(f.bestAsk);
    if (f.badNumber || Double.isNaN(bid) || Double.isNaN(ask)) {
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
    long ms = IsoTime.parseMillis(f.time);
    if (ms == IsoTime.INVALID) {
      return new FeedMessage.Malformed(MalformedReason.BAD_TIME);
    }
    return new FeedMessage.TickerMessage(new Quote(symbol, ms, bid, ask), f.tradeId == null ? 0 : f.tradeId);
  }

  private static String textOf(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /** Coinbase sends decimals as strings; plain JSON numbers are accepted too. */
  private static String numberText(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT
        || value == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getText();
    }
    p.skipChildren();
    return "";
  }

  private static Side sideOf(String s) {
    return switch (s) {
      case "buy" -> Side.BUY;
      case "sell" -> Side.SELL;
      default -> null;
    };
  }

  /**
   * A plain decimal ({@code 123.45}, {@code 1e-3}); {@link #NOT_FINITE} for NaN or Infinity spelled out (any case,
   * signed or not, {@code Inf} too) and for a decimal beyond a double's range, whatever its sign; NaN for anything
   * else.
   */
  static double decimal(String s) {
    int n = s.length();
    if (n == 0 || n > 40) {
      return NO_NUMBER;
    }
    boolean digit = false;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        return spelledNonFinite(s) ? NOT_FINITE : NO_NUMBER;
      }
    }
    if (!digit) {
      return NO_NUMBER;
    }
    try {
      double d = Double.parseDouble(s);
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
