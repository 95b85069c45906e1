package dev.tapewatch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OwnershipPlanTest {
  private static final List<String> THREE = List.of("BTC-USD", "ETH-USD", "ADA-USD");

  @Test
  void quotasSplitTheRemainderOverTheFirstMembers() {
    assertEquals(List.of(2, 1), IntStream.range(0, 2).map(i -> OwnershipPlan.quota(3, 2, i)).boxed().toList());
    assertEquals(List.of(67, 67, 66), IntStream.range(0, 3).map(i -> OwnershipPlan.quota(200, 3, i)).boxed().toList());
    assertEquals(List.of(1, 1, 0), IntStream.range(0, 3).map(i -> OwnershipPlan.quota(2, 3, i)).boxed().toList());
  }

  @Test
  void aLoneNodeClaimsEverySymbol() {
    OwnershipPlan p = OwnershipPlan.compute(THREE, List.of("a"), List.of("a"), Map.of(), "a");
    assertEquals(Set.copyOf(THREE), Set.copyOf(p.claim()));
    assertEquals(THREE, p.free());
    assertEquals(List.of(), p.release());
  }

  @Test
  void aNodeAboveItsQuotaReleasesItsLeastPreferredAndTheNewcomerWaitsForIt() {
    Map<String, String> owners = Map.of("BTC-USD", "a", "ETH-USD", "a", "ADA-USD", "a");
    OwnershipPlan first = OwnershipPlan.compute(THREE, List.of("a", "b"), List.of("b", "a"), owners, "a");
    assertEquals(1, first.release().size());
    String released = first.release().get(0);
    String leastPreferred = THREE.stream()
        .min((x, y) -> Long.compare(OwnershipPlan.weight("a", x), OwnershipPlan.weight("a", y))).orElseThrow();
    assertEquals(leastPreferred, released);
    assertEquals(List.of(), OwnershipPlan.compute(THREE, List.of("a", "b"), List.of("a", "b"), owners, "b").claim());

    Map<String, String> after = new HashMap<>(owners);
    after.remove(released);
    assertEquals(List.of(released), OwnershipPlan.compute(THREE, List.of("a", "b"), List.of("a", "b"), after, "b")
        .claim());
  }

  @Test
  void entriesOfADepartedNodeAreStaleAndItsSymbolsFree() {
    Map<String, String> owners = Map.of("BTC-USD", "a", "ETH-USD", "gone", "ADA-USD", "gone");
    OwnershipPlan p = OwnershipPlan.compute(THREE, List.of("a", "b"), List.of("a", "b"), owners, "a");
    assertEquals(Map.of("ETH-USD", "gone", "ADA-USD", "gone"), p.stale());
    assertEquals(List.of("ETH-USD", "ADA-USD"), p.free());
    assertEquals(1, p.claim().size());
    assertEquals(1, OwnershipPlan.compute(THREE, List.of("a", "b"), List.of("a", "b"), owners, "b").claim().size());
  }

  @Test
  void aLiveMemberNotTakingPartKeepsItsSymbolsUntilItLetsGo() {
    // b runs ETH and ADA but is off the participants list (it is stopping, or a peer with a lagging member list
    // dropped it): they are not free while b lives, and a takes nothing although its quota is all three.
    Map<String, String> owners = Map.of("BTC-USD", "a", "ETH-USD", "b", "ADA-USD", "b");
    OwnershipPlan p = OwnershipPlan.compute(THREE, List.of("a", "b"), List.of("a"), owners, "a");
    assertEquals(List.of(), p.free());
    assertEquals(Map.of(), p.stale());
    assertEquals(List.of(), p.claim());
    // Once b has removed its entries, they are a's to claim.
    assertEquals(Set.of("ETH-USD", "ADA-USD"), Set.copyOf(OwnershipPlan.compute(THREE, List.of("a", "b"),
        List.of("a"), Map.of("BTC-USD", "a"), "a").claim()));
    // Once b is no longer a member, its entries are stale: replaced exactly.
    assertEquals(Map.of("ETH-USD", "b", "ADA-USD", "b"), OwnershipPlan.compute(THREE, List.of("a"), List.of("a"),
        owners, "a").stale());
  }

  @Test
  void aNodeOwnsOnlyWhileItSeesTheQuorumAndItsPassHasNotStoodStill() {
    long stall = OwnershipPlan.stallMs(5000, 1000, 1000);
    assertEquals(4000, stall);
    // Three nodes, quorum 2: the two survivors of a split own, the one cut off does not (nor does the survivor of a
    // crash in a two-node cluster with quorum 2).
    assertEquals(OwnershipPlan.Standing.OWNING, OwnershipPlan.standing(3, 2, 1000, stall));
    assertEquals(OwnershipPlan.Standing.OWNING, OwnershipPlan.standing(2, 2, 1000, stall));
    assertEquals(OwnershipPlan.Standing.MINORITY, OwnershipPlan.standing(1, 2, 1000, stall));
    // Cut off and paused: the minority is what lasts.
    assertEquals(OwnershipPlan.Standing.MINORITY, OwnershipPlan.standing(1, 2, 9000, stall));
    // Paused long enough to have been declared dead, its member list not yet showing it.
    assertEquals(OwnershipPlan.Standing.STALLED, OwnershipPlan.standing(3, 2, 4000, stall));
    assertEquals(OwnershipPlan.Standing.OWNING, OwnershipPlan.standing(3, 2, 3999, stall));
    // Quorum 1 owns whatever it sees, alone or in a two-node cluster.
    assertEquals(OwnershipPlan.Standing.OWNING, OwnershipPlan.standing(1, 1, 1000, stall));
    // Five nodes, quorum 3: a side of two does not own.
    assertEquals(OwnershipPlan.Standing.MINORITY, OwnershipPlan.standing(2, 3, 1000, stall));
    assertEquals(OwnershipPlan.Standing.OWNING, OwnershipPlan.standing(3, 3, 1000, stall));
  }

  @Test
  void theStallThresholdIsTheFailureTimeoutLessAHeartbeatButNeverBelowTwoPasses() {
    assertEquals(9000, OwnershipPlan.stallMs(10_000, 1000, 1000));
    assertEquals(2000, OwnershipPlan.stallMs(2000, 1000, 1000));
    assertEquals(2000, OwnershipPlan.stallMs(3000, 1000, 1000));
  }

  @Test
  void aNodeNotYetTakingPartChangesNothing() {
    OwnershipPlan p = OwnershipPlan.compute(THREE, List.of("a", "b"), List.of("a"), Map.of("BTC-USD", "b"), "b");
    assertEquals(List.of(), p.claim());
    assertEquals(List.of(), p.release());
  }

  /**
   * Nodes join and die at random; after each change every live node applies its plan in turn (claims with
   * putIfAbsent, or replace of the departed owner's entry) until nothing changes. Every symbol must then have exactly one live owner, and every node
   * hold its quota, within a few rounds.
   */
  @Test
  void passesConvergeToOneLiveOwnerPerSymbolAndFairShares() {
    Random random = new Random(42);
    List<String> symbols = IntStream.range(0, 200).mapToObj(i -> "S" + i + "-USD").toList();
    Map<String, String> owners = new HashMap<>();
    List<String> live = new ArrayList<>(List.of("n0"));
    int nextNode = 1;
    for (int change = 0; change < 40; change++) {
      if (live.size() > 1 && random.nextBoolean()) {
        live.remove(random.nextInt(live.size()));
      } else if (live.size() < 6) {
        live.add("n" + nextNode++);
      }
      int rounds = 0;
      boolean changed = true;
      while (changed) {
        changed = false;
        assertTrue(++rounds <= 4, "converged within 3 rounds after change " + change);
        for (String node : live) {
          OwnershipPlan p = OwnershipPlan.compute(symbols, live, live, owners, node);
          for (String s : p.release()) {
            owners.remove(s);
            changed = true;
          }
          for (String s : p.claim()) {
            String dead = p.stale().get(s);
            changed |= dead == null ? owners.putIfAbsent(s, node) == null : owners.replace(s, dead, node);
          }
        }
      }
      assertEquals(Set.copyOf(symbols), owners.keySet());
      assertTrue(live.containsAll(owners.values()), "only live owners");
      List<String> sorted = live.stream().sorted().toList();
      for (int i = 0; i < sorted.size(); i++) {
        String node = sorted.get(i);
        assertEquals(OwnershipPlan.quota(200, sorted.size(), i),
            owners.values().stream().filter(node::equals).count(), node + " holds its quota");
      }
    }
  }
}
