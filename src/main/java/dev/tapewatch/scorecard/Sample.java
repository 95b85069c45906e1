package dev.tapewatch.scorecard;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.config.Horizon;
import dev.tapewatch.scorecard.ScoredFinding.Outcome;
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
    List<String> labels = horizons.stream().map(Horizon::label).toList();
    List<ScoredFinding> scored = new ArrayList<>();
    for (Object o : findings) {
      JsonObject f = (JsonObject) o;
      if (f.getJsonObject("outcomes") != null) {
        scored.add(ScoredFinding.of(Instant.parse(f.getString("ts_utc")), f.getString("id"), f, labels));
      }
    }
    return of(scored, labels, horizons);
  }

  /** The samples of the store's answer at {@code horizons}, each of which the answer holds or gives none. */
  public static List<Sample> of(ScoredFindings answer, List<Horizon> horizons) {
    return of(answer.findings(), answer.horizons(), horizons);
  }

  private static List<Sample> of(List<ScoredFinding> findings, List<String> held, List<Horizon> horizons) {
    int[] at = horizons.stream().mapToInt(h -> held.indexOf(h.label())).toArray();
    List<Sample> out = new ArrayList<>();
    for (ScoredFinding f : findings) {
      int direction = AgentCatalog.direction(f.agent(), f.label(), f.score());
      long ts = f.ts().toEpochMilli();
      for (int i = 0; i < at.length; i++) {
        Outcome outcome = at[i] < 0 ? null : f.outcomes().get(at[i]);
        if (outcome != null) {
          out.add(new Sample(f.symbol(), f.agent(), f.label(), horizons.get(i).label(), ts, f.score(), direction,
              outcome.retBps(), outcome.hit()));
        }
      }
    }
    return out;
  }
}
