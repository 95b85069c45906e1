package dev.tapewatch.feed;

import dev.tapewatch.tape.CandleSeed;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The Coinbase Exchange REST calls the feed uses: recent trades (gap backfill) and candles (warm-up). */
final class ExchangeRest extends FeedRest {
  ExchangeRest(Vertx vertx, URI restUrl, CoinbaseMessageParser parser) {
    super(vertx, restUrl, parser::parseRestTrades);
  }

  /**
   * The trades just before the one that showed the gap, newest first: Coinbase pages trades by id, {@code after=X}
   * giving trades with ids below X.
   */
  @Override
  Future<List<FeedMessage>> tradesAround(TradeGap gap) {
    long limit = Math.min(MAX_TRADES_PER_PAGE, Math.max(1, gap.missing()));
    return trades(gap.symbol(), get("/products/" + gap.symbol() + "/trades")
        .addQueryParam("after", Long.toString(gap.beforeId()))
        .addQueryParam("limit", Long.toString(limit)));
  }

  /**
   * Coinbase answers {@code [[time_s, low, high, open, close, volume], ...]} newest first; rows that are not six
   * finite numbers, or not {@link FeedRest#sane}, are skipped.
   */
  @Override
  Future<CandleSeed> candles(String symbol, Timeframe tf, long nowMs) {
    return get("/products/" + symbol + "/candles")
        .addQueryParam("granularity", Long.toString(tf.widthMs() / 1000))
        .send()
        .compose(FeedRest::ok)
        .map(r -> {
          List<CandleSeed.Candle> out = new ArrayList<>();
          JsonArray rows = r.bodyAsJsonArray();
          for (int i = rows.size() - 1; i >= 0; i--) {
            CandleSeed.Candle c = candle(rows.getValue(i));
            if (c != null && complete(c.startMs(), tf, nowMs)) {
              out.add(c);
            }
          }
          return new CandleSeed(tf, out);
        });
  }

  private static CandleSeed.Candle candle(Object row) {
    if (!(row instanceof JsonArray a) || a.size() != 6) {
      return null;
    }
    double[] v = new double[6];
    for (int i = 0; i < 6; i++) {
      if (!(a.getValue(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        return null;
      }
      v[i] = n.doubleValue();
    }
    return sane((long) v[0] * 1000, v[3], v[2], v[1], v[4], v[5]);
  }
}
