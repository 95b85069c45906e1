package dev.tapewatch.cluster;

import dev.tapewatch.support.ServiceProcess;
import dev.tapewatch.support.Waits;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches from outside which node runs which symbol. Every period it asks each watched node for /health at once (a
 * round) and reads its {@code cluster.running} ({@code {SYM: since_ms}}) and {@code as_of}: the node ran each listed
 * symbol from {@code since} to at least {@code as_of}. Per node and symbol it keeps that proven interval, from its
 * {@code since} to the latest {@code as_of} that still lists it with the same {@code since} (a run).
 *
 * <p>What this proves about "never owned twice at any moment": two runs of one symbol on two nodes whose intervals
 * overlap are a moment, on the one clock of this machine, at which both nodes ran it: that is a violation, never a
 * false alarm. What it can miss: the end of a run after its last sample. A node publishes its status whenever its
 * running set changes and at least every second, so a second run that started while the first still ran is caught
 * when that overlap lasts about a second plus a sampling period, and may be missed when it is shorter. A symbol
 * listed by two nodes in one round is not in itself a violation (one view may be older than a hand-over between
 * them); such rounds are counted apart in {@link #summary}.
 */
public final class OwnershipWatch implements AutoCloseable {
  /** One node's run of one symbol, as far as it was seen: from {@code sinceMs} to at least {@code lastSeenMs}. */
  public record Run(String symbol, String nodeId, int port, long sinceMs, long lastSeenMs) {
    boolean overlaps(Run other) {
      return !nodeId.equals(other.nodeId) && Math.max(sinceMs, other.sinceMs) <= Math.min(lastSeenMs,
          other.lastSeenMs);
    }
  }

  /** A moment at which two nodes ran the same symbol. */
  public record Overlap(Run first, Run second) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s on %s (port %d) over [%d, %d] and on %s (port %d) over [%d, %d]",
          first.symbol, first.nodeId, first.port, first.sinceMs, first.lastSeenMs, second.nodeId, second.port,
          second.sinceMs, second.lastSeenMs);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ownership-watch");
    t.setDaemon(true);
    return t;
  });
  private final CopyOnWriteArrayList<ServiceProcess> watched;
  /** symbol → "node@since" → the run; guarded by this. */
  private final Map<String, Map<String, Run>> runs = new HashMap<>();
  /** Each watched node's latest cluster section; guarded by this. */
  private final Map<ServiceProcess, JsonObject> latest = new HashMap<>();
  private int rounds;
  private int coListedRounds;
  private final List<String> coListed = new ArrayList<>();

  private OwnershipWatch(List<ServiceProcess> nodes) {
    watched = new CopyOnWriteArrayList<>(nodes);
  }

  /** Starts watching {@code nodes} at once (a node not answering yet is asked again next round). */
  public static OwnershipWatch start(List<ServiceProcess> nodes, Duration period) {
    OwnershipWatch watch = new OwnershipWatch(nodes);
    watch.sampler.scheduleWithFixedDelay(watch::round, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return watch;
  }

  /** Stops asking {@code node} (about to be killed or paused); what was seen of it stays. */
  public void unwatch(ServiceProcess node) {
    watched.remove(node);
    synchronized (this) {
      latest.remove(node);
    }
  }

  /** Asks {@code node} again from the next round (it was unwatched while paused). */
  public void watch(ServiceProcess node) {
    watched.addIfAbsent(node);
  }

  /** Every run seen of {@code nodeId}. */
  public synchronized List<Run> runsOf(String nodeId) {
    return runs.values().stream().flatMap(bySymbol -> bySymbol.values().stream())
        .filter(r -> r.nodeId().equals(nodeId)).toList();
  }

  private void round() {
    List<ServiceProcess> nodes = List.copyOf(watched);
    List<CompletableFuture<HttpResponse<String>>> asked = nodes.stream().map(n -> http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.port() + "/health")).timeout(Duration.ofSeconds(5))
            .build(), HttpResponse.BodyHandlers.ofString())).toList();
    Map<ServiceProcess, JsonObject> seen = new LinkedHashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      try {
        JsonObject cluster = new JsonObject(asked.get(i).join().body()).getJsonObject("cluster");
        if (cluster != null && cluster.containsKey("running")) {
          seen.put(nodes.get(i), cluster);
        }
      } catch (CompletionException | DecodeException notAnswering) {
        // Starting, stopping or killed: nothing seen of it this round.
      }
    }
    record(seen);
  }

  private synchronized void record(Map<ServiceProcess, JsonObject> seen) {
    rounds++;
    Map<String, String> listedBy = new HashMap<>();
    List<String> twice = new ArrayList<>();
    seen.forEach((node, cluster) -> {
      if (!watched.contains(node)) {
        return;
      }
      latest.put(node, cluster);
      String id = cluster.getString("node_id");
      long asOf = cluster.getLong("as_of");
      cluster.getJsonObject("running").forEach(e -> {
        long since = ((Number) e.getValue()).longValue();
        runs.computeIfAbsent(e.getKey(), s -> new HashMap<>()).merge(id + "@" + since,
            new Run(e.getKey(), id, node.port(), since, asOf),
            (was, now) -> now.lastSeenMs > was.lastSeenMs ? now : was);
        String other = listedBy.putIfAbsent(e.getKey(), id);
        if (other != null) {
          twice.add(e.getKey());
        }
      });
    });
    if (!twice.isEmpty()) {
      coListedRounds++;
      if (coListed.size() < 5) {
        coListed.add("round " + rounds + ": " + twice);
      }
    }
  }

  /** Every pair of runs of one symbol on two nodes at a common moment; none when ownership was exclusive. */
  public synchronized List<Overlap> overlaps() {
    List<Overlap> found = new ArrayList<>();
    for (Map<String, Run> bySymbol : runs.values()) {
      List<Run> list = List.copyOf(bySymbol.values());
      for (int i = 0; i < list.size(); i++) {
        for (int j = i + 1; j < list.size(); j++) {
          if (list.get(i).overlaps(list.get(j))) {
            found.add(new Overlap(list.get(i), list.get(j)));
          }
        }
      }
    }
    return found;
  }

  /** The latest cluster section of each watched node that answered. */
  public synchronized Map<ServiceProcess, JsonObject> latest() {
    return Map.copyOf(latest);
  }

  /** The symbols {@code node} ran at its latest answer, with since when. */
  public synchronized Map<String, Long> running(ServiceProcess node) {
    JsonObject cluster = latest.get(node);
    Map<String, Long> out = new HashMap<>();
    if (cluster != null) {
      cluster.getJsonObject("running").forEach(e -> out.put(e.getKey(), ((Number) e.getValue()).longValue()));
    }
    return out;
  }

  /**
   * Waits until the latest views of {@code nodes} list every one of {@code symbols} exactly once between them;
   * returns what each node runs (symbol → since), in the order of {@code nodes}.
   */
  public Map<ServiceProcess, Map<String, Long>> awaitPartition(List<ServiceProcess> nodes, List<String> symbols,
      Duration timeout) {
    List<String> expected = symbols.stream().sorted().toList();
    return Waits.until("each symbol listed by exactly one node", timeout, () -> {
      Map<ServiceProcess, Map<String, Long>> byNode = new LinkedHashMap<>();
      nodes.forEach(n -> byNode.put(n, running(n)));
      return byNode;
    }, byNode -> byNode.values().stream().map(Map::keySet).flatMap(Collection::stream).sorted().toList()
        .equals(expected), byNode -> {
      Map<String, Integer> counts = new HashMap<>();
      byNode.values().forEach(r -> r.keySet().forEach(s -> counts.merge(s, 1, Integer::sum)));
      return "listed other than once: " + expected.stream().filter(s -> counts.getOrDefault(s, 0) != 1).toList();
    });
  }

  /** Rounds so far, runs seen, proven overlaps, and the rounds in which a symbol was listed by two nodes. */
  public synchronized String summary() {
    return String.format(Locale.ROOT, "%d rounds, %d runs seen, %d proven overlaps; %d rounds listed a symbol on two"
        + " nodes (views of different moments)%s", rounds, runs.values().stream().mapToInt(Map::size).sum(),
        overlaps().size(), coListedRounds, coListed.isEmpty() ? "" : ", first: " + coListed);
  }

  public synchronized int rounds() {
    return rounds;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
