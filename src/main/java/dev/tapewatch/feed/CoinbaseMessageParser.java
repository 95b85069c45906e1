package dev.tapewatch.feed;

import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

/**
 * Parses Coinbase Exchange ws-feed messages with Jackson's streaming parser (no tree). Stateless apart from the
 * product table, so one instance may be shared by a feed.
 *
 * <p>A {@code match} carries the maker's side; the stored side is the taker's, its opposite. A {@code ticker}
 * carries the taker's side already and is used for the quote only.
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
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("object not closed");
      }
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
