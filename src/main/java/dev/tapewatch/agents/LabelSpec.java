package dev.tapewatch.agents;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * One label an agent emits: which way it calls the market, what it means, what role it plays downstream, and how to
 * explain one finding of it in a line (Slack, the dashboard). JSON for /agents: {@code {label, direction, description,
 * role}}, where direction is 1, -1, 0 or the rule that gives it.
 */
public record LabelSpec(String label, Direction direction, String description, Role role, Reason reason) {

  /**
   * What the rest of the service does with the label: a SIGNAL alerts at its agent's minimum score; a READING is a
   * periodic measurement that never alerts; a POSTURE_CHANGE always alerts and is the position_state row; an
   * ANALYSIS alerts at LLM_ALERT_MIN_CONF and never triggers another analysis.
   */
  public enum Role { SIGNAL, READING, POSTURE_CHANGE, ANALYSIS }

  /** The one-line explanation of a finding of this label. */
  @FunctionalInterface
  public interface Reason {
    String explain(Number score, JsonObject details);
  }

  /** The side a finding calls: fixed per label, or read from its score (a probability around one half). */
  public record Direction(int fixed, boolean fromScore) {
    public static final Direction UP = new Direction(1, false);
    public static final Direction DOWN = new Direction(-1, false);
    public static final Direction NONE = new Direction(0, false);
    /** sign(score − 0.5): for a score that is the probability of an up move. */
    public static final Direction SCORE_ABOVE_HALF = new Direction(0, true);

    public int of(double score) {
      return fromScore ? (int) Math.signum(score - 0.5) : fixed;
    }

    Object toJson() {
      return fromScore ? "sign(score - 0.5)" : fixed;
    }
  }

  public static LabelSpec signal(String label, Direction direction, String description, Reason reason) {
    return new LabelSpec(label, direction, description, Role.SIGNAL, reason);
  }

  /** A signal whose explanation is its description. */
  public static LabelSpec signal(String label, Direction direction, String description) {
    return signal(label, direction, description, (score, details) -> description);
  }

  public JsonObject toJson() {
    return new JsonObject().put("label", label).put("direction", direction.toJson())
        .put("description", description).put("role", role.name().toLowerCase());
  }

  /** A number as a reason shows it: two decimals at most, no trailing zeros; "?" when absent. */
  public static String number(Number n) {
    if (n == null) {
      return "?";
    }
    double v = n.doubleValue();
    if (!Double.isFinite(v)) {
      return String.valueOf(v);
    }
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  /** A number field of the details, or null when absent or not a number. */
  public static Number field(JsonObject details, String key) {
    return details.getValue(key) instanceof Number n ? n : null;
  }
}
