package dev.tapewatch.bench;

import dev.tapewatch.support.ServiceProcess;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The cluster at scale (a measurement, not a test): three nodes of the packaged jar on this machine, 200 simulated
 * symbols, no database. Reports per-node memory (RSS and heap), trades/s per node, the time for the survivors to serve
 * every symbol of a node killed with SIGKILL, and /signals_tf latency through a non-owning node against the owning
 * node, measured interleaved in the same run. Run it after building the jar:
 * <pre>
 * mvn -q -B -DskipTests package &amp;&amp; mvn -q -B test-compile exec:java \
 *     -Dexec.mainClass=dev.tapewatch.bench.ClusterScale -Dexec.classpathScope=test [-Dexec.args="symbols=200"]
 * </pre>
 * Arguments: symbols (200), nodes (3), requests (2000 per node and kind), jar (target/tapewatch.jar).
 */
public final class ClusterScale {
  private ClusterScale() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>(Map.of("symbols", "200", "nodes", "3", "requests", "2000",
        "jar", "target/tapewatch.jar"));
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      a.put(kv[0], kv[1]);
    }
    int symbolCount = Integer.parseInt(a.get("symbols"));
    int nodeCount = Integer.parseInt(a.get("nodes"));
    int requests = Integer.parseInt(a.get("requests"));
    String jar = Path.of(a.get("jar")).toAbsolutePath().toString();
    List<String> symbols = IntStream.rangeClosed(1, symbolCount).mapToObj(i -> String.format("S%03d-USD", i)).toList();
    Path logs = Files.createTempDirectory("tapewatch-scale");
    Map<String, String> env = Map.of("CLUSTER", "true", "CLUSTER_NAME", "scale-" + UUID.randomUUID(),
        "CLUSTER_MEMBERS", "127.0.0.1", "CLUSTER_PORT", "47701", "SYMBOL", String.join(",", symbols),
        "SIM_SEED", "7", "LOG_LEVEL", "WARN");
    List<ServiceProcess> nodes = new ArrayList<>();
    try {
      long startedAt = System.currentTimeMillis();
      for (int i = 0; i < nodeCount; i++) {
        nodes.add(ServiceProcess.start(jar, env, logs.resolve("node" + i + ".log"), "-Xmx1g"));
      }
      Map<String, ServiceProcess> byId = awaitStable(nodes, symbolCount);
      System.out.printf(Locale.ROOT, "%d nodes, %d symbols: stable after %.1f s (logs in %s)%n", nodeCount,
          symbolCount, (System.currentTimeMillis() - startedAt) / 1000.0, logs);
      Thread.sleep(5000);

      System.out.println("\nnode  symbols  RSS MiB  heap used MiB  trades/s");
      Map<String, Double> before = new HashMap<>();
      for (ServiceProcess n : nodes) {
        before.put(String.valueOf(n.port()), metric(n, "tapewatch_trades_ingested_total"));
      }
      long t0 = System.nanoTime();
      Thread.sleep(10_000);
      double seconds = (System.nanoTime() - t0) / 1e9;
      JsonObject owners = nodes.get(0).cluster().getJsonObject("owners");
      for (ServiceProcess n : nodes) {
        String id = n.cluster().getString("node_id");
        long owned = owners.stream().filter(e -> id.equals(e.getValue())).count();
        double trades = (metric(n, "tapewatch_trades_ingested_total") - before.get(String.valueOf(n.port())))
            / seconds;
        System.out.printf(Locale.ROOT, "%4d  %7d  %7.0f  %13.0f  %8.0f%n", n.port(), owned, rssMiB(n.pid()),
            metricWhere(n, "jvm_memory_used_bytes", "area=\"heap\"") / 1048576.0, trades);
      }

      System.out.println("\n/signals_tf latency, sequential, interleaved: owner vs non-owner");
      System.out.println("symbol     via owner p50/p99 µs   via other p50/p99 µs   ratio p50");
      for (ServiceProcess owner : nodes) {
        String id = owner.cluster().getString("node_id");
        String symbol = owners.stream().filter(e -> id.equals(e.getValue())).map(Map.Entry::getKey).findFirst()
            .orElseThrow();
        ServiceProcess other = nodes.get((nodes.indexOf(owner) + 1) % nodes.size());
        long[] own = new long[requests];
        long[] remote = new long[requests];
        for (int i = 0; i < requests; i++) {
          own[i] = timedGet(owner, symbol);
          remote[i] = timedGet(other, symbol);
        }
        Arrays.sort(own);
        Arrays.sort(remote);
        System.out.printf(Locale.ROOT, "%s  %8d / %-8d        %8d / %-8d        %.2f×%n", symbol, pct(own, 50),
            pct(own, 99), pct(remote, 50), pct(remote, 99), (double) pct(remote, 50) / pct(own, 50));
      }

      ServiceProcess victim = nodes.get(nodes.size() - 1);
      String victimId = victim.cluster().getString("node_id");
      List<String> orphans = owners.stream().filter(e -> victimId.equals(e.getValue())).map(Map.Entry::getKey)
          .toList();
      List<ServiceProcess> survivors = nodes.subList(0, nodes.size() - 1);
      long killedAt = System.currentTimeMillis();
      victim.kill();
      long lastServed = 0;
      for (String s : orphans) {
        while (survivors.get(0).get("/signals_tf?symbol=" + s).statusCode() != 200) {
          Thread.sleep(20);
        }
        lastServed = System.currentTimeMillis() - killedAt;
      }
      System.out.printf(Locale.ROOT, "%nSIGKILL of one node (%d symbols): all served again after %d ms%n",
          orphans.size(), lastServed);
      JsonObject c = survivors.get(0).cluster();
      System.out.println("takeover records on one survivor (took_ms from its departure): "
          + c.getJsonArray("takeovers").stream().map(JsonObject.class::cast).filter(t -> t.getValue("took_ms") != null)
          .mapToLong(t -> t.getLong("took_ms")).summaryStatistics());
    } finally {
      for (ServiceProcess n : nodes) {
        n.close();
      }
    }
  }

  private static long timedGet(ServiceProcess n, String symbol) throws Exception {
    long t = System.nanoTime();
    HttpResponse<String> r = n.get("/signals_tf?symbol=" + symbol);
    long us = (System.nanoTime() - t) / 1000;
    if (r.statusCode() != 200) {
      throw new IllegalStateException(r.statusCode() + " " + r.body());
    }
    return us;
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static Map<String, ServiceProcess> awaitStable(List<ServiceProcess> nodes, int symbols) throws Exception {
    Map<String, ServiceProcess> byId = new HashMap<>();
    for (ServiceProcess n : nodes) {
      JsonObject h = n.await("/health", r -> r.statusCode() == 200
          && "stable".equals(new JsonObject(r.body()).getJsonObject("cluster").getString("state"))
          && new JsonObject(r.body()).getJsonObject("cluster").getJsonArray("members").size() == nodes.size(),
          300_000);
      byId.put(h.getJsonObject("cluster").getString("node_id"), n);
    }
    return byId;
  }

  private static double metric(ServiceProcess n, String name) throws Exception {
    return metricWhere(n, name, "");
  }

  /** The sum of every series of {@code name} whose labels contain {@code labelPart}. */
  private static double metricWhere(ServiceProcess n, String name, String labelPart) throws Exception {
    double sum = 0;
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$").matcher(n.get("/metrics").body());
    while (m.find()) {
      if (m.group(1) == null ? labelPart.isEmpty() : m.group(1).contains(labelPart)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  private static double rssMiB(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }
}
