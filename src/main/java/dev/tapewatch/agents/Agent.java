package dev.tapewatch.agents;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One agent's rule, free of Vert.x: the {@link AgentVerticle} feeds it snapshots on a timer. An agent may keep
 * per-symbol state (cooldowns, posture); with {@code commit} false it must leave that state untouched (a dry run).
 */
public interface Agent {

  String name();

  /** The findings of this evaluation, usually none. */
  List<Finding> evaluate(AgentInput input, boolean commit);

  /** Fields this agent adds to its /agents entry, or null. */
  default JsonObject statusExtras(long nowMs) {
    return null;
  }
}
