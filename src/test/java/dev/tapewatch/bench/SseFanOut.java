package dev.tapewatch.bench;

import dev.tapewatch.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients of {@code /findings/stream} over real loopback connections, from a Vert.x of their own in the service's
 * process, and the time from a finding's announcement (published on {@link Addresses#FINDINGS}, as the agents do once
 * it is durable) to each client's receiving its event. Findings are announced one at a time, the next once every
 * client has the last, so each figure is the fan-out alone.
 */
final class SseFanOut implements AutoCloseable {
  /** Connections opened at once: a burst of thousands would overflow the listen backlog. */
  private static final int CONNECT_WAVE = 200;
  private static final long WAIT_MS = 60_000;
  private static final String LIVE = ": tapewatch findings\n\n";

  private final ReplayRun app;
  private final Vertx clientVertx = Vertx.vertx();
  private final HttpClient client;
  private final List<HttpClientResponse> streams = new ArrayList<>();
  private final Map<String, Announced> announced = new ConcurrentHashMap<>();
  private final String symbol;

  /** One announced finding: when, and when each client had it. */
  private static final class Announced {
    final long[] receivedNanos;
    final AtomicInteger pending;
    final CompletableFuture<Void> everyone = new CompletableFuture<>();
    long publishedNanos;

    Announced(int clients) {
      receivedNanos = new long[clients];
      pending = new AtomicInteger(clients);
    }

    void received(int client, long nanos) {
      receivedNanos[client] = nanos;
      if (pending.decrementAndGet() == 0) {
        everyone.complete(null);
      }
    }
  }

  /** Microseconds from announcement to each client's receipt, over every finding and client of a phase. */
  record Latencies(int clients, int findings, double p50Us, double p99Us, double maxUs, double lastClientP50Us) {
  }

  SseFanOut(ReplayRun app, String symbol, int maxClients) {
    this.app = app;
    this.symbol = symbol;
    this.client = clientVertx.createHttpClient(new PoolOptions().setHttp1MaxSize(maxClients));
  }

  int clients() {
    return streams.size();
  }

  /** Opens streams until there are {@code total}, returning once each has said it is live. */
  void connect(int total) throws Exception {
    while (streams.size() < total) {
      int wave = Math.min(CONNECT_WAVE, total - streams.size());
      List<Future<HttpClientResponse>> opened = new ArrayList<>();
      for (int i = 0; i < wave; i++) {
        opened.add(open(streams.size() + i));
      }
      for (Future<HttpClientResponse> f : opened) {
        streams.add(ReplayRun.await(f, WAIT_MS));
      }
    }
  }

  /** A stream whose future completes once its first line (the stream is live) has arrived. */
  private Future<HttpClientResponse> open(int index) {
    return client.request(HttpMethod.GET, app.httpPort, "127.0.0.1", "/findings/stream")
        .compose(HttpClientRequest::send)
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture("/findings/stream answered " + resp.statusCode());
          }
          var live = io.vertx.core.Promise.<HttpClientResponse>promise();
          StringBuilder pending = new StringBuilder();
          resp.handler(chunk -> read(index, pending, chunk, () -> live.tryComplete(resp)));
          return live.future();
        });
  }

  /** Takes the complete events out of what arrived on stream {@code index}, noting when each finding came. */
  private void read(int index, StringBuilder pending, Buffer chunk, Runnable onLive) {
    long now = System.nanoTime();
    pending.append(chunk.toString());
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String event = pending.substring(0, end + 2);
      pending.delete(0, end + 2);
      if (event.equals(LIVE)) {
        onLive.run();
        continue;
      }
      int id = event.indexOf("\nid: ");
      if (event.startsWith("event: finding\n") && id >= 0) {
        Announced a = announced.get(event.substring(id + 5, event.indexOf('\n', id + 5)));
        if (a != null) {
          a.received(index, now);
        }
      }
    }
  }

  /** Announces {@code findings} findings one after another, each once every open stream had the last. */
  Latencies announce(int findings) throws Exception {
    int n = streams.size();
    List<Announced> all = new ArrayList<>();
    for (int k = 0; k < findings; k++) {
      JsonObject finding = finding();
      Announced a = new Announced(n);
      announced.put(finding.getString("id"), a);
      a.publishedNanos = System.nanoTime();
      app.vertx.eventBus().publish(Addresses.FINDINGS, finding);
      a.everyone.get(WAIT_MS, TimeUnit.MILLISECONDS);
      announced.remove(finding.getString("id"));
      all.add(a);
    }
    double[] each = all.stream().flatMapToDouble(a -> Arrays.stream(a.receivedNanos)
        .mapToDouble(t -> (t - a.publishedNanos) / 1e3)).sorted().toArray();
    double[] last = all.stream().mapToDouble(a -> (Arrays.stream(a.receivedNanos).max().orElseThrow()
        - a.publishedNanos) / 1e3).sorted().toArray();
    return new Latencies(n, findings, quantile(each, 0.50), quantile(each, 0.99), each[each.length - 1],
        quantile(last, 0.50));
  }

  /** A trend_score finding of the usual size, as the agents announce it. */
  private JsonObject finding() {
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("ts_utc", Instant.now().toString())
        .put("agent", "trend_score").put("symbol", symbol).put("score", 0.6421).put("label", "trend_up")
        .put("details", new JsonObject().put("direction", "up").put("mom_bps_1m", 12.4).put("mom_bps_5m", 31.9)
            .put("mom_bps_15m", 48.2).put("px_vs_vwap_bps_1m", 3.1).put("rvol_1m", 1.42).put("atr_1m", 18.7)
            .put("trades_1m", 312).put("reason", "momentum on every timeframe above the ATR-scaled threshold"));
  }

  private static double quantile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  /** This process's resident set (VmRSS of /proc/self/status), in bytes. */
  static long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }

  @Override
  public void close() throws Exception {
    ReplayRun.await(clientVertx.close(), 30_000);
  }
}
