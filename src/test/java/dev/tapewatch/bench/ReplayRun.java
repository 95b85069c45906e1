package dev.tapewatch.bench;

import dev.tapewatch.Logging;
import dev.tapewatch.TapewatchApp;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * One replay of a tape through the whole service on a fresh Vert.x instance (so the latency histograms start empty),
 * with the completion detected by polling the symbol verticles' status (the number of trades they have applied).
 */
final class ReplayRun implements AutoCloseable {
  final Vertx vertx;
  final int httpPort;
  final long deployStartNanos;
  private volatile long feedStartNanos;
  private volatile long feedFinishedNanos;
  private volatile JsonObject feedStatus;
  private final CountDownLatch feedFinished;
  private final Histogram warmupNanos = new Histogram(2);
  private final CompletableFuture<Void> windowsRestarted = new CompletableFuture<>();
  private long restartWindowsAfterMillis = -1;
  private final Map<String, Long> appliedBeforeWindow = new ConcurrentHashMap<>();

  /**
   * The figures of one replay; {@code latencyNanos} is every symbol's trade-to-features latency histogram merged, in
   * nanoseconds, since its latency window started ({@link #steadyAfter}), and {@code warmupNanos} the same before
   * (empty when the window was never restarted).
   */
  record Result(long trades, double seconds, double feedSeconds, Map<String, JsonObject> statuses,
      JsonObject feedStatus, Histogram latencyNanos, Histogram warmupNanos) {
    /** The whole replay's latencies. */
    Histogram wholeNanos() {
      Histogram all = latencyNanos.copy();
      all.add(warmupNanos);
      return all;
    }

    double tradesPerSecond() {
      return trades / seconds;
    }

    /** The largest value of {@code latency_us.<key>} over the symbols (the worst symbol). */
    double worstLatencyUs(String key) {
      return statuses.values().stream()
          .mapToDouble(s -> s.getJsonObject("latency_us").getDouble(key, 0.0)).max().orElse(0);
    }

    long latencyCount() {
      return statuses.values().stream().mapToLong(s -> s.getJsonObject("latency_us").getLong("count", 0L)).sum();
    }
  }

  private ReplayRun(Vertx vertx, int httpPort, long deployStartNanos, CountDownLatch feedFinished) {
    this.vertx = vertx;
    this.feedFinished = feedFinished;
    this.httpPort = httpPort;
    this.deployStartNanos = deployStartNanos;
  }

  static ReplayRun start(Path tape, List<String> symbols, double speed) throws Exception {
    return start(tape, symbols, speed, Map.of());
  }

  /** The same with {@code overrides} put over the replay's environment (a store, agent intervals). */
  static ReplayRun start(Path tape, List<String> symbols, double speed, Map<String, String> overrides)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    ReplayRun[] self = new ReplayRun[1];
    long[] startMarks = new long[2];
    JsonObject[] status = new JsonObject[1];
    CountDownLatch finished = new CountDownLatch(1);
    // The feed publishes its status (connected: true) just before it reads the first line, and once more when the
    // replay has finished; both arrive here on an event loop that is idle at that moment.
    MessageConsumer<JsonObject> feed = vertx.eventBus().consumer(Addresses.FEED_STATUS, m -> {
      long now = System.nanoTime();
      JsonObject body = m.body();
      synchronized (startMarks) {
        if (startMarks[0] == 0 && body.getBoolean("connected", false)) {
          startMarks[0] = now;
        }
        boolean finishing = startMarks[1] == 0 && body.getBoolean("replay_finished", false);
        if (finishing) {
          startMarks[1] = now;
        }
        status[0] = body;
        if (self[0] != null) {
          self[0].feedStartNanos = startMarks[0];
          self[0].feedFinishedNanos = startMarks[1];
          self[0].feedStatus = body;
        }
        // Last, so that whoever the latch wakes finds the finish time set.
        if (finishing) {
          finished.countDown();
        }
      }
    });
    await(feed.completion(), 10_000);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SYMBOL", String.join(",", symbols));
    env.put("FEED", "replay:" + tape.toAbsolutePath());
    env.put("REPLAY_SPEED", speed == 0 ? "0" : Double.toString(speed));
    // The feed and the market alone: agents on the tape clock would hold the replay at every tick (row 6 measures
    // that, as a backtest).
    env.put("AGENT_CLOCK", "wall");
    env.put("HTTP_PORT", "0");
    // Nothing may leave loopback: no database, webhook or LLM, and the exchange URLs (unused by a replay) point here.
    env.put("DATABASE_URL", "");
    env.put("STORE", "memory");
    env.put("ALERT_WEBHOOK_URL", "");
    env.put("LLM_ENABLE", "false");
    env.put("OPENAI_API_KEY", "");
    env.put("COINBASE_WS_URL", "ws://127.0.0.1:9");
    env.put("COINBASE_REST_URL", "http://127.0.0.1:9");
    env.putAll(overrides);
    TapewatchConfig config = TapewatchConfig.load(env);
    // As the service logs (LOG_LEVEL, INFO by default), not at Logback's unconfigured DEBUG.
    Logging.configure(config.logs());
    long deployStart = System.nanoTime();
    int port = await(TapewatchApp.deploy(vertx, config), 60_000);
    ReplayRun run = new ReplayRun(vertx, port, deployStart, finished);
    synchronized (startMarks) {
      self[0] = run;
      run.feedStartNanos = startMarks[0];
      run.feedFinishedNanos = startMarks[1];
      run.feedStatus = status[0];
    }
    return run;
  }

  /**
   * {@code warmupMillis} from now, starts a new latency window in each symbol, one after another over a second (all at
   * once would be a burst of work on the event loops that the new windows would measure), keeping what came before
   * as {@link Result#warmupNanos}: the figures of the steady part of a replay, after its start (classes loaded and
   * compiled, every symbol's state allocated).
   */
  void steadyAfter(List<String> symbols, long warmupMillis) {
    restartWindowsAfterMillis = warmupMillis;
    long gapMillis = Math.max(1, 1000 / symbols.size());
    vertx.setTimer(warmupMillis, id -> restartWindows(symbols, 0, gapMillis));
  }

  private void restartWindows(List<String> symbols, int next, long gapMillis) {
    vertx.eventBus().<JsonObject>request(Addresses.Market.STATUS.of(symbols.get(next)),
            new JsonObject().put("reset_latency", true).put("histogram", true))
        .onSuccess(reply -> {
          synchronized (warmupNanos) {
            warmupNanos.add(histogram(reply.body()));
          }
          appliedBeforeWindow.put(symbols.get(next), count(reply.body()));
          if (next == symbols.size() - 1) {
            windowsRestarted.complete(null);
          }
        })
        .onFailure(windowsRestarted::completeExceptionally);
    if (next < symbols.size() - 1) {
      vertx.setTimer(gapMillis, id -> restartWindows(symbols, next + 1, gapMillis));
    }
  }

  /**
   * Polls every symbol's status (every {@code pollMillis} until the feed reports the end of the file, then every
   * millisecond) until its applied-trade count reaches {@code totals}; the run's time goes from the feed's start to
   * the arrival of the reply that showed the last symbol complete. With {@code pollMillis} 0 nothing is asked before
   * the feed has finished: each status costs its symbol's event loop a little, which a latency run must not measure.
   */
  Result awaitApplied(Map<String, Long> totals, long pollMillis, long timeoutMillis) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    if (pollMillis == 0 && !feedFinished.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("replay not finished within " + timeoutMillis + " ms");
    }
    if (restartWindowsAfterMillis >= 0) {
      // Every new window started, so that each symbol's count before it is known.
      windowsRestarted.get(restartWindowsAfterMillis + 30_000, TimeUnit.MILLISECONDS);
    }
    Map<String, JsonObject> done = new LinkedHashMap<>();
    Map<String, Long> doneNanos = new LinkedHashMap<>();
    long lastProgress = System.nanoTime();
    long lastApplied = -1;
    while (done.size() < totals.size()) {
      List<String> pending = new ArrayList<>();
      List<Future<Message<JsonObject>>> replies = new ArrayList<>();
      long[] arrivals = new long[totals.size()];
      int k = 0;
      for (String s : totals.keySet()) {
        if (!done.containsKey(s)) {
          int slot = k++;
          pending.add(s);
          replies.add(vertx.eventBus().<JsonObject>request(Addresses.Market.STATUS.of(s), new JsonObject())
              .onSuccess(r -> arrivals[slot] = System.nanoTime()));
        }
      }
      long applied = done.values().stream().mapToLong(this::count).sum();
      for (int i = 0; i < pending.size(); i++) {
        JsonObject st = await(replies.get(i), 30_000).body();
        applied += count(st);
        String s = pending.get(i);
        if (count(st) >= totals.get(s)) {
          done.put(s, st);
          doneNanos.put(s, arrivals[i] != 0 ? arrivals[i] : System.nanoTime());
        }
      }
      long now = System.nanoTime();
      if (applied != lastApplied) {
        lastApplied = applied;
        lastProgress = now;
      } else if (feedFinishedNanos != 0 && now - lastProgress > TimeUnit.SECONDS.toNanos(10)) {
        throw new IllegalStateException("the replay finished but only " + applied + " of "
            + totals.values().stream().mapToLong(Long::longValue).sum() + " trades were applied; feed status: "
            + feedStatus);
      }
      if (now > deadline) {
        throw new TimeoutException("replay not applied within " + timeoutMillis + " ms (" + applied + " trades)");
      }
      if (done.size() < totals.size()) {
        // Each status request costs the symbol verticles a little, so poll slowly while the feed is still reading
        // and closely once it has finished (its last batches are then all that can still be in flight).
        if (feedFinished.getCount() > 0) {
          feedFinished.await(pollMillis, TimeUnit.MILLISECONDS);
        } else {
          Thread.sleep(1);
        }
      }
    }
    long end = doneNanos.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    // The feed's end-of-replay status comes right after its last flush; wait briefly for it.
    feedFinished.await(5, TimeUnit.SECONDS);
    long start = feedStartNanos != 0 ? feedStartNanos : deployStartNanos;
    long trades = totals.values().stream().mapToLong(Long::longValue).sum();
    double feedSeconds = feedFinishedNanos == 0 ? Double.NaN : (feedFinishedNanos - start) / 1e9;
    Histogram warmup;
    synchronized (warmupNanos) {
      warmup = warmupNanos.copy();
    }
    return new Result(trades, (end - start) / 1e9, feedSeconds, done, feedStatus, latencyHistogram(totals.keySet()),
        warmup);
  }

  /** Every symbol's trade-to-features latency histogram, merged. */
  private Histogram latencyHistogram(Collection<String> symbols) throws Exception {
    Histogram merged = new Histogram(2);
    for (String s : symbols) {
      merged.add(histogram(await(vertx.eventBus().<JsonObject>request(Addresses.Market.STATUS.of(s),
          new JsonObject().put("histogram", true)), 30_000).body()));
    }
    return merged;
  }

  private static Histogram histogram(JsonObject status) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(status.getString("latency_histogram"))), 0);
    } catch (DataFormatException e) {
      throw new IllegalStateException("a status's latency_histogram is not a compressed HdrHistogram", e);
    }
  }

  /** The trades the symbol has applied: those counted in its latency window, and in the windows before it. */
  private long count(JsonObject status) {
    return status.getJsonObject("latency_us").getLong("count", 0L)
        + appliedBeforeWindow.getOrDefault(status.getString("symbol"), 0L);
  }

  static <T> T await(Future<T> future, long timeoutMillis) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws Exception {
    await(vertx.close(), 30_000);
  }
}
