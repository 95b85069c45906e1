package dev.tapewatch.scorecard;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.config.Horizon;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One resolved outcome of one finding: its return at a horizon and the direction its agent declared for the finding's
 * label (for a label whose direction comes from the score, this finding's). {@code hit} as the outcome says it.
 */
public record Sample(String symbol, String agent, String label, String horizon, long tsMs, double score,
    int direction, double retBps, Boolean hit) {

  /**
   * The samples of {@code findings} (store JSON, with {@code outcomes}) at {@code horizons}: one per outcome
   * resolved with a return; pending, missed and return-less outcomes (no ref_price) are left out.
   */
  public static List<Sample> of(Iterable<?> findings, List<Horizon> horizons) {
    List<Sample> out = new ArrayList<>();
    for (Object o : findings) {
      JsonObject f = (JsonObject) o;
      JsonObject outcomes = f.getJsonObject("outcomes");
      if (outcomes == null) {
        continue;
      }
      String agent = f.getString("agent");
      String label = f.getString("label");
      double score = f.getDouble("score", 0.0);
      int direction = AgentCatalog.direction(agent, label, score);
      long ts = Instant.parse(f.getString("ts_utc")).toEpochMilli();
      for (Horizon h : horizons) {
        if (outcomes.getValue(h.label()) instanceof JsonObject outcome
            && outcome.getValue("ret_bps") instanceof Number ret && Double.isFinite(ret.doubleValue())) {
          out.add(new Sample(f.getString("symbol"), agent, label, h.label(), ts, score, direction,
              ret.doubleValue(), outcome.getBoolean("hit")));
        }
      }
    }
    return out;
  }
}
