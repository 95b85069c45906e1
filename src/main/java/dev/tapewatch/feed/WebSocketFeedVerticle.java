package dev.tapewatch.feed;

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
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The websocket transport of the live Coinbase feeds, whatever their protocol: one connection subscribed to this
 * node's share of the symbols, reconnected with exponential backoff and jitter (resubscribing each time), dropped when
 * it is silent for {@code COINBASE_HEARTBEAT_TIMEOUT_SEC} or does not confirm the subscription within
 * {@value #SUBSCRIBE_DEADLINE_MS} ms. Before the first connection, and for every symbol taken up later (a cluster
 * takeover), the bars are warmed from REST candles (skipped quietly when REST cannot be reached); gaps in a product's
 * trade ids are filled from REST; with {@code RECORD_DIR} every message received is recorded as it came
 * ({@link TapeRecorder}). A subclass speaks the protocol: what to send on a new connection, what a message means,
 * and which REST endpoints answer.
 */
abstract class WebSocketFeedVerticle extends VerticleBase {
  static final long SUBSCRIBE_DEADLINE_MS = 5000;
  static final long BACKOFF_FIRST_MS = 250;
  static final long BACKOFF_MAX_MS = 30_000;
  static final int CLOSING_TIMEOUT_SEC = 1;
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketFeedVerticle.class);

  final TapewatchConfig config;
  private final List<String> initialShare;
  private final LongSupplier recordClock;
  private final String mode;
  private final URI webSocketUrl;
  FeedStats stats;
  FeedSink sink;
  FeedTape tape;
  private FeedRest rest;
  private TapeRecorder recorder;
  private MessageConsumer<?> share;
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

  /**
   * {@code mode} names the feed in its status and its recorded files; it connects to {@code webSocketUrl} and
   * subscribes to {@code initialShare} (every symbol on a single node, none in cluster mode), then to the node's
   * share. {@code recordClock} places each recorded message in its hour's file.
   */
  WebSocketFeedVerticle(TapewatchConfig config, List<String> initialShare, String mode, URI webSocketUrl,
      LongSupplier recordClock) {
    this.config = config;
    this.initialShare = initialShare;
    this.mode = mode;
    this.webSocketUrl = webSocketUrl;
    this.recordClock = recordClock;
  }

  /** The protocol's REST endpoints. */
  abstract FeedRest rest();

  /** Reads the protocol's messages into {@link #tape}; made once the tape exists. */
  abstract void startReading();

  /** A new connection is open: subscribe it to {@link #subscribedSymbols()}. */
  abstract void subscribe(WebSocket ws);

  /** One message of the open connection; call {@link #confirmed()} when it confirms the subscription. */
  abstract void received(String text, long nowMs, long nowNanos);

  @Override
  public Future<?> start() {
    stats = new FeedStats(mode, config.symbols());
    config.feed().recordDir().ifPresent(dir -> {
      recorder = new TapeRecorder(dir, mode, recordClock);
      LOG.info("recording the feed to " + dir);
    });
    sink = new FeedSink(vertx.eventBus(), config.symbols());
    tape = new FeedTape(config.symbols(), config.feed(), true, stats, sink, this::backfill);
    tape.own(initialShare);
    startReading();
    rest = rest();
    // A peer that does not answer our close frame within a second is dead: cut the TCP connection rather than
    // keep it (and a stop) waiting for the default 10 s.
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setClosingTimeout(CLOSING_TIMEOUT_SEC)
        .setConnectTimeout((int) SUBSCRIBE_DEADLINE_MS)
        .setMaxMessageSize(64 * 1024 * 1024)
        .setMaxFrameSize(16 * 1024 * 1024));
    watchdogTimer = vertx.setPeriodic(500, id -> watchdog());
    statusTimer = vertx.setPeriodic(Addresses.STATUS_PERIOD_MS, id -> publishStatus());
    publishStatus();
    wantedShare = initialShare;
    warmUp(initialShare).onComplete(done -> connect());
    share = NodeShare.follow(vertx.eventBus(), this::follow);
    return share.completion();
  }

  /** The symbols a new connection subscribes to: the node's share, in the configured order. */
  final List<String> subscribedSymbols() {
    return config.symbols().stream().filter(tape::owns).toList();
  }

  /** The open connection, or null. */
  final WebSocket socket() {
    return socket;
  }

  /** Whether the open connection has confirmed its subscription. */
  final boolean subscribed() {
    return subscribed;
  }

  /** The open connection confirmed its subscription: the feed is up and the backoff starts over. */
  final void confirmed() {
    subscribed = true;
    failedAttempts = 0;
    stats.connected(true);
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
        .setAbsoluteURI(webSocketUrl.toString())
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
    subscribe(ws);
  }

  private void onText(String text) {
    if (recorder != null) {
      recorder.record(text);
    }
    long nanos = System.nanoTime();
    lastMessageNanos = nanos;
    received(text, System.currentTimeMillis(), nanos);
    sink.flush();
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
  final void drop(WebSocket ws, String why) {
    stats.lastError(why);
    onClosed(ws);
    ws.close();
  }

  private void backfill(TradeGap gap) {
    rest.tradesAround(gap)
        .onSuccess(fetched -> {
          tape.acceptBackfill(gap, fetched, System.currentTimeMillis(), System.nanoTime());
          sink.flush();
        })
        .onFailure(e -> stats.lastError("backfill of " + gap.symbol() + " failed: " + e.getMessage()));
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
    vertx.cancelTimer(watchdogTimer);
    vertx.cancelTimer(statusTimer);
    Future<Void> closeSocket = socket == null ? Future.succeededFuture() : socket.close();
    rest.close();
    return closeSocket.eventually(client::close)
        .eventually(() -> recorder == null ? Future.succeededFuture() : recorder.close(vertx));
  }
}
