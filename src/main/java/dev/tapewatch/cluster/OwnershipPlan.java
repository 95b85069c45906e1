package dev.tapewatch.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * What one node does next to reach a fair share of the symbols, from the cluster's ownership map, the live members
 * and those of them that take part (ready to claim). Every node computes the same quotas from the same list: with S
 * symbols and n participants, the first S mod n participants (by node id) take ceil(S/n), the others floor(S/n). A
 * node above its quota releases, a node below claims free symbols (the map's putIfAbsent makes the claim safe when two
 * nodes race). A symbol whose owner is a member but does not take part (joining, stopping, or dropped from the list by
 * a peer whose member list lagged) is not free: that owner may still run it, and it lets go itself. Which free
 * symbols a node prefers is rendezvous hashing of (node, symbol), so nodes claiming at once mostly reach for different
 * ones and a symbol tends to return to the same node. Plain: no Vert.x, no Hazelcast.
 *
 * @param free    symbols with no live owner: no entry, or an entry naming a node no longer a member ({@link #stale})
 * @param stale   symbol → the departed node its entry still names; a claim replaces exactly that entry
 * @param release this node's symbols above its quota, least preferred first
 * @param claim   free symbols to try to claim, most preferred first, at most the node's shortfall
 */
public record OwnershipPlan(List<String> free, Map<String, String> stale, List<String> release, List<String> claim) {

  /**
   * Whether a node may own symbols at all. A node that sees fewer members than the quorum may be the cut-off side of
   * a split, whose other side has taken its symbols; a node whose own timer stood still about as long as the failure
   * timeout may have been declared dead meanwhile, before its member list shows it. Either runs no symbol and claims
   * none: it can not tell whether its symbols already run elsewhere.
   */
  public enum Standing { OWNING, MINORITY, STALLED }

  /**
   * The rule: {@code MINORITY} when {@code members} (this node included) is below {@code quorum}; else
   * {@code STALLED} when {@code tickGapMs}, the time since this node's previous periodic pass, reached
   * {@code stallMs}; else {@code OWNING}.
   */
  public static Standing standing(int members, int quorum, long tickGapMs, long stallMs) {
    if (members < quorum) {
      return Standing.MINORITY;
    }
    return tickGapMs >= stallMs ? Standing.STALLED : Standing.OWNING;
  }

  /**
   * The pause after which the others may have declared this node dead: they do after {@code failureTimeoutMs}
   * without a heartbeat, and the last one may have gone out up to {@code heartbeatMs} before the pause began. Never
   * below two periods of the pass, which a busy event loop can reach without being paused.
   */
  public static long stallMs(long failureTimeoutMs, long heartbeatMs, long periodMs) {
    return Math.max(failureTimeoutMs - heartbeatMs, 2 * periodMs);
  }

  public static OwnershipPlan compute(List<String> symbols, List<String> members, List<String> participants,
      Map<String, String> owners, String self) {
    List<String> taking = participants.stream().sorted().toList();
    List<String> free = new ArrayList<>();
    Map<String, String> stale = new LinkedHashMap<>();
    List<String> mine = new ArrayList<>();
    for (String s : symbols) {
      String owner = owners.get(s);
      if (owner == null || !members.contains(owner)) {
        free.add(s);
        if (owner != null) {
          stale.put(s, owner);
        }
      } else if (owner.equals(self)) {
        mine.add(s);
      }
    }
    int index = taking.indexOf(self);
    if (index < 0) {
      // Not taking part yet (or any more): nothing is this node's to change.
      return new OwnershipPlan(free, stale, List.of(), List.of());
    }
    int quota = quota(symbols.size(), taking.size(), index);
    Comparator<String> preferred = Comparator.comparingLong((String s) -> weight(self, s)).reversed()
        .thenComparing(Comparator.naturalOrder());
    List<String> release = List.of();
    List<String> claim = List.of();
    if (mine.size() > quota) {
      release = mine.stream().sorted(preferred.reversed()).limit(mine.size() - quota).toList();
    } else if (mine.size() < quota) {
      claim = free.stream().sorted(preferred).limit(quota - mine.size()).toList();
    }
    return new OwnershipPlan(free, stale, release, claim);
  }

  /** The share of the participant at {@code index} (participants sorted by id). */
  static int quota(int symbols, int members, int index) {
    return symbols / members + (index < symbols % members ? 1 : 0);
  }

  /** Rendezvous weight: how much {@code node} prefers {@code symbol}; the same on every node. */
  static long weight(String node, String symbol) {
    CRC32 crc = new CRC32();
    crc.update((node + '/' + symbol).getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }
}
