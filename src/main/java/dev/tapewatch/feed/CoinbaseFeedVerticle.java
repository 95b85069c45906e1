package dev.tapewatch.feed;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live Coinbase Exchange ws-feed ({@code FEED=coinbase}): one subscribe to {@code matches}, {@code ticker},
 * {@code heartbeat} and {@code level2_batch} (the public level-2 channel: a snapshot, then batched updates) for every
 * symbol of the share, confirmed by the server's {@code subscriptions}; gaps are fetched from
 * {@code GET /products/{id}/trades}, the bars warmed from {@code GET /products/{id}/candles}. A symbol whose book
 * cannot be trusted asks for a fresh one on {@link Addresses#FEED_BOOK_RESYNC}: the feed unsubscribes that product
 * from {@code level2_batch} and subscribes it again, and Coinbase answers with a new snapshot. The connection's life
 * is {@link WebSocketFeedVerticle}'s.
 */
public final class CoinbaseFeedVerticle extends WebSocketFeedVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(CoinbaseFeedVerticle.class);

  static final String BOOK_CHANNEL = "level2_batch";

  private ExchangeTape exchange;
  private MessageConsumer<JsonObject> resyncs;

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
    resyncs = vertx.eventBus().localConsumer(Addresses.FEED_BOOK_RESYNC, m -> resubscribeBook(m.body()));
  }

  /** {@code {"type":"subscribe","product_ids":[...],"channels":["matches","ticker","heartbeat","level2_batch"]}}. */
  @Override
  void subscribe(WebSocket ws) {
    ws.writeTextMessage(new JsonObject()
        .put("type", "subscribe")
        .put("product_ids", new JsonArray(subscribedSymbols()))
        .put("channels", new JsonArray().add("matches").add("ticker").add("heartbeat").add(BOOK_CHANNEL))
        .encode());
  }

  /**
   * Asks Coinbase for a fresh snapshot of one product's book. Without a confirmed connection there is nothing to do:
   * the next connection's subscription brings a snapshot anyway.
   */
  private void resubscribeBook(JsonObject request) {
    String symbol = request.getString("symbol");
    WebSocket ws = socket();
    if (ws == null || !subscribed() || symbol == null || !tape.owns(symbol)) {
      return;
    }
    stats.bookResubscribe(symbol);
    LOG.atInfo().addKeyValue("symbol", symbol).log("resubscribing " + BOOK_CHANNEL + " for a fresh book snapshot ("
        + request.getString("reason") + ")");
    JsonArray product = new JsonArray().add(symbol);
    JsonArray channel = new JsonArray().add(BOOK_CHANNEL);
    ws.writeTextMessage(new JsonObject().put("type", "unsubscribe").put("product_ids", product)
        .put("channels", channel).encode());
    ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("product_ids", product)
        .put("channels", channel).encode());
  }

  @Override
  public Future<?> stop() {
    return (resyncs == null ? Future.succeededFuture() : resyncs.unregister()).eventually(super::stop);
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
