package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import dev.tapewatch.market.TimeframeFeatures;
import dev.tapewatch.agents.LabelSpec.Direction;
import dev.tapewatch.agents.LabelSpec.Role;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code trend_score}: for each timeframe z = w_mom·clip(mom_bps/10) + w_vwap·clip(px_vs_vwap_bps/10) +
 * w_rvol·sign(mom_bps)·clip(rvol − 1) + w_flow·clip(signed_volume/volume · 3), clip to [−3, 3];
 * p = 1/(1 + e^(−z)); p_up = Σ m_tf·p_tf. Every run gives a {@code trend_score} finding; a posture change (see
 * {@link Posture}) gives an {@code enter_long}/{@code exit_long} finding whose details are the new position_state row.
 */
public final class TrendScoreAgent implements Agent {
  private static final LabelSpec READING = new LabelSpec("trend_score", Direction.SCORE_ABOVE_HALF,
      "every run's reading: p_up with p_1m, p_5m, p_15m, the posture and the features", Role.READING,
      (score, d) -> "trend score p_up " + LabelSpec.number(score));
  private static final LabelSpec ENTER = new LabelSpec("enter_long", Direction.UP,
      "the posture turned long after TS_PERSIST runs at or above TS_ENTRY", Role.POSTURE_CHANGE,
      (score, d) -> "trend score turned long (p_up " + conf(score, d) + ")");
  private static final LabelSpec EXIT = new LabelSpec("exit_long", Direction.DOWN,
      "the posture turned flat after TS_PERSIST runs at or below TS_EXIT", Role.POSTURE_CHANGE,
      (score, d) -> "trend score turned flat (p_up " + conf(score, d) + ")");
  public static final AgentDescriptor DESCRIPTOR = new AgentDescriptor("trend_score",
      "the probability of an up move from momentum, VWAP distance, volume and flow over 1m, 5m and 15m, and the"
          + " long/flat posture it holds", List.of(READING, ENTER, EXIT),
      "TS_INTERVAL", "FEATURE_BARS", null, false, true);

  private final Map<String, Double> weights;
  private final Map<String, Double> timeframeWeights;
  private final double entry;
  private final double exit;
  private final int persist;
  private final double qty;
  private final Map<String, Posture> postures = new HashMap<>();

  public TrendScoreAgent(Map<String, Double> weights, Map<String, Double> timeframeWeights, double entry,
      double exit, int persist, double qty) {
    this.weights = weights;
    this.timeframeWeights = timeframeWeights;
    this.entry = entry;
    this.exit = exit;
    this.persist = persist;
    this.qty = qty;
  }

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  private static String conf(Number score, JsonObject d) {
    return LabelSpec.number(LabelSpec.field(d, "last_conf") == null ? score : LabelSpec.field(d, "last_conf"));
  }

  @Override
  public void forget(String symbol) {
    postures.remove(symbol);
  }

  @Override
  public void restorePosture(String symbol, String status, double avgPrice, Instant updatedAt) {
    postures.put(symbol, Posture.restored("long".equals(status), avgPrice, updatedAt.toEpochMilli()));
  }

  static double clip(double x) {
    return Math.max(-3, Math.min(3, x));
  }

  /** z of one timeframe's features. */
  double z(TimeframeFeatures f) {
    double flow = f.volume() > 0 ? f.signedVolume() / f.volume() * 3 : 0.0;
    return weights.get("mom") * clip(f.momBps() / 10)
        + weights.get("vwap") * clip(f.pxVsVwapBps() / 10)
        + weights.get("rvol") * Math.signum(f.momBps()) * clip(f.rvol() - 1)
        + weights.get("flow") * clip(flow);
  }

  static double probability(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Override
  public List<Finding> evaluate(AgentInput input, boolean commit) {
    MarketSnapshot m = input.market();
    JsonObject details = new JsonObject();
    double pUp = 0;
    for (Timeframe tf : Timeframe.values()) {
      double p = probability(z(m.tf(tf)));
      details.put("p_" + tf.label(), p);
      pUp += timeframeWeights.get(tf.label()) * p;
    }
    if (m.lastPrice() == null) {
      return List.of();
    }
    Posture current = postures.getOrDefault(m.symbol(), new Posture());
    Posture posture = commit ? current : current.copy();
    if (commit) {
      postures.put(m.symbol(), current);
    }
    Posture.Change change = posture.step(pUp, entry, exit, persist, m.lastPrice(), input.nowMs());
    // The reading carries the whole posture, so a reader (the dashboard) needs no second query for its entry.
    details.put("p_up", pUp).put("posture", posture.status()).put("streak", posture.streak())
        .put("entry_price", posture.isLong() ? posture.entryPrice() : null)
        .put("posture_since", posture.sinceMs() == 0 ? null : Instant.ofEpochMilli(posture.sinceMs()).toString())
        .put("features", m.toJson().getJsonObject("tf"));
    List<Finding> out = new ArrayList<>();
    out.add(Finding.of(input.nowMs(), DESCRIPTOR.name(), m.symbol(), pUp, READING.label(), details));
    if (change != null) {
      String label = (change == Posture.Change.ENTERED ? ENTER : EXIT).label();
      out.add(Finding.of(input.nowMs(), DESCRIPTOR.name(), m.symbol(), pUp, label, new JsonObject()
          .put("status", posture.status())
          .put("qty", posture.isLong() ? qty : 0.0)
          .put("avg_price", posture.entryPrice())
          .put("price", m.lastPrice())
          .put("last_action", label)
          .put("last_conf", pUp)));
    }
    return out;
  }
}
