package dev.tapewatch.store;

import dev.tapewatch.scorecard.ScoredFinding;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A read of the findings: optional symbol, since (inclusive) and agent filters, newest first, at most
 * {@code limit}. {@code before} (exclusive) starts after a time; with {@code beforeId} it starts right after the
 * finding (before, beforeId) in that order, so that a page ending inside a run of equal times loses none of them.
 */
record FindingQuery(String symbol, Instant since, Instant before, String beforeId, String agent, int limit) {

  static FindingQuery fromJson(JsonObject j) {
    return new FindingQuery(j.getString("symbol"), instant(j.getString("since")), instant(j.getString("before")),
        j.getString("before_id"), j.getString("agent"), j.getInteger("limit", 50));
  }

  private static Instant instant(String iso) {
    return iso == null ? null : Instant.parse(iso);
  }

  boolean matches(Kept k) {
    return (symbol == null || symbol.equals(k.finding().getString("symbol")))
        && (agent == null || agent.equals(k.finding().getString("agent")))
        && (since == null || !k.ts().isBefore(since))
        && (before == null || k.ts().isBefore(before)
            || beforeId != null && k.ts().equals(before) && k.id().compareTo(beforeId) < 0);
  }

  /**
   * The matching findings of {@code newestFirst}, once each (the first of an id), at most limit. Reading stops at
   * the limit or at the first finding older than since, so that a query costs what it returns rather than what is
   * kept.
   */
  List<Kept> take(Iterator<Kept> newestFirst) {
    List<Kept> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    while (out.size() < limit && newestFirst.hasNext()) {
      Kept k = newestFirst.next();
      if (since != null && k.ts().isBefore(since)) {
        break;
      }
      if (matches(k) && ids.add(k.id())) {
        out.add(k);
      }
    }
    return out;
  }

  /** The findings of {@code newestFirst} with a resolved outcome, in the same order. */
  static Iterator<Kept> scoredOnly(Iterator<Kept> newestFirst) {
    return new Iterator<>() {
      private Kept next = advance();

      private Kept advance() {
        while (newestFirst.hasNext()) {
          Kept k = newestFirst.next();
          if (hasResolvedOutcome(k.finding())) {
            return k;
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Kept next() {
        Kept k = next;
        next = advance();
        return k;
      }
    };
  }

  /** At least one horizon resolved with a return (not pending, not missed). */
  static boolean hasResolvedOutcome(JsonObject finding) {
    JsonObject outcomes = finding.getJsonObject("outcomes");
    return outcomes != null && outcomes.stream().anyMatch(e -> e.getValue() instanceof JsonObject o
        && o.getValue("ret_bps") instanceof Number);
  }

  /** At least one horizon still unresolved. */
  static boolean isOwed(JsonObject finding) {
    JsonObject outcomes = finding.getJsonObject("outcomes");
    return outcomes != null && outcomes.fieldNames().stream().anyMatch(h -> outcomes.getValue(h) == null);
  }

  /** Newest first; equal times by id, so that every reader (and the SQL's ORDER BY) orders them alike. */
  static <T> Comparator<T> newestFirst(Function<T, Instant> ts, Function<T, String> id) {
    return Comparator.comparing(ts).thenComparing(id).reversed();
  }

  /**
   * The first {@code limit} of a store's answer ({@code stored}, newest first as every store answers) and of the
   * findings not yet written ({@code unwritten}, in any order), newest first; of a finding in both, or twice
   * unwritten, the first unwritten copy. Merged, not sorted together: a store answers up to 100,000 rows, and this
   * runs on the store's event loop.
   */
  static <T> List<T> merged(List<T> stored, List<T> unwritten, Comparator<T> newestFirst, Function<T, String> id,
      int limit) {
    List<T> pending = new ArrayList<>(unwritten);
    pending.sort(newestFirst);
    Set<String> pendingIds = new HashSet<>();
    pending.removeIf(t -> !pendingIds.add(id.apply(t)));
    List<T> out = new ArrayList<>(Math.min(limit, stored.size() + pending.size()));
    int p = 0;
    int s = 0;
    while (out.size() < limit && (p < pending.size() || s < stored.size())) {
      if (s == stored.size() || p < pending.size() && newestFirst.compare(pending.get(p), stored.get(s)) <= 0) {
        out.add(pending.get(p++));
      } else {
        T row = stored.get(s++);
        if (!pendingIds.contains(id.apply(row))) {
          out.add(row);
        }
      }
    }
    return out;
  }

  /** A finding with its time parsed once, where it is kept, rather than at each comparison of each query. */
  record Kept(Instant ts, String id, JsonObject finding) {
    static final Comparator<Kept> NEWEST_FIRST = newestFirst(Kept::ts, Kept::id);

    static Kept of(JsonObject finding) {
      return new Kept(Instant.parse(finding.getString("ts_utc")), finding.getString("id"), finding);
    }

    /** As the scorecard reads it, with its outcomes at {@code horizons}. */
    ScoredFinding scored(List<String> horizons) {
      return ScoredFinding.of(ts, id, finding, horizons);
    }
  }

  /**
   * The last {@code capacity} findings to arrive, kept in query order: findings arrive only roughly in time order,
   * and the oldest to arrive is the one to leave.
   */
  static final class Recent {
    private final int capacity;
    private final NavigableSet<Kept> newestFirst = new TreeSet<>(Kept.NEWEST_FIRST);
    private final Deque<Kept> arrivals = new ArrayDeque<>();
    private final Map<String, JsonObject> byId = new HashMap<>();

    Recent(int capacity) {
      this.capacity = capacity;
    }

    /** A finding heard twice is kept once. */
    void add(JsonObject finding) {
      Kept k = Kept.of(finding);
      if (byId.containsKey(k.id())) {
        return;
      }
      if (arrivals.size() >= capacity) {
        Kept oldest = arrivals.removeFirst();
        newestFirst.remove(oldest);
        byId.remove(oldest.id());
      }
      newestFirst.add(k);
      arrivals.addLast(k);
      byId.put(k.id(), finding);
    }

    boolean contains(String id) {
      return byId.containsKey(id);
    }

    /**
     * Puts a resolved outcome {@code {id, horizon, outcome}} on its kept finding, if kept. The first resolution
     * stands: after a takeover the new owner may miss what the old one priced.
     */
    void resolve(JsonObject resolved) {
      JsonObject kept = byId.get(resolved.getString("id"));
      if (kept == null) {
        return;
      }
      JsonObject outcomes = kept.getJsonObject("outcomes");
      if (outcomes == null) {
        outcomes = new JsonObject();
        kept.put("outcomes", outcomes);
      }
      String horizon = resolved.getString("horizon");
      if (outcomes.getValue(horizon) == null) {
        outcomes.put(horizon, resolved.getJsonObject("outcome"));
      }
    }

    int size() {
      return arrivals.size();
    }

    Iterator<Kept> newestFirst() {
      return newestFirst.iterator();
    }
  }
}
