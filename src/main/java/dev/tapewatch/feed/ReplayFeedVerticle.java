package dev.tapewatch.feed;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.AgentSettings.AgentClock;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPInputStream;

/**
 * Replays a file of Coinbase messages (one JSON message a line, plain or {@code .gz}), Exchange ws-feed or Advanced
 * Trade or both, each line read by its own protocol ({@link RecordedLine}, which also unwraps a recorder's envelope
 * lines) into one {@link FeedTape}, as the live feeds read them. The replay cannot ask for lost messages again: a
 * gap in an Advanced Trade sequence is counted, and that connection's book updates wait for a snapshot. Reading and pacing block, so they run on a dedicated worker thread;
 * the pace is the recording's clock (the newest trade let through, so that a trade stamped in the year 9999 cannot put
 * the replay to sleep) divided by {@code REPLAY_SPEED} (0: as fast as possible). When the file ends the service keeps
 * serving and the status says {@code replay_finished: true}. On the tape clock the agents run at the tape's times,
 * the reading waiting for them (see {@link TapeClock}).
 */
public final class ReplayFeedVerticle extends VerticleBase {
  static final int MAX_BATCH_LINES = 256;
  /**
   * Threads parsing ahead in a replay as fast as possible: a core each but one, left to the thread reading and
   * delivering and to the symbols' event loops (on 2 cores, more parsing threads only took CPU from those).
   */
  static final int PARSING_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

  private final TapewatchConfig config;
  private final Path path;
  private WorkerExecutor reader;
  private volatile boolean stopping;
  private long statusTimer = -1;

  public ReplayFeedVerticle(TapewatchConfig config) {
    this.config = config;
    this.path = config.feed().mode().replayPath();
  }

  @Override
  public Future<?> start() {
    if (!Files.isReadable(path)) {
      return Future.failedFuture("FEED=replay:" + path + " is not a readable file");
    }
    reader = vertx.createSharedWorkerExecutor("tapewatch-replay-" + deploymentID(), 1, 365, TimeUnit.DAYS);
    FeedStats stats = new FeedStats("replay", config.symbols());
    stats.replayFinished(false);
    reader.executeBlocking(() -> replay(stats), false).onComplete(done -> {
      if (done.failed()) {
        stats.lastError(done.cause().getMessage());
      }
      stats.connected(false);
      stats.replayFinished(true);
      publish(stats);
      if (!stopping) {
        statusTimer = vertx.setPeriodic(Addresses.STATUS_PERIOD_MS, id -> publish(stats));
      }
    });
    return Future.succeededFuture();
  }

  private void publish(FeedStats stats) {
    vertx.eventBus().publish(Addresses.FEED_STATUS, stats.toJson(System.currentTimeMillis()));
  }

  private Void replay(FeedStats stats) throws IOException {
    FeedSink sink = new FeedSink(vertx.eventBus(), config.symbols(),
        config.agents().clock() == AgentClock.TAPE ? new TapeClock(vertx.eventBus()) : null);
    FeedTape tape = new FeedTape(config.symbols(), config.feed(), false, stats, sink, gap -> {
    });
    ExchangeTape exchange = new ExchangeTape(config.symbols(), tape);
    AdvancedTradeTape advanced = new AdvancedTradeTape(config.symbols(), tape, lost -> {
    });
    double speed = config.feed().replaySpeed();
    stats.connected(true);
    publish(stats);
    long firstMessageMs = TradeGate.NO_TRADE;
    long startNanos = 0;
    long nextStatusNanos = System.nanoTime();
    int batched = 0;
    // As fast as possible, the lines are parsed ahead on the machine's other cores; paced, each is read when due.
    try (TapeLines in = new TapeLines(bytes(path));
        TapeArrivals arrivals = speed > 0 ? TapeArrivals.oneByOne(in, exchange)
            : TapeArrivals.parsedAhead(in, exchange, PARSING_THREADS, "tapewatch-replay-parse-" + deploymentID())) {
      TapeArrivals.Arrival arrival;
      while (!stopping && (arrival = arrivals.next()) != null) {
        long now = arrival.nowNanos();
        switch (arrival.recorded().kind()) {
          case EXCHANGE -> exchange.deliver(arrival.parsed(), arrival.nowMs(), now);
          case ADVANCED_TRADE -> advanced.accept(arrival.recorded().message(), arrival.nowMs(), now);
          case CONNECTION -> advanced.newConnection(arrival.nowMs());
          case NONE -> {
            continue;
          }
        }
        batched++;
        long messageMs = tape.newestTradeMs();
        long sleepNanos = 0;
        if (speed > 0 && messageMs != TradeGate.NO_TRADE) {
          if (firstMessageMs == TradeGate.NO_TRADE) {
            firstMessageMs = messageMs;
            startNanos = now;
          }
          long dueNanos = startNanos + (long) ((messageMs - firstMessageMs) * 1_000_000L / speed);
          sleepNanos = dueNanos - System.nanoTime();
        }
        if (sleepNanos > 0 || batched >= MAX_BATCH_LINES) {
          sink.flush();
          batched = 0;
        }
        if (now >= nextStatusNanos) {
          publish(stats);
          nextStatusNanos = now + 1_000_000_000L;
        }
        if (sleepNanos > 0) {
          LockSupport.parkNanos(sleepNanos);
        }
      }
      if (!stopping) {
        sink.finish();
      }
    } finally {
      sink.flush();
    }
    return null;
  }

  /** A recorded tape's lines, plain or gzipped by the file's name: what a replay, and a backtest, read. */
  public static BufferedReader open(Path path) throws IOException {
    return new BufferedReader(new InputStreamReader(bytes(path), StandardCharsets.UTF_8), 1 << 16);
  }

  private static InputStream bytes(Path path) throws IOException {
    InputStream raw = Files.newInputStream(path);
    return path.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (statusTimer >= 0) {
      vertx.cancelTimer(statusTimer);
    }
    return reader.close();
  }
}
