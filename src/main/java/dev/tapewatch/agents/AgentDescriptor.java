package dev.tapewatch.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * What an agent says of itself, so that nothing else spells its name or labels: the alerts, the LLM analyst, Slack,
 * the store, /agents and the dashboard all read this. {@code intervalSetting} names the variable of its period (or of
 * its minimum interval, for an agent driven by findings); {@code switchSetting} the variable that turns it off, or
 * null; {@code alertMinScore} the default floor of its signals in ALERT_MIN_SCORES (null: any score alerts).
 * {@code needsLlm}: it calls the language model; {@code keepsPosture}: it restores a posture from position_state.
 */
public record AgentDescriptor(String name, String description, List<LabelSpec> labels, String intervalSetting,
    String switchSetting, Double alertMinScore, boolean needsLlm, boolean keepsPosture) {

  public Optional<LabelSpec> label(String label) {
    return labels.stream().filter(l -> l.label().equals(label)).findFirst();
  }

  /** {@code {agent, description, labels: [{label, direction, description, role}], interval_setting, switch,
   * alert_min_score, needs_llm, keeps_posture}}. */
  public JsonObject toJson() {
    return new JsonObject().put("agent", name).put("description", description)
        .put("labels", new JsonArray(labels.stream().map(LabelSpec::toJson).toList()))
        .put("interval_setting", intervalSetting).put("switch", switchSetting)
        .put("alert_min_score", alertMinScore).put("needs_llm", needsLlm).put("keeps_posture", keepsPosture);
  }
}
