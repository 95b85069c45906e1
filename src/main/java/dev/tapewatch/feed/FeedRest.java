package dev.tapewatch.feed;

import dev.tapewatch.tape.CandleSeed;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.List;

/**
 * The REST side of a live feed: the trades that fill a gap in a product's ids, and the candles that warm the bars.
 * Each protocol knows its own endpoints and bodies; the client, its timeouts and what counts as a usable answer or
 * a sane candle are shared here.
 */
abstract class FeedRest {
  static final int MAX_TRADES_PER_PAGE = 1000;
  static final long TIMEOUT_MS = 3000;

  /** Reads a body of trades of {@code symbol}: each a trade or why not, one {@code not_json} for a body that is none. */
  @FunctionalInterface
  interface TradesReader {
    List<FeedMessage> read(String symbol, String body);
  }

  private final WebClient client;
  private final String base;
  private final TradesReader trades;

  FeedRest(Vertx vertx, URI restUrl, TradesReader trades) {
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("tapewatch")
        .setConnectTimeout((int) TIMEOUT_MS).setIdleTimeout(30));
    String s = restUrl.toString();
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.trades = trades;
  }

  /** The trades REST knows around {@code gap}, each a {@link FeedMessage.TradeMessage} or a {@link FeedMessage.Malformed}. */
  abstract Future<List<FeedMessage>> tradesAround(TradeGap gap);

  /** The completed candles of {@code tf} before {@code nowMs}, oldest first, insane rows skipped. */
  abstract Future<CandleSeed> candles(String symbol, Timeframe tf, long nowMs);

  /** Sends {@code request} for trades of {@code symbol} and reads the answer. */
  final Future<List<FeedMessage>> trades(String symbol, HttpRequest<Buffer> request) {
    return request.send().compose(FeedRest::ok).map(r -> trades.read(symbol, r.bodyAsString()));
  }

  /** A GET of {@code path} (from the base URL on) with the shared timeout. */
  final HttpRequest<Buffer> get(String path) {
    return client.getAbs(base + path).timeout(TIMEOUT_MS);
  }

  /** The response when it is a 200, else a failure naming the status. */
  static Future<HttpResponse<Buffer>> ok(HttpResponse<Buffer> r) {
    return r.statusCode() == 200 ? Future.succeededFuture(r)
        : Future.failedFuture("HTTP " + r.statusCode() + " from Coinbase REST");
  }

  /**
   * A candle as the market may take it, or null: prices positive and finite, high not below low, volume not negative,
   * and prices and notional (volume × the highest price) within {@link TradeGate#MAX_MAGNITUDE}, as for a trade.
   */
  static CandleSeed.Candle sane(long startMs, double open, double high, double low, double close, double volume) {
    double top = Math.max(high, Math.max(open, close));
    boolean finite = Double.isFinite(open) && Double.isFinite(high) && Double.isFinite(low) && Double.isFinite(close)
        && Double.isFinite(volume);
    if (!finite || low <= 0 || high < low || open <= 0 || close <= 0 || volume < 0 || top > TradeGate.MAX_MAGNITUDE
        || volume * top > TradeGate.MAX_MAGNITUDE) {
      return null;
    }
    return new CandleSeed.Candle(startMs, open, high, low, close, volume);
  }

  /** Whether a candle starting at {@code startMs} is complete at {@code nowMs}. */
  static boolean complete(long startMs, Timeframe tf, long nowMs) {
    return startMs < Math.floorDiv(nowMs, tf.widthMs()) * tf.widthMs();
  }

  void close() {
    client.close();
  }
}
