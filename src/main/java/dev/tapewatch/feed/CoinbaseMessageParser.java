package dev.tapewatch.feed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Side;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses Coinbase Exchange ws-feed messages with Jackson's streaming parser (no tree). Stateless apart from the
 * product table, so one instance may be shared by a feed.
 *
 * <p>A {@code match} carries the maker's side; the stored side is the taker's, its opposite. A {@code ticker}
 * carries the taker's side already and is used for the quote only. A level-2 {@code snapshot} ({@code bids} and
 * {@code asks}, {@code [price, size]} each) and an {@code l2update} ({@code changes}, {@code [side, price, size]} each,
 * side {@code buy} for a bid and {@code sell} for an ask, size 0 removing the level) become a {@link BookUpdate} whose
 * prices are parsed exactly ({@link dev.tapewatch.tape.Prices#parse}); a level with an unreadable, negative or (for a
 * price) zero number makes the whole message malformed, since a book missing one change would be silently wrong.
 */
public final class CoinbaseMessageParser {
  private static final Map<String, Side> MAKER_SIDES = Map.of("buy", Side.BUY, "sell", Side.SELL);

  private final Map<String, String> symbols = new HashMap<>();

  public CoinbaseMessageParser(Collection<String> knownSymbols) {
    knownSymbols.forEach(s -> symbols.put(s, s));
  }

  public FeedMessage parse(String line) {
    CoinbaseFields f = new CoinbaseFields();
    try (JsonParser p = CoinbaseFields.JSON.createParser(line)) {
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
        return f.trade(symbols, MAKER_SIDES, f.type.equals("last_match"));
      }
      case "ticker" -> {
        return f.ticker(symbols);
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

  private FeedMessage book(CoinbaseFields f, boolean snapshot) {
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
        f.bids.prices(), f.bids.sizes(), f.asks.prices(), f.asks.sizes()));
  }

  /**
   * Parses the body of the REST endpoint {@code GET /products/{symbol}/trades}: a JSON array of
   * {@code {time, trade_id, price, size, side}} where, as in a match, side is the maker's. Each element becomes a
   * {@link FeedMessage.TradeMessage} or a {@link FeedMessage.Malformed}; a body that is not an array gives one
   * {@code not_json}.
   */
  public List<FeedMessage> parseRestTrades(String symbol, String body) {
    List<FeedMessage> out = new ArrayList<>();
    try (JsonParser p = CoinbaseFields.JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return List.of(new FeedMessage.Malformed(MalformedReason.NOT_JSON));
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
        CoinbaseFields f = new CoinbaseFields();
        f.read(p);
        f.product = symbol;
        out.add(f.trade(symbols, MAKER_SIDES, false));
      }
      if (t != JsonToken.END_ARRAY || p.nextToken() != null) {
        out.add(new FeedMessage.Malformed(MalformedReason.NOT_JSON));
      }
    } catch (IOException e) {
      out.add(new FeedMessage.Malformed(MalformedReason.NOT_JSON));
    }
    return out;
  }
}
