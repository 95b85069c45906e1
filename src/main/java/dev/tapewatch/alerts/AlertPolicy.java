package dev.tapewatch.alerts;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.agents.LabelSpec;
import dev.tapewatch.agents.LabelSpec.Role;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Which findings become Slack alerts, by the role its agent declares for the label. Readings never do; posture
 * changes always do, with no score floor and no cooldown, because missing one would misstate the position. An
 * analysis needs its confidence (the score) at or above {@code LLM_ALERT_MIN_CONF}; any other signal its agent's
 * floor (see {@link AgentCatalog#alertMinScores}), or nothing when it has none. Analysis-only mode keeps just
 * analyses and posture changes. What passes is then held to one alert per (agent, symbol, label) within the cooldown.
 */
public final class AlertPolicy {

  enum Verdict { ALERT, FILTERED, BELOW_SCORE, COOLDOWN }

  private final boolean analysisOnly;
  private final long cooldownMs;
  private final Map<String, Double> minScores;
  private final double llmMinConf;
  /** Last alert time per agent|symbol|label; as many keys as agents × symbols × labels, so it needs no pruning. */
  private final Map<String, Long> lastAlertMs = new HashMap<>();

  public AlertPolicy(boolean analysisOnly, int cooldownSec, Map<String, Double> minScores, double llmMinConf) {
    this.analysisOnly = analysisOnly;
    this.cooldownMs = cooldownSec * 1000L;
    this.minScores = Map.copyOf(minScores);
    this.llmMinConf = llmMinConf;
  }

  static Role role(JsonObject finding) {
    return AgentCatalog.label(finding.getString("agent", ""), finding.getString("label", ""))
        .map(LabelSpec::role).orElse(Role.SIGNAL);
  }

  /** Decides for one finding at {@code nowMs}; an ALERT starts that key's cooldown. */
  Verdict judge(JsonObject finding, long nowMs) {
    String agent = finding.getString("agent", "");
    String label = finding.getString("label", "");
    Role role = role(finding);
    boolean posture = role == Role.POSTURE_CHANGE;
    boolean analysis = role == Role.ANALYSIS;
    if (role == Role.READING || analysisOnly && !posture && !analysis) {
      return Verdict.FILTERED;
    }
    if (posture) {
      return Verdict.ALERT;
    }
    Number score = SlackMessage.num(finding, "score");
    double floor = analysis ? llmMinConf : minScores.getOrDefault(agent, Double.NEGATIVE_INFINITY);
    if (score == null || !(score.doubleValue() >= floor)) {
      return Verdict.BELOW_SCORE;
    }
    String key = agent + '|' + finding.getString("symbol", "") + '|' + label;
    Long last = lastAlertMs.get(key);
    if (last != null && nowMs - last < cooldownMs) {
      return Verdict.COOLDOWN;
    }
    lastAlertMs.put(key, nowMs);
    return Verdict.ALERT;
  }
}
