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
 * The live Coinbase Advanced Trade feed ({@code FEED=coinbase-advanced}): one subscribe message per channel
 * ({@code market_trades}, {@code ticker}, {@code level2}, and {@code heartbeats}, which keeps quiet channels open),
 * each with a fresh ES256 JWT when a CDP key is configured; the connection counts as up once the server's
 * {@code subscriptions} lists all four. A loss in the connection's sequence resubscribes {@code level2} and
 * {@code market_trades} (unsubscribe, subscribe: new book snapshots and recent trades; a gap in trade ids is also
 * fetched from REST by time window); a symbol's verticle that finds its book wrong ({@link Addresses#FEED_BOOK_RESYNC})
 * gets its product's {@code level2} resubscribed, and so does a product whose snapshot is overdue. The connection's
 * life is {@link WebSocketFeedVerticle}'s.
 */
public final class AdvancedTradeFeedVerticle extends WebSocketFeedVerticle {
  static final List<String> CHANNELS = List.of("market_trades", "ticker", "level2", "heartbeats");
  /** What a loss asks for again: the books, and the recent trades (lost trades come back with the snapshot). */
  static final List<String> LOSS_CHANNELS = List.of("level2", "market_trades");
  private static final Logger LOG = LoggerFactory.getLogger(AdvancedTradeFeedVerticle.class);

  private AdvancedTradeTape advanced;
  private MessageConsumer<JsonObject> resyncs;
  private long overdueTimer;

  /**
   * Subscribes to {@code initialShare} (every symbol on a single node, none in cluster mode), then to the node's
   * share; {@code recordClock} (the wall clock but in tests) places each recorded message in its hour's file.
   */
  public AdvancedTradeFeedVerticle(TapewatchConfig config, List<String> initialShare, LongSupplier recordClock) {
    super(config, initialShare, "coinbase-advanced", config.feed().coinbaseAdvancedWsUrl(), recordClock);
  }

  @Override
  FeedRest rest() {
    return new AdvancedTradeRest(vertx, config.feed().coinbaseAdvancedRestUrl(),
        new AdvancedTradeMessageParser(config.symbols()));
  }

  @Override
  void startReading() {
    advanced = new AdvancedTradeTape(config.symbols(), tape, this::resubscribe);
    resyncs = vertx.eventBus().localConsumer(Addresses.FEED_BOOK_RESYNC, m -> resync(
        m.body().getString("symbol"), "its verticle found it wrong: " + m.body().getString("reason")));
    overdueTimer = vertx.setPeriodic(1000, id -> advanced.snapshotsOverdue(System.currentTimeMillis())
        .forEach(s -> resync(s, "its snapshot is overdue")));
  }

  @Override
  void subscribe(WebSocket ws) {
    advanced.newConnection(System.currentTimeMillis());
    for (String channel : CHANNELS) {
      ws.writeTextMessage(request("subscribe", channel, subscribedSymbols()));
    }
  }

  @Override
  void received(String text, long nowMs, long nowNanos) {
    AdvancedTradeMessage m = advanced.accept(text, nowMs, nowNanos);
    if (m instanceof AdvancedTradeMessage.Subscriptions s && !subscribed()
        && s.channels().keySet().containsAll(CHANNELS)) {
      confirmed();
    } else if (m instanceof AdvancedTradeMessage.ServerError err) {
      LOG.warn("Coinbase Advanced Trade error message: " + err.message());
    }
  }

  /** {@code {"type": subscribe|unsubscribe, "product_ids": [...], "channel": ..., "jwt": ...}}, jwt with a key. */
  private String request(String type, String channel, List<String> products) {
    JsonObject r = new JsonObject().put("type", type).put("product_ids", new JsonArray(products))
        .put("channel", channel);
    config.feed().cdpKey().ifPresent(key -> r.put("jwt", CdpJwt.forWebSocket(key, System.currentTimeMillis() / 1000)));
    return r.encode();
  }

  /** Messages were lost: the books and recent trades of the share are asked for again on this connection. */
  private void resubscribe(List<String> symbols) {
    WebSocket ws = socket();
    if (ws == null || symbols.isEmpty()) {
      return;
    }
    stats.resubscribe();
    LOG.info("messages lost on the Advanced Trade connection: resubscribing " + LOSS_CHANNELS + " for " + symbols);
    for (String channel : LOSS_CHANNELS) {
      ws.writeTextMessage(request("unsubscribe", channel, symbols));
      ws.writeTextMessage(request("subscribe", channel, symbols));
    }
  }

  /** One product's book is asked for afresh, unless its snapshot is already due. */
  private void resync(String symbol, String why) {
    WebSocket ws = socket();
    if (symbol == null || !tape.owns(symbol) || ws == null || !subscribed()
        || !advanced.awaitSnapshot(symbol, System.currentTimeMillis())) {
      return;
    }
    stats.bookResubscribe(symbol);
    LOG.atInfo().addKeyValue("symbol", symbol).log("resubscribing level2 of " + symbol + ": " + why);
    ws.writeTextMessage(request("unsubscribe", "level2", List.of(symbol)));
    ws.writeTextMessage(request("subscribe", "level2", List.of(symbol)));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(overdueTimer);
    return resyncs.unregister().eventually(super::stop);
  }
}
