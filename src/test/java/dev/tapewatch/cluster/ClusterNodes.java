package dev.tapewatch.cluster;

import dev.tapewatch.support.ServiceProcess;
import dev.tapewatch.support.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.UUID;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** What the cluster tests and the scale measurement share: Hazelcast ports of their own, a settled cluster. */
public final class ClusterNodes {
  /** How soon a symbol not served yet is asked again. */
  static final long SERVED_POLL_MS = 200;

  private ClusterNodes() {
  }

  /** A CLUSTER_PORT whose range (the port and the next ones Hazelcast tries) is free now. */
  public static int freeClusterPort() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
      boolean free = true;
      for (int p = base; p < base + ClusterNode.PORTS_PER_HOST && free; p++) {
        try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no " + ClusterNode.PORTS_PER_HOST + " consecutive free ports");
  }

  /** {@code count} symbol names, {@code <letter>001-USD} on. */
  public static List<String> symbols(char letter, int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> String.format("%c%03d-USD", letter, i)).toList();
  }

  /**
   * Waits until {@code nodes} form a stable cluster of their own and {@code watch} sees each of {@code symbols} run
   * on exactly one of them, each node an equal share (the count must divide); returns what each runs.
   */
  public static Map<ServiceProcess, Map<String, Long>> awaitBalanced(OwnershipWatch watch, List<ServiceProcess> nodes,
      List<String> symbols) {
    awaitStable(nodes, nodes.size(), Duration.ofSeconds(90));
    Map<ServiceProcess, Map<String, Long>> running = watch.awaitPartition(nodes, symbols, Duration.ofSeconds(10));
    List<Integer> shares = running.values().stream().map(Map::size).toList();
    if (!shares.stream().allMatch(n -> n == symbols.size() / nodes.size())) {
      throw new AssertionError("unequal shares " + shares + ": " + running);
    }
    return running;
  }

  /**
   * The settings of a cluster of simulated nodes on loopback with a name and Hazelcast ports of its own, sharing
   * {@code symbols}; {@code more} settings added.
   */
  public static Map<String, String> loopbackEnv(String namePrefix, List<String> symbols, int failureTimeoutSec,
      Map<String, String> more) throws IOException {
    Map<String, String> env = new HashMap<>(Map.of("CLUSTER", "true", "CLUSTER_NAME", namePrefix + "-" + UUID
        .randomUUID(), "CLUSTER_MEMBERS", "127.0.0.1", "CLUSTER_HOST", "127.0.0.1",
        "CLUSTER_PORT", Integer.toString(freeClusterPort()),
        "CLUSTER_FAILURE_TIMEOUT_SEC", Integer.toString(failureTimeoutSec),
        "SYMBOL", String.join(",", symbols), "SIM_SEED", "5"));
    env.putAll(more);
    return env;
  }

  /**
   * Starts {@code count} nodes, each a small JVM logging to {@code dir}/node<i>.log, adding each to {@code into} as it
   * starts so that the caller closes every one that did.
   */
  public static void startSmall(Map<String, String> env, Path dir, int count, List<ServiceProcess> into)
      throws IOException {
    for (int i = 0; i < count; i++) {
      into.add(ServiceProcess.start(env, dir.resolve("node" + i + ".log"), "-Xmx256m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1"));
    }
  }

  /**
   * Waits until every node sees a stable cluster of {@code members} whose HTTP ports are all known; returns the nodes
   * by node id.
   */
  public static Map<String, ServiceProcess> awaitStable(List<ServiceProcess> nodes, int members, Duration timeout) {
    Map<String, ServiceProcess> byId = new HashMap<>();
    for (ServiceProcess n : nodes) {
      JsonObject c = n.await("/health", r -> {
        if (r.statusCode() != 200) {
          return false;
        }
        JsonObject cl = new JsonObject(r.body()).getJsonObject("cluster");
        JsonArray m = cl.getJsonArray("members");
        return "stable".equals(cl.getString("state")) && m != null && m.size() == members
            && m.stream().map(JsonObject.class::cast).allMatch(x -> x.getInteger("http_port") != null);
      }, timeout.toMillis()).getJsonObject("cluster");
      byId.put(c.getString("node_id"), n);
    }
    return byId;
  }

  /**
   * Asks each node of {@code via} in turn for /signals_tf of one of {@code symbols}, every symbol on its own and at
   * once, and asks again {@value #SERVED_POLL_MS} ms after each answer until it is 200; returns when each first was
   * (ms since the epoch). A request to a symbol whose dead owner's consumers are still registered can wait out the
   * service's query timeout; asking all at once keeps that from delaying the others. Any answer other than 200 must be
   * 503 with Retry-After (the symbol waits for its new owner), never an error or a hang. Fails after {@code timeout}
   * naming the symbols still unserved.
   */
  public static Map<String, Long> awaitServed(List<ServiceProcess> via, List<String> symbols, Duration timeout) {
    Map<String, Long> served = new ConcurrentHashMap<>();
    List<String> wrong = new CopyOnWriteArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int i = 0; i < symbols.size(); i++) {
      askUntilServed(http, via.get(i % via.size()).port(), symbols.get(i), deadline, served, wrong);
    }
    Waits.until("every symbol served through " + via.stream().map(ServiceProcess::port).toList(), timeout,
        () -> served.size() == symbols.size() || !wrong.isEmpty(), done -> done, done -> "unserved: " + symbols
            .stream().filter(s -> !served.containsKey(s)).toList());
    if (!wrong.isEmpty()) {
      throw new AssertionError("answers other than 200 or 503 with Retry-After: " + wrong);
    }
    return Map.copyOf(served);
  }

  private static void askUntilServed(HttpClient http, int port, String symbol, long deadline, Map<String, Long> served,
      List<String> wrong) {
    http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/signals_tf?symbol=" + symbol))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
          if (r != null && r.statusCode() == 200) {
            served.put(symbol, System.currentTimeMillis());
            return;
          }
          if (r != null && (r.statusCode() != 503 || r.headers().firstValue("Retry-After").isEmpty())) {
            wrong.add(symbol + " through port " + port + ": " + r.statusCode() + " " + r.body());
            return;
          }
          // A 503, or no answer within the request's timeout: asked again.
          if (System.nanoTime() < deadline) {
            CompletableFuture.delayedExecutor(SERVED_POLL_MS, TimeUnit.MILLISECONDS)
                .execute(() -> askUntilServed(http, port, symbol, deadline, served, wrong));
          }
        });
  }
}
