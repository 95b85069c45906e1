package dev.tapewatch.feed;

import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live Coinbase Exchange ws-feed ({@code FEED=coinbase}): one subscribe to {@code matches}, {@code ticker} and
 * {@code heartbeat} for every symbol of the share, confirmed by the server's {@code subscriptions}; gaps are fetched
 * from {@code GET /products/{id}/trades}, the bars warmed from {@code GET /products/{id}/candles}. The connection's
 * life is {@link WebSocketFeedVerticle}'s.
 */
public final class CoinbaseFeedVerticle extends WebSocketFeedVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(CoinbaseFeedVerticle.class);

  private ExchangeTape exchange;

  /**
   * Subscribes to {@code initialShare} (every symbol on a single node, none in cluster mode), then to the node's
   * share; {@code recordClock} (the wall clock but in tests) places each recorded message in its hour's file.
   */
  public CoinbaseFeedVerticle(TapewatchConfig config, List<String> initialShare, LongSupplier recordClock) {
    super(config, initialShare, "coinbase", config.feed().coinbaseWsUrl(), recordClock);
  }

  @Override
  FeedRest rest() {
    return new ExchangeRest(vertx, config.feed().coinbaseRestUrl(), new CoinbaseMessageParser(config.symbols()));
  }

  @Override
  void startReading() {
    exchange = new ExchangeTape(config.symbols(), tape);
  }

  /** {@code {"type":"subscribe","product_ids":[...],"channels":["matches","ticker","heartbeat"]}}. */
  @Override
  void subscribe(WebSocket ws) {
    ws.writeTextMessage(new JsonObject()
        .put("type", "subscribe")
        .put("product_ids", new JsonArray(subscribedSymbols()))
        .put("channels", new JsonArray().add("matches").add("ticker").add("heartbeat"))
        .encode());
  }

  @Override
  void received(String text, long nowMs, long nowNanos) {
    FeedMessage m = exchange.accept(text, nowMs, nowNanos);
    if (m instanceof FeedMessage.Subscriptions && !subscribed()) {
      confirmed();
    } else if (m instanceof FeedMessage.ServerError err) {
      LOG.warn("Coinbase error message: " + err.message() + " " + err.reason());
    }
  }
}
