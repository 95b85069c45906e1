package dev.tapewatch.alerts;

import dev.tapewatch.config.Horizon;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The latest scorecard rows over every symbol (as published on {@code scorecard.rows}), read per agent and label:
 * what an alert says of how the label has done so far. Empty until the first scorecard refresh.
 */
record TrackRecord(JsonArray rows) {
  static final TrackRecord NONE = new TrackRecord(new JsonArray());
  /** The horizon a one-line track record speaks of when it has rows there, or else the configured one nearest it. */
  static final long PREFERRED_HORIZON_MS = 15 * 60_000L;

  /** Every horizon's row of the agent's label, in the scorecard's order (horizons as configured). */
  List<JsonObject> of(String agent, String label) {
    List<JsonObject> found = new ArrayList<>();
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      if (agent.equals(row.getString("agent")) && label.equals(row.getString("label"))) {
        found.add(row);
      }
    }
    return found;
  }

  /** The same rows for a prompt: without symbol, agent and label, which the trigger already names. */
  JsonArray forPrompt(String agent, String label) {
    JsonArray brief = new JsonArray();
    of(agent, label).forEach(row -> {
      JsonObject r = row.copy();
      r.remove("symbol");
      r.remove("agent");
      r.remove("label");
      brief.add(r);
    });
    return brief;
  }

  /**
   * {@code track record: 58% right at 15m over 112, +4.1 bps edge}; for a label without direction (no hit rate)
   * {@code track record: mean -2.3 bps at 15m over 40}; the edge is left out while the row has no baseline. Empty
   * when the label has no row yet.
   */
  Optional<String> line(String agent, String label) {
    return of(agent, label).stream()
        .min(Comparator.comparingLong(r -> Math.abs(millis(r.getString("horizon")) - PREFERRED_HORIZON_MS)))
        .map(TrackRecord::describe);
  }

  private static String describe(JsonObject row) {
    Double hitRate = row.getDouble("hit_rate");
    String at = " at " + row.getString("horizon") + " over " + row.getLong("n");
    String head = hitRate == null
        ? "track record: mean " + bps(row.getDouble("mean_ret_bps")) + at
        : "track record: " + Math.round(hitRate * 100) + "% right" + at;
    Double edge = row.getDouble("edge_bps");
    return edge == null ? head : head + ", " + bps(edge) + " edge";
  }

  private static String bps(double v) {
    return String.format(Locale.ROOT, "%+.1f bps", v);
  }

  /** A row of a horizon no longer parseable sorts last rather than failing the alert. */
  private static long millis(String horizon) {
    Horizon h = horizon == null ? null : Horizon.parse(horizon);
    return h == null ? Long.MAX_VALUE / 2 : h.millis();
  }
}
