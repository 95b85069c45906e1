package dev.tapewatch.market;

import dev.tapewatch.tape.Timeframe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tapewatch.tape.Prices;
import dev.tapewatch.tape.Quote;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/** The JSON shapes of the market endpoints, built from a {@link SymbolState}. README shows each one. */
public final class MarketJson {
  static final int BARS_TAIL = 3;
  private static final JsonFactory JSON = new JsonFactory();

  private MarketJson() {
  }

  /** /signals: {@code {symbol, mom1_bps, mom5_bps, rvol_vs_recent, px_vs_vwap_bps, best_bid, best_ask, last_price, trades_cached}}. */
  public static JsonObject signals(SymbolState s) {
    LegacySignals sig = s.legacySignals();
    Quote q = s.quote();
    return new JsonObject()
        .put("symbol", s.symbol())
        .put("mom1_bps", sig.mom1Bps())
        .put("mom5_bps", sig.mom5Bps())
        .put("rvol_vs_recent", sig.rvolVsRecent())
        .put("px_vs_vwap_bps", sig.pxVsVwapBps())
        .put("best_bid", q == null ? null : q.bid())
        .put("best_ask", q == null ? null : q.ask())
        .put("last_price", s.hasTrades() ? s.lastPrice() : null)
        .put("trades_cached", s.trades().size());
  }

  /** /signals_tf: {@code {symbol, mom_bps_<tf>, px_vs_vwap_bps_<tf>, rvol_<tf>, atr_<tf>}} for 1m, 5m, 15m. */
  public static JsonObject signalsTf(SymbolState s) {
    JsonObject out = new JsonObject().put("symbol", s.symbol());
    TimeframeFeatures[] f = new TimeframeFeatures[Timeframe.values().length];
    for (Timeframe tf : Timeframe.values()) {
      f[tf.ordinal()] = s.features(tf);
    }
    for (Timeframe tf : Timeframe.values()) {
      out.put("mom_bps_" + tf.label(), f[tf.ordinal()].momBps());
    }
    for (Timeframe tf : Timeframe.values()) {
      out.put("px_vs_vwap_bps_" + tf.label(), f[tf.ordinal()].pxVsVwapBps());
    }
    for (Timeframe tf : Timeframe.values()) {
      out.put("rvol_" + tf.label(), f[tf.ordinal()].rvol());
    }
    for (Timeframe tf : Timeframe.values()) {
      out.put("atr_" + tf.label(), f[tf.ordinal()].atr());
    }
    return out;
  }

  /**
   * /debug/features: the /signals_tf fields plus {@code bars: {1m, 5m, 15m}} (bar counts), {@code volume_<tf>} and
   * {@code signed_volume_<tf>} of the current bars, {@code last_price}, {@code best_bid}, {@code best_ask},
   * {@code late_trades_<tf>} and {@code book}: the book's features as agents read them (see
   * {@link BookFeatures#toJson()}), null while the symbol has no book it can trust.
   */
  public static JsonObject features(SymbolState s) {
    JsonObject out = signalsTf(s);
    JsonObject counts = new JsonObject();
    for (Timeframe tf : Timeframe.values()) {
      BarSeries series = s.bars(tf);
      TimeframeFeatures f = s.features(tf);
      counts.put(tf.label(), series.size());
      out.put("volume_" + tf.label(), f.volume());
      out.put("signed_volume_" + tf.label(), f.signedVolume());
      out.put("late_trades_" + tf.label(), series.lateDropped());
    }
    Quote q = s.quote();
    return out.put("bars", counts)
        .put("last_price", s.hasTrades() ? s.lastPrice() : null)
        .put("best_bid", q == null ? null : q.bid())
        .put("best_ask", q == null ? null : q.ask())
        .put("book", s.bookFeatures() == null ? null : s.bookFeatures().toJson());
  }

  /**
   * /book, as encoded text so that prices are written exactly from their scaled longs: {@code {symbol, ts, bids:
   * [[price, qty], ...], asks: [...], mid, spread_bps, microprice, imbalance_1, imbalance_5, imbalance_10, depth_bps:
   * {"10": {bid, ask}, "25": .., "50": ..}, book_age_ms, book: "ok" | "none"}}, the best {@code depth} levels a side,
   * best first; {@code ts} the ISO time of the book's latest change. Without a two-sided book it can trust (none yet,
   * resyncing, or a side empty) every field but symbol is null and book is "none".
   */
  public static String book(SymbolState s, int depth, long nowMs) {
    BookFeatures f = s.bookFeatures();
    OrderBook b = s.book();
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("symbol", s.symbol());
      if (f == null) {
        for (String field : new String[] {"ts", "bids", "asks", "mid", "spread_bps", "microprice", "imbalance_1",
            "imbalance_5", "imbalance_10", "depth_bps", "book_age_ms"}) {
          g.writeNullField(field);
        }
        g.writeStringField("book", "none");
      } else {
        g.writeStringField("ts", Instant.ofEpochMilli(f.timeMs()).toString());
        g.writeArrayFieldStart("bids");
        for (int i = 0; i < Math.min(depth, b.bidLevels()); i++) {
          level(g, b.bidPrice(i), b.bidQuantity(i));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("asks");
        for (int i = 0; i < Math.min(depth, b.askLevels()); i++) {
          level(g, b.askPrice(i), b.askQuantity(i));
        }
        g.writeEndArray();
        g.writeFieldName("mid");
        g.writeNumber(Prices.formatMidpoint(b.bidPrice(0), b.askPrice(0)));
        g.writeNumberField("spread_bps", f.spreadBps());
        g.writeNumberField("microprice", f.microprice());
        g.writeNumberField("imbalance_1", f.imbalance1());
        g.writeNumberField("imbalance_5", f.imbalance5());
        g.writeNumberField("imbalance_10", f.imbalance10());
        g.writeFieldName("depth_bps");
        g.writeRawValue(f.depthJson().encode());
        g.writeNumberField("book_age_ms", Math.max(0, nowMs - f.timeMs()));
        g.writeStringField("book", "ok");
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void level(JsonGenerator g, long price, double quantity) throws IOException {
    g.writeStartArray();
    g.writeNumber(Prices.format(price));
    g.writeNumber(quantity);
    g.writeEndArray();
  }

  /**
   * /debug/state: {@code {symbol, trades_cached, last_trade: [ts_s, price, size, taker_side] | null,
   * last_trade_age_s | null, bars_1m_count, bars_1m_tail: [bar...]}}.
   */
  public static JsonObject state(SymbolState s, long nowMs) {
    TradeRing ring = s.trades();
    int n = ring.size();
    BarSeries m1 = s.bars(Timeframe.M1);
    JsonArray tail = new JsonArray();
    for (int i = Math.max(0, m1.size() - BARS_TAIL); i < m1.size(); i++) {
      tail.add(bar(m1, i));
    }
    JsonObject out = new JsonObject().put("symbol", s.symbol()).put("trades_cached", n);
    if (n == 0) {
      out.putNull("last_trade").putNull("last_trade_age_s");
    } else {
      out.put("last_trade", new JsonArray()
              .add(ring.time(n - 1) / 1000.0)
              .add(ring.price(n - 1))
              .add(ring.size(n - 1))
              .add(ring.takerSide(n - 1).wire()))
          .put("last_trade_age_s", Math.max(0, nowMs - ring.time(n - 1)) / 1000.0);
    }
    return out.put("bars_1m_count", m1.size()).put("bars_1m_tail", tail);
  }

  /** /bars: {@code {symbol, tf, bars: [bar...]}}, the last {@code limit} bars of {@code tf}, oldest first. */
  public static JsonObject bars(SymbolState s, Timeframe tf, int limit) {
    BarSeries series = s.bars(tf);
    JsonArray bars = new JsonArray();
    for (int i = Math.max(0, series.size() - limit); i < series.size(); i++) {
      bars.add(bar(series, i));
    }
    return new JsonObject().put("symbol", s.symbol()).put("tf", tf.label()).put("bars", bars);
  }

  /** One bar: {@code {ts_utc, open, high, low, close, volume, vwap | null, signed_volume, trades}}. */
  public static JsonObject bar(BarSeries series, int i) {
    double v = series.volume(i);
    return new JsonObject()
        .put("ts_utc", Instant.ofEpochMilli(series.startMs(i)).toString())
        .put("open", series.open(i))
        .put("high", series.high(i))
        .put("low", series.low(i))
        .put("close", series.close(i))
        .put("volume", v)
        .put("vwap", v > 0 ? series.priceVolume(i) / v : null)
        .put("signed_volume", series.signedVolume(i))
        .put("trades", series.trades(i));
  }
}
