package dev.tapewatch.agents;

import dev.tapewatch.agents.LabelSpec.Direction;
import dev.tapewatch.agents.LabelSpec.Role;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code llm_analyst}: the language model's directional bias on a symbol, asked when another agent's finding scores
 * at least LLM_ANALYST_MIN_SCORE. It runs on findings rather than on a timer (see the alerts package's
 * LlmAnalystVerticle); this class is where its name and labels are declared. Label = the bias, score = confidence.
 */
public final class LlmAnalystAgent {
  /** How much of the model's rationale a one-line reason keeps. */
  static final int REASON_MAX = 300;

  public static final LabelSpec LONG = bias("long", Direction.UP, "the model expects the price to rise");
  public static final LabelSpec SHORT = bias("short", Direction.DOWN, "the model expects the price to fall");
  /** The bias for mixed or missing evidence. */
  public static final LabelSpec FLAT = bias("flat", Direction.NONE, "the model sees no clear direction");
  public static final AgentDescriptor DESCRIPTOR = new AgentDescriptor("llm_analyst",
      "a language model's short-term bias on a symbol, asked when another agent's finding is strong",
      List.of(LONG, SHORT, FLAT), "LLM_MIN_INTERVAL", "LLM_ENABLE", null, true, false);

  private LlmAnalystAgent() {
  }

  private static LabelSpec bias(String label, Direction direction, String description) {
    return new LabelSpec(label, direction, description, Role.ANALYSIS,
        (score, d) -> "LLM says " + label + ": " + firstLine(d));
  }

  private static String firstLine(JsonObject d) {
    Object r = d.getValue("rationale");
    String line = r == null ? "" : r.toString().strip().lines().findFirst().orElse("");
    return line.length() <= REASON_MAX ? line : line.substring(0, REASON_MAX - 1) + "…";
  }
}
