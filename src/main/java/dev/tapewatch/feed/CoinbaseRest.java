package dev.tapewatch.feed;

import dev.tapewatch.tape.CandleSeed;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The Coinbase Exchange REST calls the feed uses: recent trades (gap backfill) and candles (warm-up). */
final class CoinbaseRest {
  static final int MAX_TRADES_PER_PAGE = 1000;
  static final long TIMEOUT_MS = 3000;

  private final WebClient client;
  private final String base;
  private final CoinbaseMessageParser parser;

  CoinbaseRest(Vertx vertx, URI restUrl, CoinbaseMessageParser parser) {
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("tapewatch")
        .setConnectTimeout((int) TIMEOUT_MS).setIdleTimeout(30));
    String s = restUrl.toString();
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.parser = parser;
  }

  /**
   * The trades just before {@code beforeId}, newest first: Coinbase pages trades by id, {@code after=X} giving
   * trades with ids below X.
   */
  Future<List<FeedMessage>> tradesBefore(String symbol, long beforeId, int limit) {
    return client.getAbs(base + "/products/" + symbol + "/trades")
        .addQueryParam("after", Long.toString(beforeId))
        .addQueryParam("limit", Integer.toString(Math.min(MAX_TRADES_PER_PAGE, Math.max(1, limit))))
        .timeout(TIMEOUT_MS)
        .send()
        .compose(CoinbaseRest::ok)
        .map(r -> parser.parseRestTrades(symbol, r.bodyAsString()));
  }

  /**
   * The completed candles of {@code tf} before {@code nowMs}, oldest first. Coinbase answers
   * {@code [[time_s, low, high, open, close, volume], ...]} newest first; rows that are not six finite numbers with
   * positive prices, or whose prices or notional (volume × the highest price) exceed
   * {@link TradeGate#MAX_MAGNITUDE}, are skipped, as such a trade would be.
   */
  Future<CandleSeed> candles(String symbol, Timeframe tf, long nowMs) {
    return client.getAbs(base + "/products/" + symbol + "/candles")
        .addQueryParam("granularity", Long.toString(tf.widthMs() / 1000))
        .timeout(TIMEOUT_MS)
        .send()
        .compose(CoinbaseRest::ok)
        .map(r -> {
          long currentBucketStart = Math.floorDiv(nowMs, tf.widthMs()) * tf.widthMs();
          List<CandleSeed.Candle> out = new ArrayList<>();
          JsonArray rows = r.bodyAsJsonArray();
          for (int i = rows.size() - 1; i >= 0; i--) {
            CandleSeed.Candle c = candle(rows.getValue(i));
            if (c != null && c.startMs() < currentBucketStart) {
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
    double low = v[1];
    double high = v[2];
    double top = Math.max(high, Math.max(v[3], v[4]));
    if (low <= 0 || high < low || v[3] <= 0 || v[4] <= 0 || v[5] < 0 || top > TradeGate.MAX_MAGNITUDE
        || v[5] * top > TradeGate.MAX_MAGNITUDE) {
      return null;
    }
    return new CandleSeed.Candle((long) v[0] * 1000, v[3], high, low, v[4], v[5]);
  }

  private static Future<HttpResponse<Buffer>> ok(HttpResponse<Buffer> r) {
    return r.statusCode() == 200 ? Future.succeededFuture(r)
        : Future.failedFuture("HTTP " + r.statusCode() + " from Coinbase REST");
  }

  void close() {
    client.close();
  }
}
