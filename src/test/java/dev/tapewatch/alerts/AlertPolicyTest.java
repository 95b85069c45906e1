package dev.tapewatch.alerts;

import static dev.tapewatch.alerts.AlertPolicy.Verdict.ALERT;
import static dev.tapewatch.alerts.AlertPolicy.Verdict.BELOW_SCORE;
import static dev.tapewatch.alerts.AlertPolicy.Verdict.COOLDOWN;
import static dev.tapewatch.alerts.AlertPolicy.Verdict.FILTERED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertPolicyTest {
  private static final Map<String, Double> MIN_SCORES = Map.of("rvol_spike", 3.0, "cvd_divergence", 10.0,
      "liquidity", 0.0);

  private static AlertPolicy policy(boolean analysisOnly) {
    return new AlertPolicy(analysisOnly, 120, MIN_SCORES, 0.7);
  }

  private static JsonObject f(String agent, String symbol, String label, double score) {
    return AlertVerticleTest.finding(agent, symbol, label, score, new JsonObject());
  }

  @Test
  void trendReadingsNeverAlertAndPostureChangesAlwaysDo() {
    AlertPolicy p = policy(false);
    assertEquals(FILTERED, p.judge(f("trend_score", "BTC-USD", "trend_score", 0.99), 0));
    assertEquals(ALERT, p.judge(f("trend_score", "BTC-USD", "enter_long", 0.0), 0));
    // No cooldown on posture changes: a quick exit after an entry must still be told.
    assertEquals(ALERT, p.judge(f("trend_score", "BTC-USD", "exit_long", 0.1), 1));
    assertEquals(ALERT, p.judge(f("trend_score", "BTC-USD", "enter_long", 0.9), 2));
  }

  @Test
  void scoresAreHeldToTheirAgentsFloor() {
    AlertPolicy p = policy(false);
    assertEquals(BELOW_SCORE, p.judge(f("rvol_spike", "BTC-USD", "rvol_spike", 2.99), 0));
    assertEquals(ALERT, p.judge(f("rvol_spike", "BTC-USD", "rvol_spike", 3.0), 0));
    assertEquals(BELOW_SCORE, p.judge(f("cvd_divergence", "BTC-USD", "cvd_divergence_up", 9.9), 0));
    assertEquals(ALERT, p.judge(f("liquidity", "BTC-USD", "wide_spread", 0.0), 0));
    assertEquals(ALERT, p.judge(f("reversal", "BTC-USD", "reversal_up", 0.01), 0), "no floor configured");
    assertEquals(BELOW_SCORE, p.judge(f("llm_analyst", "BTC-USD", "long", 0.69), 0));
    assertEquals(ALERT, p.judge(f("llm_analyst", "BTC-USD", "long", 0.7), 0));
    assertEquals(BELOW_SCORE, p.judge(new JsonObject().put("agent", "reversal").put("label", "reversal_up"), 0),
        "a finding without a score");
  }

  @Test
  void cooldownIsPerAgentSymbolAndLabel() {
    AlertPolicy p = policy(false);
    assertEquals(ALERT, p.judge(f("reversal", "BTC-USD", "reversal_up", 2), 1_000));
    assertEquals(COOLDOWN, p.judge(f("reversal", "BTC-USD", "reversal_up", 2), 120_999));
    assertEquals(ALERT, p.judge(f("reversal", "BTC-USD", "reversal_down", 2), 2_000));
    assertEquals(ALERT, p.judge(f("reversal", "ETH-USD", "reversal_up", 2), 2_000));
    assertEquals(ALERT, p.judge(f("new_trend", "BTC-USD", "reversal_up", 2), 2_000));
    assertEquals(ALERT, p.judge(f("reversal", "BTC-USD", "reversal_up", 2), 121_000));
    assertEquals(COOLDOWN, p.judge(f("reversal", "BTC-USD", "reversal_up", 2), 121_001));
  }

  @Test
  void aSuppressedFindingDoesNotRestartTheCooldown() {
    AlertPolicy p = policy(false);
    assertEquals(ALERT, p.judge(f("rvol_spike", "BTC-USD", "rvol_spike", 5), 0));
    assertEquals(COOLDOWN, p.judge(f("rvol_spike", "BTC-USD", "rvol_spike", 5), 100_000));
    assertEquals(ALERT, p.judge(f("rvol_spike", "BTC-USD", "rvol_spike", 5), 120_000));
  }

  @Test
  void analysisOnlyKeepsAnalysesAndPostureChanges() {
    AlertPolicy p = policy(true);
    assertEquals(FILTERED, p.judge(f("rvol_spike", "BTC-USD", "rvol_spike", 9), 0));
    assertEquals(FILTERED, p.judge(f("macro_watch", "BTC-USD", "macro_move", 9), 0));
    assertEquals(FILTERED, p.judge(f("trend_score", "BTC-USD", "trend_score", 0.9), 0));
    assertEquals(ALERT, p.judge(f("trend_score", "BTC-USD", "exit_long", 0.2), 0));
    assertEquals(ALERT, p.judge(f("llm_analyst", "BTC-USD", "flat", 0.8), 0));
    assertEquals(BELOW_SCORE, p.judge(f("llm_analyst", "ETH-USD", "flat", 0.5), 0));
  }
}
