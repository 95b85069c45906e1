package dev.tapewatch.scorecard;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.agents.AgentDescriptor;
import dev.tapewatch.agents.LabelSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How well a probability of an up move was calibrated: the readings of the agent that keeps a posture (its label of
 * role reading, whose score is p_up) in ten buckets of p, each with the share that did go up, and the Brier score.
 */
public final class Calibration {
  static final int BUCKETS = 10;

  /** The agent and label whose score is a probability of an up move. */
  public record Reading(String agent, String label) {
  }

  private Calibration() {
  }

  /** The reading calibrated, from the descriptors: the posture-keeping agent's label of role reading. */
  public static Optional<Reading> reading() {
    for (AgentDescriptor d : AgentCatalog.DESCRIPTORS) {
      if (d.keepsPosture()) {
        Optional<LabelSpec> l = d.labels().stream().filter(s -> s.role() == LabelSpec.Role.READING).findFirst();
        if (l.isPresent()) {
          return Optional.of(new Reading(d.name(), l.get().label()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code {n, brier, buckets: [{lo, hi, n, mean_p, up_rate}]}} of samples whose score is p_up: bucket k holds
   * p in [k/10, (k+1)/10), the last one p = 1 too; up means ret_bps > 0; brier is the mean of (p − up)². Means of
   * nothing are null.
   */
  public static JsonObject of(List<Sample> samples) {
    List<List<Sample>> buckets = new ArrayList<>();
    for (int k = 0; k < BUCKETS; k++) {
      buckets.add(new ArrayList<>());
    }
    for (Sample s : samples) {
      double p = Math.max(0, Math.min(1, s.score()));
      buckets.get(Math.min(BUCKETS - 1, (int) Math.floor(p * BUCKETS))).add(s);
    }
    JsonArray out = new JsonArray();
    for (int k = 0; k < BUCKETS; k++) {
      List<Sample> b = buckets.get(k);
      out.add(new JsonObject().put("lo", k / 10.0).put("hi", (k + 1) / 10.0).put("n", b.size())
          .put("mean_p", Stats.mean(b.stream().mapToDouble(s -> Math.max(0, Math.min(1, s.score()))).toArray()))
          .put("up_rate", Stats.mean(b.stream().mapToDouble(s -> up(s)).toArray())));
    }
    Double brier = Stats.mean(samples.stream().mapToDouble(s -> {
      double miss = Math.max(0, Math.min(1, s.score())) - up(s);
      return miss * miss;
    }).toArray());
    return new JsonObject().put("n", samples.size()).put("brier", brier).put("buckets", out);
  }

  private static double up(Sample s) {
    return s.retBps() > 0 ? 1 : 0;
  }
}
