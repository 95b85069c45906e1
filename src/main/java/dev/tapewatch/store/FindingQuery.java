package dev.tapewatch.store;

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

/** A read of the findings: optional symbol, since and agent filters, newest first, at most {@code limit}. */
record FindingQuery(String symbol, Instant since, String agent, int limit) {

  static FindingQuery fromJson(JsonObject j) {
    String since = j.getString("since");
    return new FindingQuery(j.getString("symbol"), since == null ? null : Instant.parse(since), j.getString("agent"),
        j.getInteger("limit", 50));
  }

  boolean matches(Kept k) {
    return (symbol == null || symbol.equals(k.finding().getString("symbol")))
        && (agent == null || agent.equals(k.finding().getString("agent")))
        && (since == null || !k.ts().isBefore(since));
  }

  /**
   * The matching findings of {@code newestFirst}, once each (the first of an id), at most limit. Reading stops at
   * the limit or at the first finding older than since, so that a query costs what it returns rather than what is
   * kept.
   */
  List<JsonObject> take(Iterator<Kept> newestFirst) {
    List<JsonObject> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    while (out.size() < limit && newestFirst.hasNext()) {
      Kept k = newestFirst.next();
      if (since != null && k.ts().isBefore(since)) {
        break;
      }
      if (matches(k) && ids.add(k.id())) {
        out.add(k.finding());
      }
    }
    return out;
  }

  /** A finding with its time parsed once, where it is kept, rather than at each comparison of each query. */
  record Kept(Instant ts, String id, JsonObject finding) {
    /** Newest first; equal times by id, so that every reader (and the SQL's ORDER BY) orders them alike. */
    static final Comparator<Kept> NEWEST_FIRST = Comparator.comparing(Kept::ts).thenComparing(Kept::id).reversed();

    static Kept of(JsonObject finding) {
      return new Kept(Instant.parse(finding.getString("ts_utc")), finding.getString("id"), finding);
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
      if (newestFirst.contains(k)) {
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

    /** The kept finding with this id, or null: an outcome updates it in place. */
    JsonObject byId(String id) {
      return byId.get(id);
    }

    int size() {
      return arrivals.size();
    }

    Iterator<Kept> newestFirst() {
      return newestFirst.iterator();
    }
  }
}
