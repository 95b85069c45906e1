package dev.tapewatch.feed;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.NodeShare;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default feed: one {@link SimulatedMarket} per symbol, advanced every {@value #TICK_MS} ms on the event loop.
 * A symbol taken up (at start, or when a cluster node claims it) first gets the last {@value #HISTORY_MINUTES}
 * minutes generated, so RVOL, ATR and the 15m bars have a baseline from the first request; start completes once every
 * symbol of the initial share has its history. A symbol whose book asks for a fresh snapshot
 * ({@link Addresses#FEED_BOOK_RESYNC}) gets one at the next tick.
 */
public final class SimFeedVerticle extends VerticleBase {
  static final long TICK_MS = 100;
  static final int HISTORY_MINUTES = 120;

  private final TapewatchConfig config;
  private final List<String> initialShare;
  private final Map<String, SimulatedMarket> markets = new LinkedHashMap<>();
  private final Deque<String> warming = new ArrayDeque<>();
  private boolean warmingScheduled;
  /** Completed when nothing is left to warm: the initial share has its history. */
  private final Promise<Void> warmed = Promise.promise();
  private boolean stopped;
  private long seed;
  private FeedStats stats;
  private FeedSink sink;
  private MessageConsumer<?> share;
  private MessageConsumer<JsonObject> resync;
  private long lastMs;
  private long tickTimer;
  private long statusTimer;

  /** Simulates {@code initialShare} (every symbol on a single node, none in cluster mode) and then the node's share. */
  public SimFeedVerticle(TapewatchConfig config, List<String> initialShare) {
    this.config = config;
    this.initialShare = initialShare;
  }

  @Override
  public Future<?> start() {
    seed = config.feed().simSeed().orElseGet(System::nanoTime);
    stats = new FeedStats("sim", config.symbols());
    sink = new FeedSink(vertx.eventBus(), config.symbols());
    lastMs = System.currentTimeMillis();
    stats.connected(true);
    tickTimer = vertx.setPeriodic(TICK_MS, id -> {
      long t = System.currentTimeMillis();
      advance(markets.values(), lastMs, t);
      lastMs = t;
    });
    statusTimer = vertx.setPeriodic(Addresses.STATUS_PERIOD_MS, id -> publishStatus());
    publishStatus();
    share = NodeShare.follow(vertx.eventBus(), this::follow);
    resync = vertx.eventBus().localConsumer(Addresses.FEED_BOOK_RESYNC, m -> {
      SimulatedMarket market = markets.get(m.body().getString("symbol"));
      if (market != null) {
        market.snapshotDue();
      }
    });
    // The initial share is warmed like a takeover, a symbol at a time, so that 400 of them never hold the loop.
    warming.addAll(initialShare);
    warmNext();
    return Future.all(share.completion(), resync.completion(), warmed.future());
  }

  /**
   * A new share: markets no longer here stop; new ones join the tick one at a time, each after its history, so that
   * taking over many symbols never holds the event loop for long.
   */
  private void follow(List<String> symbols) {
    markets.keySet().retainAll(symbols);
    warming.retainAll(symbols);
    for (String s : symbols) {
      if (!markets.containsKey(s) && !warming.contains(s)) {
        warming.add(s);
      }
    }
    warmNext();
  }

  private void warmNext() {
    if (warming.isEmpty()) {
      warmed.tryComplete();
      return;
    }
    if (warmingScheduled) {
      return;
    }
    warmingScheduled = true;
    vertx.runOnContext(v -> {
      warmingScheduled = false;
      String s = warming.poll();
      if (s != null && !stopped) {
        markets.put(s, withHistory(s));
        warmNext();
      }
    });
  }

  private SimulatedMarket withHistory(String symbol) {
    SimulatedMarket m = new SimulatedMarket(symbol, seed);
    for (long from = lastMs - HISTORY_MINUTES * 60_000L; from < lastMs; from += 60_000) {
      advance(List.of(m), from, Math.min(lastMs, from + 60_000));
    }
    return m;
  }

  private void advance(Collection<SimulatedMarket> which, long fromMs, long toMs) {
    long nanos = System.nanoTime();
    for (SimulatedMarket m : which) {
      m.advance(fromMs, toMs, t -> {
        stats.message(toMs);
        stats.trade(t.symbol(), t.tradeId(), toMs);
        sink.trade(t, nanos);
      }, q -> {
        stats.message(toMs);
        stats.quote(q.symbol(), toMs);
        sink.quote(q, nanos);
      }, b -> {
        stats.message(toMs);
        stats.book(b.symbol(), b.snapshot(), toMs);
        sink.book(b, nanos);
      });
    }
    sink.flush();
  }

  private void publishStatus() {
    vertx.eventBus().publish(Addresses.FEED_STATUS, stats.toJson(System.currentTimeMillis()));
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(statusTimer);
    return Future.all(share.unregister(), resync.unregister());
  }
}
