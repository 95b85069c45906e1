package dev.tapewatch.feed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Prices;
import dev.tapewatch.tape.Side;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses Coinbase Advanced Trade websocket messages ({@code {channel, timestamp, sequence_num, events: [...]}}) with
 * Jackson's streaming parser, so that a snapshot of tens of thousands of book levels never becomes a tree. Stateless
 * apart from the product table.
 *
 * <p>What the wire says, as the shared capture shows it: a {@code market_trades} trade's {@code side} ({@code BUY}
 * or {@code SELL}) is the maker's (trades at the best ask say {@code SELL}), so the stored side is its opposite, the
 * taker's, as for an Exchange {@code match}. A ticker carries no time of its own: it is stamped with the message's
 * {@code timestamp}. An {@code l2_data} level is {@code {side: bid|offer, event_time, price_level, new_quantity}}:
 * {@code offer} is the ask side (and {@code ask} is not a side), the price is kept exact (see {@link Prices}), a
 * quantity of 0 removes the level, and an event is one product's snapshot or update, stamped with its latest
 * {@code event_time}.
 */
public final class AdvancedTradeMessageParser {
  private static final Map<String, Side> MAKER_SIDES = Map.of("BUY", Side.BUY, "SELL", Side.SELL);

  private final Map<String, String> symbols = new HashMap<>();

  public AdvancedTradeMessageParser(Collection<String> knownSymbols) {
    knownSymbols.forEach(s -> symbols.put(s, s));
  }

  /**
   * The body of {@code GET /api/v3/brokerage/market/products/{id}/ticker}: {@code {"trades": [{trade_id, product_id,
   * price, size, time, side, exchange}, ...], best_bid, best_ask}}, newest first. Each trade is read as on the
   * websocket, its side taken for the maker's there too; one without a product is {@code symbol}'s. Each becomes a
   * {@link FeedMessage.TradeMessage} or a {@link FeedMessage.Malformed}; a body without a list of trades gives one
   * {@code not_json}.
   */
  public List<FeedMessage> parseRestTrades(String symbol, String body) {
    List<FeedMessage> out = new ArrayList<>();
    try (JsonParser p = CoinbaseFields.JSON.createParser(body)) {
      boolean listed = false;
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return List.of(new FeedMessage.Malformed(MalformedReason.NOT_JSON));
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!field.equals("trades") || value != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        listed = true;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
          CoinbaseFields f = new CoinbaseFields();
          f.read(p);
          if (f.product == null) {
            f.product = symbol;
          }
          out.add(f.trade(symbols, MAKER_SIDES, false));
        }
        if (t != JsonToken.END_ARRAY) {
          throw new IOException("trades not a list of objects");
        }
      }
      if (!listed || p.nextToken() != null) {
        out.add(new FeedMessage.Malformed(MalformedReason.NOT_JSON));
      }
    } catch (IOException e) {
      out.add(new FeedMessage.Malformed(MalformedReason.NOT_JSON));
    }
    return out;
  }

  /** What the top level says, and the events when the channel was known on reaching them. */
  private static final class Envelope {
    String channel;
    String timestamp;
    String type;
    String message;
    long sequence = AdvancedTradeMessage.NO_SEQUENCE;
    boolean badSequence;
    boolean eventsDeferred;
    AdvancedTradeMessage read;
  }

  public AdvancedTradeMessage parse(String line) {
    Envelope e = new Envelope();
    try {
      envelope(line, e, false);
      if (e.eventsDeferred && e.channel != null) {
        // The events came before what says how to read them (the channel, a ticker's timestamp): read them again.
        envelope(line, e, true);
      }
    } catch (IOException | MalformedEvents bad) {
      return new AdvancedTradeMessage.Malformed(e.sequence,
          bad instanceof MalformedEvents m ? m.reason : MalformedReason.NOT_JSON);
    }
    if (e.channel == null) {
      return "error".equals(e.type) ? new AdvancedTradeMessage.ServerError(e.sequence,
          e.message == null ? "" : e.message) : new AdvancedTradeMessage.Malformed(e.sequence,
          MalformedReason.MISSING_FIELD);
    }
    if (e.badSequence) {
      return new AdvancedTradeMessage.Malformed(AdvancedTradeMessage.NO_SEQUENCE, MalformedReason.BAD_NUMBER);
    }
    if (e.sequence < 0) {
      return new AdvancedTradeMessage.Malformed(AdvancedTradeMessage.NO_SEQUENCE, MalformedReason.MISSING_FIELD);
    }
    if (e.read != null) {
      return e.read;
    }
    return switch (e.channel) {
      case "market_trades", "ticker", "l2_data", "subscriptions" ->
          new AdvancedTradeMessage.Malformed(e.sequence, MalformedReason.MISSING_FIELD);
      case "heartbeats" -> new AdvancedTradeMessage.Heartbeat(e.sequence);
      default -> new AdvancedTradeMessage.Ignored(e.sequence, e.channel);
    };
  }

  /** Reads the top level; the events only when {@code eventsNow} or once the channel (and time) are known. */
  private void envelope(String line, Envelope e, boolean eventsNow) throws IOException, MalformedEvents {
    try (JsonParser p = CoinbaseFields.JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not an object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "channel" -> e.channel = CoinbaseFields.textOf(p, value);
          case "timestamp" -> e.timestamp = CoinbaseFields.textOf(p, value);
          case "type" -> e.type = CoinbaseFields.textOf(p, value);
          case "message" -> e.message = CoinbaseFields.textOf(p, value);
          case "sequence_num" -> sequence(p, value, e);
          case "events" -> {
            boolean ready = e.channel != null && (e.timestamp != null || !e.channel.equals("ticker"));
            e.eventsDeferred = !eventsNow && !ready;
            if (e.eventsDeferred) {
              p.skipChildren();
            } else {
              e.read = events(p, value, e);
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new IOException("not one object");
      }
    }
  }

  private static void sequence(JsonParser p, JsonToken value, Envelope e) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
        && p.getLongValue() >= 0) {
      e.sequence = p.getLongValue();
    } else {
      p.skipChildren();
      e.badSequence = true;
    }
  }

  /** A message whose events do not have the shape of their channel. */
  private static final class MalformedEvents extends Exception {
    final MalformedReason reason;

    MalformedEvents(MalformedReason reason) {
      super(reason.key(), null, false, false);
      this.reason = reason;
    }
  }

  /** The events of a known channel; null for a channel whose events tapewatch does not read. */
  private AdvancedTradeMessage events(JsonParser p, JsonToken value, Envelope e)
      throws IOException, MalformedEvents {
    switch (e.channel) {
      case "market_trades" -> {
        List<FeedMessage> trades = new ArrayList<>();
        boolean[] snapshot = {false};
        eachEvent(p, value, "trades", new EventVisitor() {
          @Override
          public void element() throws IOException {
            CoinbaseFields f = new CoinbaseFields();
            f.read(p);
            trades.add(f.trade(symbols, MAKER_SIDES, false));
          }

          @Override
          public void end(String type, String product) {
            snapshot[0] |= "snapshot".equals(type);
          }
        });
        return new AdvancedTradeMessage.Trades(e.sequence, snapshot[0], trades);
      }
      case "ticker" -> {
        List<FeedMessage> tickers = new ArrayList<>();
        eachEvent(p, value, "tickers", () -> {
          CoinbaseFields f = new CoinbaseFields();
          f.read(p);
          if (f.time == null) {
            f.time = e.timestamp;
          }
          tickers.add(f.ticker(symbols));
        });
        return new AdvancedTradeMessage.Tickers(e.sequence, tickers);
      }
      case "l2_data" -> {
        List<FeedMessage> books = new ArrayList<>();
        eachEvent(p, value, "updates", new EventVisitor() {
          private Levels levels = new Levels();

          @Override
          public void element() throws IOException {
            levels.read(p);
          }

          @Override
          public void end(String type, String product) {
            books.add(levels.book(type, product, e.timestamp));
            levels = new Levels();
          }
        });
        return new AdvancedTradeMessage.Books(e.sequence, books);
      }
      case "subscriptions" -> {
        return new AdvancedTradeMessage.Subscriptions(e.sequence, subscriptions(p, value));
      }
      case "heartbeats" -> {
        p.skipChildren();
        return new AdvancedTradeMessage.Heartbeat(e.sequence);
      }
      default -> {
        p.skipChildren();
        return null;
      }
    }
  }

  /** What is done with each element of an event's list, the parser at the element's START_OBJECT. */
  @FunctionalInterface
  private interface EventVisitor {
    void element() throws IOException;

    /** The event has been read: its {@code type} and {@code product_id}, each null when absent. */
    default void end(String type, String product) {
    }
  }

  /**
   * Walks {@code events: [{type, product_id, <list>: [{...}, ...]}, ...]}; an event that is not an object or lacks
   * its list makes the whole message malformed.
   */
  private static void eachEvent(JsonParser p, JsonToken value, String list, EventVisitor visitor)
      throws IOException, MalformedEvents {
    if (value != JsonToken.START_ARRAY) {
      throw new MalformedEvents(MalformedReason.MISSING_FIELD);
    }
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
      String type = null;
      String product = null;
      boolean found = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("type")) {
          type = CoinbaseFields.textOf(p, v);
        } else if (field.equals("product_id")) {
          product = CoinbaseFields.textOf(p, v);
        } else if (field.equals(list) && v == JsonToken.START_ARRAY) {
          found = true;
          JsonToken element;
          while ((element = p.nextToken()) == JsonToken.START_OBJECT) {
            visitor.element();
          }
          if (element != JsonToken.END_ARRAY) {
            throw new MalformedEvents(MalformedReason.MISSING_FIELD);
          }
        } else {
          p.skipChildren();
        }
      }
      if (!found) {
        throw new MalformedEvents(MalformedReason.MISSING_FIELD);
      }
      visitor.end(type, product);
    }
    if (t != JsonToken.END_ARRAY) {
      throw new MalformedEvents(MalformedReason.MISSING_FIELD);
    }
  }

  /** {@code events: [{subscriptions: {channel: [product, ...], ...}}]}, merged over the events. */
  private static Map<String, List<String>> subscriptions(JsonParser p, JsonToken value)
      throws IOException, MalformedEvents {
    if (value != JsonToken.START_ARRAY) {
      throw new MalformedEvents(MalformedReason.MISSING_FIELD);
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        if (p.nextToken() != JsonToken.START_OBJECT || !field.equals("subscriptions")) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String channel = p.currentName();
          List<String> products = new ArrayList<>();
          if (p.nextToken() == JsonToken.START_ARRAY) {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
              if (t == JsonToken.VALUE_STRING) {
                products.add(p.getText());
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
          out.put(channel, products);
        }
      }
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new MalformedEvents(MalformedReason.MISSING_FIELD);
    }
    return out;
  }

  /** One {@code l2_data} event's levels, side by side as {@link BookUpdate} holds them, and the first fault found. */
  private final class Levels {
    private final PriceLevels bids = new PriceLevels();
    private final PriceLevels asks = new PriceLevels();
    private final TokenText text = new TokenText();
    /** The last event_time read and its value: a snapshot's levels all share one. */
    private char[] lastTime = new char[32];
    private int lastTimeLength = -1;
    private long lastTimeMs;
    private long latestMs = IsoTime.INVALID;
    private MalformedReason fault;

    /**
     * Reads one level object {@code {side, event_time, price_level, new_quantity}}, each value read in place as it
     * comes (no String made: a snapshot has tens of thousands).
     */
    void read(JsonParser p) throws IOException {
      PriceLevels side = null;
      boolean sideNamed = false;
      long ms = IsoTime.INVALID;
      boolean timed = false;
      long price = Prices.INVALID;
      MalformedReason priceFault = null;
      boolean priced = false;
      double size = Double.NaN;
      boolean sized = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "side" -> {
            sideNamed = text.of(p, value, false);
            side = !sideNamed ? null : text.is("bid") ? bids : text.is("offer") ? asks : null;
          }
          case "event_time" -> {
            timed = text.of(p, value, false);
            ms = timed ? time() : IsoTime.INVALID;
          }
          case "price_level" -> {
            priced = true;
            price = text.of(p, value, true) ? text.price() : Prices.INVALID;
            priceFault = price > 0 ? null : priceFault(price, value);
          }
          case "new_quantity" -> {
            sized = true;
            size = text.of(p, value, true) ? CoinbaseFields.decimal(text) : Double.NaN;
          }
          default -> p.skipChildren();
        }
      }
      if (fault != null) {
        return;
      }
      if (!sideNamed || !timed || !priced || !sized) {
        fault = MalformedReason.MISSING_FIELD;
      } else if (priceFault != null) {
        fault = priceFault;
      } else if (Double.isNaN(size)) {
        fault = MalformedReason.BAD_NUMBER;
      } else if (!(size <= TradeGate.MAX_MAGNITUDE)) {
        fault = MalformedReason.NON_FINITE;
      } else if (size < 0) {
        fault = MalformedReason.NON_POSITIVE;
      } else if (ms == IsoTime.INVALID) {
        fault = MalformedReason.BAD_TIME;
      } else if (side == null) {
        fault = MalformedReason.BAD_SIDE;
      } else {
        latestMs = Math.max(latestMs, ms);
        side.add(price, size);
      }
    }

    /**
     * Why the price just read is no book price: what it is as a decimal (not one, not finite, not positive), or else
     * not exact in 1e-8 or beyond {@link Prices#MAX}.
     */
    private MalformedReason priceFault(long price, JsonToken value) {
      boolean readable = value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT
          || value == JsonToken.VALUE_NUMBER_FLOAT;
      MalformedReason why = readable ? CoinbaseFields.unfit(text) : MalformedReason.BAD_NUMBER;
      return why != null ? why : price != Prices.INVALID ? MalformedReason.NON_POSITIVE : MalformedReason.BAD_NUMBER;
    }

    /** The event_time just read, in epoch ms, parsed once for a run of levels that share it. */
    private long time() {
      if (!text.sameAs(lastTime, lastTimeLength)) {
        lastTimeMs = IsoTime.parseMillis(text);
        lastTime = text.copy(lastTime);
        lastTimeLength = text.length();
      }
      return lastTimeMs;
    }

    FeedMessage book(String type, String product, String timestamp) {
      if (fault != null) {
        return new FeedMessage.Malformed(fault);
      }
      if (type == null || product == null || !type.equals("snapshot") && !type.equals("update")) {
        return new FeedMessage.Malformed(MalformedReason.MISSING_FIELD);
      }
      String symbol = symbols.get(product);
      if (symbol == null) {
        return new FeedMessage.Malformed(MalformedReason.UNKNOWN_PRODUCT);
      }
      long ms = latestMs != IsoTime.INVALID ? latestMs : timestamp == null ? IsoTime.INVALID
          : IsoTime.parseMillis(timestamp);
      if (ms == IsoTime.INVALID) {
        return new FeedMessage.Malformed(MalformedReason.BAD_TIME);
      }
      return new FeedMessage.BookMessage(new BookUpdate(symbol, ms, type.equals("snapshot"), bids.prices(),
          bids.sizes(), asks.prices(), asks.sizes()));
    }
  }
}
