package dev.tapewatch.feed;

import dev.tapewatch.Addresses;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;

/**
 * The default feed: one {@link SimulatedMarket} per symbol, advanced every {@value #TICK_MS} ms on the event loop.
 * At start it generates the last {@value #HISTORY_MINUTES} minutes too, so RVOL, ATR and the 15m bars have a
 * baseline from the first request.
 */
public final class SimFeedVerticle extends VerticleBase {
  static final long TICK_MS = 100;
  static final int HISTORY_MINUTES = 120;

  private final TapewatchConfig config;
  private final List<SimulatedMarket> markets = new ArrayList<>();
  private FeedStats stats;
  private FeedSink sink;
  private long lastMs;
  private long tickTimer;
  private long statusTimer;

  public SimFeedVerticle(TapewatchConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    long seed = config.simSeed().orElseGet(System::nanoTime);
    config.symbols().forEach(s -> markets.add(new SimulatedMarket(s, seed)));
    stats = new FeedStats("sim", config.symbols());
    sink = new FeedSink(vertx.eventBus(), config.symbols());
    long now = System.currentTimeMillis();
    long historyFrom = now - HISTORY_MINUTES * 60_000L;
    for (long from = historyFrom; from < now; from += 60_000) {
      advance(from, Math.min(now, from + 60_000));
    }
    lastMs = now;
    stats.connected(true);
    tickTimer = vertx.setPeriodic(TICK_MS, id -> {
      long t = System.currentTimeMillis();
      advance(lastMs, t);
      lastMs = t;
    });
    statusTimer = vertx.setPeriodic(1000, id -> publishStatus());
    publishStatus();
    return Future.succeededFuture();
  }

  private void advance(long fromMs, long toMs) {
    long nanos = System.nanoTime();
    for (SimulatedMarket m : markets) {
      m.advance(fromMs, toMs, t -> {
        stats.message(toMs);
        stats.trade(t.symbol(), t.tradeId(), toMs);
        sink.trade(t, nanos);
      }, q -> {
        stats.message(toMs);
        stats.quote(q.symbol(), toMs);
        sink.quote(q, nanos);
      });
    }
    sink.flush();
  }

  private void publishStatus() {
    vertx.eventBus().publish(Addresses.FEED_STATUS, stats.toJson(System.currentTimeMillis()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(statusTimer);
    return Future.succeededFuture();
  }
}
