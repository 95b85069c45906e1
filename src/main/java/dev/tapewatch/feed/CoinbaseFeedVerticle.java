package dev.tapewatch.feed;

import dev.tapewatch.tape.Trade;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.NodeShare;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live Coinbase Exchange ws-feed: subscribes to {@code matches}, {@code ticker}, {@code heartbeat} and
 * {@code level2_batch} (the public level-2 channel: a snapshot, then batched updates) for every symbol, reconnects
 * with exponential backoff and jitter (resubscribing each time), drops a connection that is silent for
 * {@code COINBASE_HEARTBEAT_TIMEOUT_SEC} or that does not confirm the subscription within
 * {@value #SUBSCRIBE_DEADLINE_MS} ms, and fills trade-id gaps from the REST trades endpoint. Before the first
 * connection it warms the bars from REST candles (skipped quietly when REST cannot be reached). In cluster mode it
 * subscribes to this node's share only, and a symbol taken over from a dead node is warmed the same way. With
 * {@code RECORD_DIR} every message received is recorded as it came ({@link TapeRecorder}). A symbol whose book
 * cannot be trusted asks for a fresh one on {@link Addresses#FEED_BOOK_RESYNC}: the feed unsubscribes that product
 * from {@code level2_batch} and subscribes it again, and Coinbase answers with a new snapshot.
 */
public final class CoinbaseFeedVerticle extends VerticleBase {
  static final long SUBSCRIBE_DEADLINE_MS = 5000;
  static final long BACKOFF_FIRST_MS = 250;
  static final long BACKOFF_MAX_MS = 30_000;
  static final int CLOSING_TIMEOUT_SEC = 1;
  static final String BOOK_CHANNEL = "level2_batch";
  private static final Logger LOG = LoggerFactory.getLogger(CoinbaseFeedVerticle.class);

  private final TapewatchConfig config;
  private final List<String> initialShare;
  private final LongSupplier recordClock;
  private TapeRecorder recorder;
  private MessageConsumer<?> share;
  private MessageConsumer<JsonObject> resync;
  private FeedStats stats;
  private FeedSink sink;
  private ExchangeTape tape;
  private CoinbaseRest rest;
  private WebSocketClient client;
  private WebSocket socket;
  private boolean subscribed;
  private boolean stopping;
  private boolean reconnectScheduled;
  private boolean connecting;
  private List<String> wantedShare = List.of();
  private boolean applyingShare;
  private int failedAttempts;
  private long lastMessageNanos;
  private long connectedNanos;
  private long watchdogTimer;
  private long statusTimer;

  /** Subscribes to {@code initialShare} (every symbol on a single node, none in cluster mode), then to the node's share. */
  public CoinbaseFeedVerticle(TapewatchConfig config, List<String> initialShare) {
    this(config, initialShare, System::currentTimeMillis);
  }

  /** {@code recordClock} places each recorded message in its hour's file. */
  CoinbaseFeedVerticle(TapewatchConfig config, List<String> initialShare, LongSupplier recordClock) {
    this.config = config;
    this.initialShare = initialShare;
    this.recordClock = recordClock;
  }

  @Override
  public Future<?> start() {
    stats = new FeedStats("coinbase", config.symbols());
    config.feed().recordDir().ifPresent(dir -> {
      recorder = new TapeRecorder(dir, "coinbase", recordClock);
      LOG.info("recording the feed to " + dir);
    });
    sink = new FeedSink(vertx.eventBus(), config.symbols());
    tape = new ExchangeTape(config.symbols(), config.feed(), true, stats, sink, this::backfill);
    tape.own(initialShare);
    rest = new CoinbaseRest(vertx, config.feed().coinbaseRestUrl(), new CoinbaseMessageParser(config.symbols()));
    // A peer that does not answer our close frame within a second is dead: cut the TCP connection rather than
    // keep it (and a stop) waiting for the default 10 s.
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setClosingTimeout(CLOSING_TIMEOUT_SEC)
        .setConnectTimeout((int) SUBSCRIBE_DEADLINE_MS)
        .setMaxMessageSize(16 * 1024 * 1024)
        .setMaxFrameSize(16 * 1024 * 1024));
    watchdogTimer = vertx.setPeriodic(500, id -> watchdog());
    statusTimer = vertx.setPeriodic(Addresses.STATUS_PERIOD_MS, id -> publishStatus());
    publishStatus();
    wantedShare = initialShare;
    warmUp(initialShare).onComplete(done -> connect());
    share = NodeShare.follow(vertx.eventBus(), this::follow);
    resync = vertx.eventBus().localConsumer(Addresses.FEED_BOOK_RESYNC, m -> resubscribeBook(m.body()));
    return Future.all(share.completion(), resync.completion());
  }

  /**
   * Asks Coinbase for a fresh snapshot of one product's book. Without a confirmed connection there is nothing to do:
   * the next connection's subscription brings a snapshot anyway.
   */
  private void resubscribeBook(JsonObject request) {
    String symbol = request.getString("symbol");
    WebSocket ws = socket;
    if (ws == null || !subscribed || !tape.owned().contains(symbol)) {
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

  private void follow(List<String> symbols) {
    wantedShare = symbols;
    if (!applyingShare) {
      applyShare();
    }
  }

  /**
   * One share change at a time (a takeover announces one symbol after another): the symbols let go stop at once,
   * those taken up are warmed from REST, then the connection is replaced by one subscribed to the whole share. A
   * change announced meanwhile follows.
   */
  private void applyShare() {
    List<String> target = wantedShare;
    Set<String> owned = tape.owned();
    if (owned.equals(Set.copyOf(target))) {
      return;
    }
    applyingShare = true;
    tape.own(owned.stream().filter(target::contains).toList());
    warmUp(target.stream().filter(s -> !owned.contains(s)).toList()).onComplete(done -> {
      tape.own(target);
      WebSocket ws = socket;
      if (ws != null) {
        drop(ws, "subscribing to this node's new share of symbols");
      } else if (!reconnectScheduled) {
        connect();
      }
      applyingShare = false;
      if (wantedShare != target) {
        applyShare();
      }
    });
  }

  /**
   * Seeds 1m, 5m and 15m bars from REST candles, one symbol after another so that taking over many symbols stays
   * within the public REST rate limit; never fails, whatever REST does.
   */
  private Future<Void> warmUp(List<String> symbols) {
    Future<Void> chain = Future.succeededFuture();
    for (String symbol : symbols) {
      chain = chain.compose(v -> warmUp(symbol));
    }
    return chain;
  }

  private Future<Void> warmUp(String symbol) {
    long now = System.currentTimeMillis();
    List<Future<?>> calls = new ArrayList<>();
    for (Timeframe tf : Timeframe.values()) {
      calls.add(rest.candles(symbol, tf, now)
          .onSuccess(seed -> vertx.eventBus().send(Addresses.Market.CANDLES.of(symbol), seed, FeedSink.LOCAL)));
    }
    return Future.join(calls).<Void>mapEmpty().otherwise(e -> {
      LOG.atInfo().addKeyValue("symbol", symbol).log("bar warm-up from Coinbase REST skipped: " + e.getMessage());
      return null;
    });
  }

  /** Opens the one connection, unless it is open or opening: it subscribes to the share as it stands when it opens. */
  private void connect() {
    reconnectScheduled = false;
    if (stopping || connecting || socket != null || tape.owned().isEmpty()) {
      return;
    }
    connecting = true;
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setAbsoluteURI(config.feed().coinbaseWsUrl().toString())
        .setTimeout(SUBSCRIBE_DEADLINE_MS);
    client.connect(options).onComplete(ar -> {
      connecting = false;
      if (ar.succeeded() && stopping) {
        ar.result().close();
        return;
      }
      if (ar.failed()) {
        stats.lastError("connect failed: " + ar.cause().getMessage());
        scheduleReconnect();
        return;
      }
      onOpen(ar.result());
    });
  }

  private void onOpen(WebSocket ws) {
    socket = ws;
    subscribed = false;
    connectedNanos = System.nanoTime();
    lastMessageNanos = connectedNanos;
    // A dropped socket may still deliver what was in flight, and fails as it is cut: neither concerns the connection
    // that replaced it, nor may it hide why it was dropped.
    ws.textMessageHandler(text -> {
      if (ws == socket) {
        onText(text);
      }
    });
    ws.exceptionHandler(e -> {
      if (ws == socket) {
        stats.lastError("websocket: " + e.getMessage());
      }
    });
    ws.closeHandler(v -> onClosed(ws));
    ws.writeTextMessage(subscribeMessage().encode());
  }

  /** {@code {"type":"subscribe","product_ids":[...],"channels":["matches","ticker","heartbeat","level2_batch"]}}. */
  private JsonObject subscribeMessage() {
    return new JsonObject()
        .put("type", "subscribe")
        .put("product_ids", new JsonArray(config.symbols().stream().filter(tape.owned()::contains).toList()))
        .put("channels", new JsonArray().add("matches").add("ticker").add("heartbeat").add(BOOK_CHANNEL));
  }

  private void onText(String text) {
    if (recorder != null) {
      recorder.record(text);
    }
    long nanos = System.nanoTime();
    lastMessageNanos = nanos;
    FeedMessage m = tape.accept(text, System.currentTimeMillis(), nanos);
    sink.flush();
    if (m instanceof FeedMessage.Subscriptions && !subscribed) {
      subscribed = true;
      failedAttempts = 0;
      stats.connected(true);
    } else if (m instanceof FeedMessage.ServerError err) {
      LOG.warn("Coinbase error message: " + err.message() + " " + err.reason());
    }
  }

  private void onClosed(WebSocket ws) {
    if (ws != socket) {
      return;
    }
    socket = null;
    subscribed = false;
    stats.connected(false);
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (stopping) {
      return;
    }
    stats.reconnect();
    long ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS << Math.min(failedAttempts, 16));
    failedAttempts++;
    long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    reconnectScheduled = true;
    vertx.setTimer(Math.max(1, delay), id -> connect());
  }

  /** Drops a connection that went silent or never confirmed the subscription. */
  private void watchdog() {
    WebSocket ws = socket;
    if (ws == null) {
      return;
    }
    long now = System.nanoTime();
    long silentMs = (now - lastMessageNanos) / 1_000_000;
    if (!subscribed && (now - connectedNanos) / 1_000_000 > SUBSCRIBE_DEADLINE_MS) {
      drop(ws, "no subscriptions confirmation within " + SUBSCRIBE_DEADLINE_MS + " ms");
    } else if (silentMs > config.feed().coinbaseHeartbeatTimeoutSec() * 1000L) {
      drop(ws, "no message for " + silentMs + " ms (heartbeat timeout)");
    }
  }

  /**
   * Reconnects at once rather than from the close handler: a dead peer never answers the close handshake, so the close
   * handler would only run when the closing timeout cuts the connection.
   */
  private void drop(WebSocket ws, String why) {
    stats.lastError(why);
    onClosed(ws);
    ws.close();
  }

  private void backfill(String symbol, long afterId, long beforeId) {
    long missing = beforeId - afterId - 1;
    rest.tradesBefore(symbol, beforeId, (int) Math.min(missing, CoinbaseRest.MAX_TRADES_PER_PAGE))
        .onSuccess(messages -> {
          List<Trade> trades = new ArrayList<>();
          for (FeedMessage m : messages) {
            if (m instanceof FeedMessage.TradeMessage tm) {
              trades.add(tm.trade());
            } else if (m instanceof FeedMessage.Malformed bad) {
              stats.malformed(bad.reason());
            }
          }
          tape.acceptBackfill(symbol, afterId, beforeId, trades, System.currentTimeMillis(), System.nanoTime());
          sink.flush();
        })
        .onFailure(e -> stats.lastError("backfill of " + symbol + " failed: " + e.getMessage()));
  }

  private void publishStatus() {
    JsonObject status = stats.toJson(System.currentTimeMillis());
    if (recorder != null) {
      status.put("recording", recorder.toJson());
    }
    vertx.eventBus().publish(Addresses.FEED_STATUS, status);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    share.unregister();
    resync.unregister();
    vertx.cancelTimer(watchdogTimer);
    vertx.cancelTimer(statusTimer);
    Future<Void> closeSocket = socket == null ? Future.succeededFuture() : socket.close();
    rest.close();
    return closeSocket.eventually(client::close)
        .eventually(() -> recorder == null ? Future.succeededFuture() : recorder.close(vertx));
  }
}
