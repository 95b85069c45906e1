package dev.tapewatch.bench;

import dev.tapewatch.cluster.ClusterNodes;
import dev.tapewatch.cluster.OwnershipWatch;
import dev.tapewatch.support.ServiceProcess;
import dev.tapewatch.support.Waits;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The cluster at scale (a measurement, not a test): three nodes of the packaged jar on this machine share 400
 * simulated symbols, without a database, beside a baseline node running one symbol in a cluster of its own. An
 * {@link OwnershipWatch} asks every node what it runs every {@code sample_ms} from their start to the end. Run it
 * after building the jar:
 * <pre>
 * mvn -q -B -DskipTests package &amp;&amp; mvn -q -B test-compile exec:java \
 *     -Dexec.mainClass=dev.tapewatch.bench.ClusterScale -Dexec.classpathScope=test [-Dexec.args="symbols=400"]
 * </pre>
 * Arguments: symbols (400), nodes (3), window (20 s of steady state), requests (2000 per node and kind for the
 * latency rows), sample_ms (250), failure_timeout (5, CLUSTER_FAILURE_TIMEOUT_SEC: Hazelcast's
 * max.no.heartbeat.seconds, heartbeats every second), jvm (options for every node, comma-separated; by default the
 * JVM of a pod of deploy/kubernetes.yaml: {@value #POD_JVM}), jar (target/tapewatch.jar).
 *
 * <p>It reports the spread of symbols over the nodes once stable; per node in a steady window during which the
 * cluster must stay stable: RSS, heap used, live heap (a full GC and a class histogram by jcmd), trades/s and the CPU
 * the node used, hence trades per CPU-second; memory per symbol; {@code /signals_tf} latency through a non-owning
 * node against the owner, interleaved; after a SIGKILL of one node, when the survivors saw it leave, when they ran and
 * when they served every one of its symbols, counted from the kill and from the end of the failure timeout; the
 * survivors' memory holding its share; and whether any symbol ran on two nodes at a moment the watch saw.
 *
 * <p>Memory per symbol is the node's live heap after a full GC minus the baseline node's, over its symbols less the
 * baseline's one: what a symbol really holds, whereas RSS follows how far the collector chose to grow the heap (it
 * is reported beside it, as the figure a pod's memory limit needs).
 */
public final class ClusterScale {
  /**
   * What the JVM of a pod of deploy/kubernetes.yaml sees: a memory limit of 1 GiB (of which the Dockerfile's
   * MaxRAMPercentage gives the heap 75 %) and one CPU, so the same heap, collector and thread counts.
   */
  static final String POD_JVM = "-XX:MaxRAM=1g,-XX:MaxRAMPercentage=75,-XX:ActiveProcessorCount=1";
  private static final double MIB = 1024 * 1024;
  /** How many of a node's largest classes its memory line is followed by. */
  private static final int TOP_CLASSES = 6;
  private final List<String[]> rows = new ArrayList<>();

  private ClusterScale() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>(Map.of("symbols", "400", "nodes", "3", "window", "20", "requests", "2000",
        "sample_ms", "250", "failure_timeout", "5", "jvm", POD_JVM, "jar", "target/tapewatch.jar"));
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      a.put(kv[0], kv[1]);
    }
    new ClusterScale().run(a);
  }

  private void run(Map<String, String> a) throws Exception {
    int symbolCount = Integer.parseInt(a.get("symbols"));
    int nodeCount = Integer.parseInt(a.get("nodes"));
    int failureTimeoutSec = Integer.parseInt(a.get("failure_timeout"));
    String[] jvm = a.get("jvm").isBlank() ? new String[0] : a.get("jvm").split(",");
    String jar = Path.of(a.get("jar")).toAbsolutePath().toString();
    List<String> symbols = IntStream.rangeClosed(1, symbolCount).mapToObj(i -> String.format("S%03d-USD", i)).toList();
    Path logs = Files.createTempDirectory("tapewatch-scale");
    Map<String, String> env = new HashMap<>(Map.of("CLUSTER", "true", "CLUSTER_NAME", "scale-" + UUID.randomUUID(),
        "CLUSTER_MEMBERS", "127.0.0.1", "CLUSTER_HOST", "127.0.0.1",
        "CLUSTER_PORT", Integer.toString(ClusterNodes.freeClusterPort()),
        "CLUSTER_FAILURE_TIMEOUT_SEC", Integer.toString(failureTimeoutSec), "SYMBOL", String.join(",", symbols),
        "SIM_SEED", "7", "LOG_LEVEL", "WARN"));
    Map<String, String> baselineEnv = new HashMap<>(env);
    baselineEnv.putAll(Map.of("CLUSTER_NAME", "scale-baseline-" + UUID.randomUUID(), "SYMBOL", symbols.get(0),
        "CLUSTER_PORT", Integer.toString(ClusterNodes.freeClusterPort())));
    System.out.printf(Locale.ROOT, "== cluster scale: %d nodes, %d symbols, JVM options %s, failure timeout %d s,"
        + " load average %s; logs in %s%n", nodeCount, symbolCount, Arrays.toString(jvm), failureTimeoutSec,
        ThreadCpu.loadAverage(), logs);
    List<ServiceProcess> nodes = new ArrayList<>();
    ServiceProcess baseline = null;
    OwnershipWatch watch = null;
    try {
      long startedAt = System.currentTimeMillis();
      for (int i = 0; i < nodeCount; i++) {
        nodes.add(ServiceProcess.start(jar, env, logs.resolve("node" + i + ".log"), jvm));
      }
      watch = OwnershipWatch.start(nodes, Duration.ofMillis(Long.parseLong(a.get("sample_ms"))));
      baseline = ServiceProcess.start(jar, baselineEnv, logs.resolve("baseline.log"), jvm);
      ClusterNodes.awaitStable(nodes, nodeCount, Duration.ofMinutes(10));
      double stableS = (System.currentTimeMillis() - startedAt) / 1000.0;
      Map<ServiceProcess, Map<String, Long>> share = watch.awaitPartition(nodes, symbols, Duration.ofSeconds(30));
      ClusterNodes.awaitStable(List.of(baseline), 1, Duration.ofMinutes(2));
      row("start: stable, every symbol running once", String.format(Locale.ROOT, "%.1f s", stableS), "", "");
      spreadRow("spread over " + nodeCount + " nodes", share.values());

      OwnershipWatch w = watch;
      Waits.holdsFor("the cluster stays stable before the window", Duration.ofSeconds(5), () -> allStable(w, nodes));
      steadyWindow(nodes, w, Integer.parseInt(a.get("window")));
      Map<ServiceProcess, Double> live = memory("steady state", nodes, share, baseline);
      latency(nodes, share, Integer.parseInt(a.get("requests")));

      ServiceProcess victim = nodes.get(nodes.size() - 1);
      List<ServiceProcess> survivors = nodes.subList(0, nodes.size() - 1);
      Map<ServiceProcess, Map<String, Long>> after = takeover(watch, victim, survivors, symbols, failureTimeoutSec);
      spreadRow("spread over the " + survivors.size() + " survivors", after.values());
      Map<ServiceProcess, Double> liveAfter = memory("survivors holding the killed node's share", survivors, after,
          baseline);
      for (ServiceProcess n : survivors) {
        int more = after.get(n).size() - share.get(n).size();
        row(String.format(Locale.ROOT, "  port %d: live heap per symbol taken over (%d → %d symbols)", n.port(),
            share.get(n).size(), after.get(n).size()), String.format(Locale.ROOT, "%.2f MiB",
            (liveAfter.get(n) - live.get(n)) / more / MIB), "", "");
      }

      System.out.println("\nownership watch: " + watch.summary());
      watch.overlaps().stream().limit(10).forEach(o -> System.out.println("  ran twice: " + o));
      row("symbols run by two nodes at a moment seen (" + watch.rounds() + " rounds)",
          Integer.toString(watch.overlaps().size()), "0", met(watch.overlaps().isEmpty()));
      printTable();
    } finally {
      if (watch != null) {
        watch.close();
      }
      for (ServiceProcess n : nodes) {
        n.close();
      }
      if (baseline != null) {
        baseline.close();
      }
    }
  }

  private static boolean allStable(OwnershipWatch watch, List<ServiceProcess> nodes) {
    Map<ServiceProcess, JsonObject> latest = watch.latest();
    return nodes.stream().allMatch(n -> latest.containsKey(n) && "stable".equals(latest.get(n).getString("state")));
  }

  private void spreadRow(String what, Collection<Map<String, Long>> shares) {
    int[] counts = shares.stream().mapToInt(Map::size).sorted().toArray();
    double mean = Arrays.stream(counts).average().orElse(0);
    double sd = Math.sqrt(Arrays.stream(counts).mapToDouble(c -> (c - mean) * (c - mean)).sum() / counts.length);
    row(what + ": symbols per node min / max / stddev", String.format(Locale.ROOT, "%d / %d / %.2f  %s", counts[0],
        counts[counts.length - 1], sd, Arrays.toString(counts)), "max - min <= 1",
        met(counts[counts.length - 1] - counts[0] <= 1));
  }

  /**
   * Trades ingested and CPU used per node over {@code seconds} during which every node must stay stable; the machine's
   * other work meanwhile is reported, since it distorts every figure on two shared cores.
   */
  private void steadyWindow(List<ServiceProcess> nodes, OwnershipWatch watch, int seconds) throws Exception {
    Map<ServiceProcess, Double> trades = new HashMap<>();
    Map<ServiceProcess, Duration> cpu = new HashMap<>();
    for (ServiceProcess n : nodes) {
      trades.put(n, metricWhere(n, "tapewatch_trades_ingested_total", ""));
      cpu.put(n, cpuTime(n));
    }
    CpuAccount machine = CpuAccount.start();
    long t0 = System.nanoTime();
    Waits.holdsFor("the cluster stays stable through the window", Duration.ofSeconds(seconds),
        () -> allStable(watch, nodes));
    double elapsed = (System.nanoTime() - t0) / 1e9;
    CpuAccount.Usage usage = machine.stop();
    double allTrades = 0;
    double allCores = 0;
    System.out.printf(Locale.ROOT, "%nsteady window %.1f s: port, trades/s, cores, trades per CPU-second%n", elapsed);
    for (ServiceProcess n : nodes) {
      double perSecond = (metricWhere(n, "tapewatch_trades_ingested_total", "") - trades.get(n)) / elapsed;
      double cores = cpuTime(n).minus(cpu.get(n)).toNanos() / 1e9 / elapsed;
      allTrades += perSecond;
      allCores += cores;
      System.out.printf(Locale.ROOT, "  %5d  %8.0f  %5.2f  %8.0f%n", n.port(), perSecond, cores, perSecond / cores);
    }
    row("steady: trades/s, all nodes", String.format(Locale.ROOT, "%.0f", allTrades), "", "");
    row("steady: CPU of the nodes (cores)", String.format(Locale.ROOT, "%.2f", allCores), "", "");
    row("steady: trades per CPU-second (trades/s per core)", String.format(Locale.ROOT, "%.0f",
        allTrades / allCores), "", "");
    // CpuAccount counts the nodes (children still running) among other processes.
    row("steady: other work on the machine (cores)", String.format(Locale.ROOT, "%.2f",
        Math.max(0, usage.others() - allCores)), "", "");
  }

  /**
   * Per node: RSS and its peak, heap used, and live heap (with its largest classes); then the memory per symbol
   * against the baseline node's. Returns each node's live heap in bytes.
   */
  private Map<ServiceProcess, Double> memory(String when, List<ServiceProcess> nodes,
      Map<ServiceProcess, Map<String, Long>> share, ServiceProcess baseline) throws Exception {
    double baseLive = live(baseline).bytes();
    double baseRss = rss(baseline, "VmRSS");
    Map<ServiceProcess, Double> liveBytes = new HashMap<>();
    double perSymbolLive = 0;
    double perSymbolRss = 0;
    System.out.printf(Locale.ROOT, "%nmemory, %s: port, symbols, RSS MiB (peak), heap used MiB, live heap MiB%n",
        when);
    System.out.printf(Locale.ROOT, "  %5d  %7d  %7.0f (%5.0f)  %7.0f  %7.0f   (baseline, its own cluster)%n",
        baseline.port(), 1, baseRss / MIB, rss(baseline, "VmHWM") / MIB, heapUsed(baseline) / MIB, baseLive / MIB);
    for (ServiceProcess n : nodes) {
      int count = share.get(n).size();
      double rss = rss(n, "VmRSS");
      double used = heapUsed(n);
      Live live = live(n);
      liveBytes.put(n, live.bytes());
      perSymbolLive += (live.bytes() - baseLive) / (count - 1) / nodes.size();
      perSymbolRss += (rss - baseRss) / (count - 1) / nodes.size();
      System.out.printf(Locale.ROOT, "  %5d  %7d  %7.0f (%5.0f)  %7.0f  %7.0f%n", n.port(), count, rss / MIB,
          rss(n, "VmHWM") / MIB, used / MIB, live.bytes() / MIB);
      live.largest().forEach(l -> System.out.println("         " + l));
      row(String.format(Locale.ROOT, "%s: port %d, %d symbols: RSS / live heap", when, n.port(), count),
          String.format(Locale.ROOT, "%.0f / %.0f MiB", rss / MIB, live.bytes() / MIB), "", "");
    }
    row(when + ": live heap per symbol (vs baseline)", String.format(Locale.ROOT, "%.2f MiB", perSymbolLive / MIB),
        "", "");
    row(when + ": RSS per symbol (vs baseline)", String.format(Locale.ROOT, "%.2f MiB", perSymbolRss / MIB), "", "");
    return liveBytes;
  }

  /**
   * /signals_tf of one symbol per node, sequential, through its owner and through the next node in turn; an answer
   * other than 200 (a 503 when the owner did not answer in time) is counted, not timed.
   */
  private void latency(List<ServiceProcess> nodes, Map<ServiceProcess, Map<String, Long>> share, int requests)
      throws Exception {
    System.out.println("\n/signals_tf latency, sequential, interleaved: owner vs non-owner");
    System.out.println("symbol     via owner p50/p99 µs   via other p50/p99 µs   ratio p50   not 200");
    for (ServiceProcess owner : nodes) {
      String symbol = share.get(owner).keySet().stream().sorted().findFirst().orElseThrow();
      ServiceProcess other = nodes.get((nodes.indexOf(owner) + 1) % nodes.size());
      List<Long> own = new ArrayList<>();
      List<Long> remote = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        timedGet(owner, symbol, own);
        timedGet(other, symbol, remote);
      }
      long failed = 2L * requests - own.size() - remote.size();
      double ratio = (double) pct(remote, 50) / pct(own, 50);
      System.out.printf(Locale.ROOT, "%s  %8d / %-8d        %8d / %-8d        %.2f×      %d%n", symbol, pct(own, 50),
          pct(own, 99), pct(remote, 50), pct(remote, 99), ratio, failed);
      row("/signals_tf " + symbol + " p50 through a non-owner / through the owner",
          String.format(Locale.ROOT, "%.2f× (%d of %d not 200)", ratio, failed, 2 * requests), "", "");
    }
  }

  /**
   * SIGKILL of {@code victim}, then: when the survivors saw it leave (their takeover records), when they ran every one
   * of its symbols (the watch's since), and when each answered through them; each from the kill and from the end of
   * the failure timeout. Returns what each survivor then runs.
   */
  private Map<ServiceProcess, Map<String, Long>> takeover(OwnershipWatch watch, ServiceProcess victim,
      List<ServiceProcess> survivors, List<String> symbols, int failureTimeoutSec) throws Exception {
    List<String> orphans = watch.running(victim).keySet().stream().sorted().toList();
    watch.unwatch(victim);
    long killedAt = System.currentTimeMillis();
    victim.kill();
    Map<String, Long> served = ClusterNodes.awaitServed(survivors, orphans,
        Duration.ofSeconds(failureTimeoutSec + 300L));
    ClusterNodes.awaitStable(survivors, survivors.size(), Duration.ofMinutes(5));
    Map<ServiceProcess, Map<String, Long>> after = watch.awaitPartition(survivors, symbols, Duration.ofSeconds(30));
    long lastRunning = after.values().stream().flatMap(m -> m.entrySet().stream())
        .filter(e -> orphans.contains(e.getKey())).mapToLong(Map.Entry::getValue).max().orElseThrow() - killedAt;
    long seenLeaving = Long.MAX_VALUE;
    for (ServiceProcess n : survivors) {
      for (Object t : n.cluster().getJsonArray("takeovers")) {
        Long leftAt = ((JsonObject) t).getLong("left_at");
        if (leftAt != null) {
          seenLeaving = Math.min(seenLeaving, leftAt - killedAt);
        }
      }
    }
    long firstServed = served.values().stream().mapToLong(t -> t - killedAt).min().orElseThrow();
    long lastServed = served.values().stream().mapToLong(t -> t - killedAt).max().orElseThrow();
    long timeoutMs = failureTimeoutSec * 1000L;
    System.out.printf(Locale.ROOT, "%nSIGKILL of port %d (%d symbols): seen leaving after %d ms, all running on the"
        + " survivors after %d ms, served after %d ms (first) to %d ms (last)%n", victim.port(), orphans.size(),
        seenLeaving, lastRunning, firstServed, lastServed);
    row("SIGKILL of a node with " + orphans.size() + " symbols: survivors see it leave", seenLeaving + " ms", "",
        "");
    row("  every symbol of it running on a survivor, from the kill", lastRunning + " ms", "", "");
    row("  every symbol of it served through the survivors, from the kill", lastServed + " ms", "", "");
    row(String.format(Locale.ROOT, "  the same, after the failure timeout (%d s)", failureTimeoutSec),
        (lastServed - timeoutMs) + " ms", "< 15000 ms", met(lastServed - timeoutMs < 15_000));
    return after;
  }

  /** Adds the microseconds of a GET that answered 200 to {@code timed}. */
  private static void timedGet(ServiceProcess n, String symbol, List<Long> timed) throws Exception {
    long t = System.nanoTime();
    HttpResponse<String> r = n.get("/signals_tf?symbol=" + symbol);
    if (r.statusCode() == 200) {
      timed.add((System.nanoTime() - t) / 1000);
    }
  }

  private static long pct(List<Long> values, int p) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static Duration cpuTime(ServiceProcess n) {
    return n.process().info().totalCpuDuration().orElseThrow(() -> new IllegalStateException(
        "no CPU time for process " + n.pid()));
  }

  private static double heapUsed(ServiceProcess n) throws Exception {
    return metricWhere(n, "jvm_memory_used_bytes", "area=\"heap\"");
  }

  /** The bytes of a JVM's live objects, and its largest classes (histogram lines). */
  private record Live(double bytes, List<String> largest) {
  }

  /**
   * {@code jcmd <pid> GC.class_histogram}: a full GC, then every object counted, so that no allocation between a GC
   * and a scrape inflates the figure.
   */
  private static Live live(ServiceProcess n) throws Exception {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(n.pid()), "GC.class_histogram").redirectErrorStream(true).start();
    List<String> out = new String(jcmd.getInputStream().readAllBytes()).lines().toList();
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      throw new IllegalStateException("jcmd GC.class_histogram on " + n.pid() + ": " + out);
    }
    String total = out.stream().filter(l -> l.startsWith("Total")).findFirst().orElseThrow(
        () -> new IllegalStateException("no Total in the class histogram of " + n.pid()));
    return new Live(Double.parseDouble(total.trim().split("\\s+")[2]), out.stream()
        .filter(l -> l.matches("\\s*\\d+:\\s+\\d+\\s+\\d+\\s.*")).limit(TOP_CLASSES).map(String::trim).toList());
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

  /** A field of /proc/[pid]/status in bytes: VmRSS (resident now) or VmHWM (its peak). */
  private static double rss(ServiceProcess n, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(n.pid()), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024.0;
      }
    }
    throw new IOException(field + " missing from /proc/" + n.pid() + "/status");
  }

  private void row(String measure, String result, String target, String met) {
    rows.add(new String[] {measure, result, target, met});
  }

  private static String met(boolean ok) {
    return ok ? "yes" : "NO";
  }

  private void printTable() {
    int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    System.out.println();
    System.out.printf(Locale.ROOT, "| %-" + width + "s | %s | %s | %s |%n", "measure", "result", "target", "met");
    System.out.println("|" + "-".repeat(width + 2) + "|---|---|---|");
    for (String[] r : rows) {
      System.out.printf(Locale.ROOT, "| %-" + width + "s | %s | %s | %s |%n", (Object[]) r);
    }
  }
}
