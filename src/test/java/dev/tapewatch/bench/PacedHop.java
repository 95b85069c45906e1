package dev.tapewatch.bench;

import dev.tapewatch.bus.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The baseline of the paced rows (3 and 3b): the platform's own tail. The same traffic as a paced replay, without the
 * service: every millisecond (a tape's time grain, so a replay delivers a millisecond's trades together) a thread that
 * sleeps between them, as the replay's reading thread does, sends each symbol its share of that millisecond's trades
 * in one message to a verticle of its own, on Vert.x's default event loops; the verticle records the time from the
 * send to its handler, once per trade. What the paced rows measure above this is the service's own: parsing, the
 * trade gate, the batch and the bars.
 */
final class PacedHop {
  /** A millisecond's share of one symbol: {@code trades} of them, sent at {@code sentNanos}; 0 trades ends a phase. */
  record Hop(long sentNanos, int trades) {
  }

  /** The latencies of the steady part, after the first {@code warmupSeconds}, in nanoseconds. */
  static Histogram run(int symbols, long ratePerSecond, long seconds, long warmupSeconds) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      vertx.eventBus().registerDefaultCodec(Hop.class, new LocalCodec<>(Hop.class));
      List<Receiver> receivers = new ArrayList<>();
      for (int i = 0; i < symbols; i++) {
        Receiver r = new Receiver("bench.hop." + i);
        ReplayRun.await(vertx.deployVerticle(r), 10_000);
        receivers.add(r);
      }
      send(vertx.eventBus(), symbols, ratePerSecond, seconds, warmupSeconds, receivers);
      Histogram steady = new Histogram(2);
      for (Receiver r : receivers) {
        steady.add(ReplayRun.await(r.steady.future(), 30_000));
      }
      return steady;
    } finally {
      ReplayRun.await(vertx.close(), 30_000);
    }
  }

  private static void send(EventBus bus, int symbols, long ratePerSecond, long seconds, long warmupSeconds,
      List<Receiver> receivers) {
    long perMs = ratePerSecond / 1000;
    long ms = seconds * 1000;
    int[] trades = new int[symbols];
    int next = 0;
    long start = System.nanoTime();
    for (long k = 0; k < ms; k++) {
      long sleep = start + k * 1_000_000L - System.nanoTime();
      if (sleep > 0) {
        LockSupport.parkNanos(sleep);
      }
      if (k == warmupSeconds * 1000) {
        receivers.forEach(r -> r.reset = true);
      }
      for (int t = 0; t < perMs; t++) {
        trades[next]++;
        next = (next + 1) % symbols;
      }
      long now = System.nanoTime();
      for (int s = 0; s < symbols; s++) {
        if (trades[s] > 0) {
          bus.send(receivers.get(s).address, new Hop(now, trades[s]));
          trades[s] = 0;
        }
      }
    }
    receivers.forEach(r -> bus.send(r.address, new Hop(System.nanoTime(), 0)));
  }

  /** One symbol's stand-in: records each hop's latency once per trade, in a histogram it alone touches. */
  private static final class Receiver extends VerticleBase {
    final String address;
    final Promise<Histogram> steady = Promise.promise();
    private final Histogram nanos = new Histogram(2);
    /** Set by the sender once, read by the handler: the warm-up is over, start again. */
    volatile boolean reset;
    private boolean wasReset;

    Receiver(String address) {
      this.address = address;
    }

    @Override
    public Future<?> start() {
      return vertx.eventBus().<Hop>localConsumer(address, m -> {
        Hop hop = m.body();
        if (reset && !wasReset) {
          wasReset = true;
          nanos.reset();
        }
        if (hop.trades() == 0) {
          steady.tryComplete(nanos.copy());
        } else {
          nanos.recordValueWithCount(Math.max(0, System.nanoTime() - hop.sentNanos()), hop.trades());
        }
      }).completion();
    }
  }
}
