package dev.tapewatch.feed;

import dev.tapewatch.tape.CandleSeed;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Advanced Trade public market endpoints the feed uses, which need no key: recent trades by time window
 * ({@code GET /api/v3/brokerage/market/products/{id}/ticker?limit&start&end}, gap backfill) and candles
 * ({@code GET .../candles?start&end&granularity}, warm-up).
 */
final class AdvancedTradeRest extends FeedRest {
  static final String PRODUCTS = "/api/v3/brokerage/market/products/";
  /** Coinbase serves at most 350 candles a request; the Exchange warm-up has 300, and so does this one. */
  static final int WARM_UP_CANDLES = 300;
  private static final Map<Timeframe, String> GRANULARITIES = Map.of(Timeframe.M1, "ONE_MINUTE",
      Timeframe.M5, "FIVE_MINUTE", Timeframe.M15, "FIFTEEN_MINUTE");

  AdvancedTradeRest(Vertx vertx, URI restUrl, AdvancedTradeMessageParser parser) {
    super(vertx, restUrl, parser::parseRestTrades);
  }

  /**
   * The trades from the second of the one before the gap through the second of the one that showed it: the endpoint
   * pages by time, not by id, so the window is asked for whole (up to {@value FeedRest#MAX_TRADES_PER_PAGE}) and the
   * gap's ids are picked from it.
   */
  @Override
  Future<List<FeedMessage>> tradesAround(TradeGap gap) {
    return trades(gap.symbol(), get(PRODUCTS + gap.symbol() + "/ticker")
        .addQueryParam("limit", Integer.toString(MAX_TRADES_PER_PAGE))
        .addQueryParam("start", Long.toString(Math.floorDiv(gap.afterMs(), 1000)))
        .addQueryParam("end", Long.toString(Math.floorDiv(gap.beforeMs(), 1000) + 1)));
  }

  /**
   * Coinbase answers {@code {"candles": [{start, low, high, open, close, volume}, ...]}}, decimals as strings, newest
   * first; a candle that is not all decimals, or not {@link FeedRest#sane}, is skipped.
   */
  @Override
  Future<CandleSeed> candles(String symbol, Timeframe tf, long nowMs) {
    long widthSec = tf.widthMs() / 1000;
    long end = Math.floorDiv(nowMs, 1000);
    return get(PRODUCTS + symbol + "/candles")
        .addQueryParam("start", Long.toString(end - WARM_UP_CANDLES * widthSec))
        .addQueryParam("end", Long.toString(end))
        .addQueryParam("granularity", GRANULARITIES.get(tf))
        .send()
        .compose(FeedRest::ok)
        .map(r -> {
          List<CandleSeed.Candle> out = new ArrayList<>();
          JsonArray rows = r.bodyAsJsonObject().getJsonArray("candles", new JsonArray());
          for (int i = rows.size() - 1; i >= 0; i--) {
            CandleSeed.Candle c = rows.getValue(i) instanceof JsonObject o ? candle(o) : null;
            if (c != null && complete(c.startMs(), tf, nowMs)) {
              out.add(c);
            }
          }
          return new CandleSeed(tf, out);
        });
  }

  private static CandleSeed.Candle candle(JsonObject o) {
    double start = number(o, "start");
    if (!(start >= 0 && start < Long.MAX_VALUE / 1000)) {
      return null;
    }
    return sane((long) start * 1000, number(o, "open"), number(o, "high"), number(o, "low"), number(o, "close"),
        number(o, "volume"));
  }

  /** The field as a number (Coinbase writes decimals as strings); NaN when it is none. */
  private static double number(JsonObject o, String field) {
    Object v = o.getValue(field);
    return v instanceof String s ? CoinbaseFields.decimal(s) : v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
