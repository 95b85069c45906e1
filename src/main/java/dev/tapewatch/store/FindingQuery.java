package dev.tapewatch.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Comparator;

/** A read of the findings: optional symbol, since and agent filters, newest first, at most {@code limit}. */
record FindingQuery(String symbol, Instant since, String agent, int limit) {

  /** Newest first; equal times by id, so that every reader orders them alike. */
  static final Comparator<JsonObject> NEWEST_FIRST = Comparator
      .comparing((JsonObject f) -> Instant.parse(f.getString("ts_utc")))
      .thenComparing(f -> f.getString("id"))
      .reversed();

  static FindingQuery fromJson(JsonObject j) {
    String since = j.getString("since");
    return new FindingQuery(j.getString("symbol"), since == null ? null : Instant.parse(since), j.getString("agent"),
        j.getInteger("limit", 50));
  }

  boolean matches(JsonObject finding) {
    return (symbol == null || symbol.equals(finding.getString("symbol")))
        && (agent == null || agent.equals(finding.getString("agent")))
        && (since == null || !Instant.parse(finding.getString("ts_utc")).isBefore(since));
  }
}
