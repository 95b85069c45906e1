package dev.tapewatch.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A /scorecard row as the README defines it, built field by field for a test's expectation. */
public final class ScorecardRow {
  private ScorecardRow() {
  }

  public static JsonObject of(String symbol, String agent, String label, String horizon, int n, int hits,
      Double hitRate, double[] ci, double mean, Double meanSigned, double median, int baseN, Double baseHitRate,
      Double baseMean, Double edge) {
    return new JsonObject().put("symbol", symbol).put("agent", agent).put("label", label).put("horizon", horizon)
        .put("n", n).put("hits", hits).put("hit_rate", hitRate)
        .put("hit_rate_ci95", ci == null ? null : new JsonArray().add(ci[0]).add(ci[1]))
        .put("mean_ret_bps", mean).put("mean_signed_ret_bps", meanSigned).put("median_ret_bps", median)
        .put("base_n", baseN).put("base_hit_rate", baseHitRate).put("base_mean_ret_bps", baseMean)
        .put("edge_bps", edge);
  }
}
