package dev.tapewatch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.ServiceProcess;
import dev.tapewatch.support.Waits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node cut off from the cluster, the way a long pause cuts it off: three nodes with {@code CLUSTER_QUORUM=2} share
 * {@value #SYMBOL_COUNT} symbols; one node's JVM is stopped with SIGSTOP until the two others, having declared it dead,
 * run every symbol between them, then resumed with SIGCONT. It wakes running the symbols it had and seeing members
 * that are gone: it must stop them within {@link #STEP_DOWN_BOUND}, claim nothing while it is cut off, and take its
 * share again once the two halves have merged, every symbol running exactly once within {@link #MERGE_BOUND} of the
 * SIGCONT. An {@link OwnershipWatch} watches throughout: the only runs of one symbol on two nodes at once it may see
 * are the paused node's own runs from before the pause, up to the moment it stopped them after waking (while
 * stopped it ran nothing; a node can not act before it wakes).
 */
@Tag("cluster")
class PausedNodeTest {
  static final int SYMBOL_COUNT = 30;
  static final int FAILURE_TIMEOUT_SEC = 5;
  static final long SAMPLE_MS = 100;
  /** From SIGCONT until the woken node has stopped every symbol it ran before the pause. */
  static final Duration STEP_DOWN_BOUND = Duration.ofSeconds(3);
  /** From SIGCONT until each symbol runs exactly once over the three nodes, as balanced as before. */
  static final Duration MERGE_BOUND = Duration.ofSeconds(40);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void aPausedNodeStopsItsSymbolsOnWakingClaimsNoneWhileCutOffAndTakesItsShareAfterTheMerge() throws Exception {
    List<String> symbols = ClusterNodes.symbols('P', SYMBOL_COUNT);
    Map<String, String> env = ClusterNodes.loopbackEnv("paused", symbols, FAILURE_TIMEOUT_SEC,
        Map.of("CLUSTER_QUORUM", "2"));
    List<ServiceProcess> nodes = new ArrayList<>();
    try {
      ClusterNodes.startSmall(env, tmp, 3, nodes);
      try (OwnershipWatch watch = OwnershipWatch.start(nodes, Duration.ofMillis(SAMPLE_MS))) {
        ClusterNodes.awaitBalanced(watch, nodes, symbols);

        ServiceProcess paused = nodes.get(2);
        String pausedId = watch.latest().get(paused).getString("node_id");
        List<ServiceProcess> others = nodes.subList(0, 2);
        // A stopped node answers nothing: asking it would hold up every round.
        watch.unwatch(paused);
        long stoppedAt = System.currentTimeMillis();
        signal(paused, "STOP");
        Map<ServiceProcess, Map<String, Long>> takenOver = watch.awaitPartition(others, symbols,
            Duration.ofSeconds(FAILURE_TIMEOUT_SEC + 20));
        assertEquals(List.of(15, 15), takenOver.values().stream().map(Map::size).toList(), takenOver.toString());
        long resumedAt = System.currentTimeMillis();
        signal(paused, "CONT");
        watch.watch(paused);

        Waits.until("the woken node to stop the symbols it ran before the pause", STEP_DOWN_BOUND.plusSeconds(5),
            () -> watch.latest().containsKey(paused) && watch.running(paused).values().stream()
                .noneMatch(since -> since < stoppedAt));
        long stoppedOwnMs = watch.runsOf(pausedId).stream().filter(r -> r.sinceMs() < stoppedAt)
            .mapToLong(r -> r.lastSeenMs() - resumedAt).max().orElseThrow();

        Map<String, ServiceProcess> merged = ClusterNodes.awaitStable(nodes, 3, MERGE_BOUND);
        Map<ServiceProcess, Map<String, Long>> after = watch.awaitPartition(nodes, symbols, Duration.ofSeconds(10));
        long mergedMs = System.currentTimeMillis() - resumedAt;
        assertEquals(3, merged.size());
        assertEquals(List.of(10, 10, 10), after.values().stream().map(Map::size).toList(), after.toString());
        System.out.println("paused " + (resumedAt - stoppedAt) + " ms; woken node's own runs last seen " + stoppedOwnMs
            + " ms after SIGCONT; each symbol once over three nodes " + mergedMs + " ms after SIGCONT; watch: "
            + watch.summary());
        assertTrue(stoppedOwnMs <= STEP_DOWN_BOUND.toMillis(), stoppedOwnMs + " ms");
        assertTrue(mergedMs <= MERGE_BOUND.toMillis(), mergedMs + " ms");
        List<OwnershipWatch.Overlap> unexplained = watch.overlaps().stream().filter(o -> !pausedBefore(o.first(),
            pausedId, stoppedAt) && !pausedBefore(o.second(), pausedId, stoppedAt)).toList();
        assertEquals(List.of(), unexplained, watch.summary() + "; logs in " + tmp);
      }
    } finally {
      for (ServiceProcess n : nodes) {
        n.close();
      }
    }
  }

  /** A run the paused node began before the pause: it stood still with it, then stopped it on waking. */
  private static boolean pausedBefore(OwnershipWatch.Run run, String pausedId, long stoppedAt) {
    return run.nodeId().equals(pausedId) && run.sinceMs() < stoppedAt;
  }

  private static void signal(ServiceProcess node, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + node.pid());
  }
}
