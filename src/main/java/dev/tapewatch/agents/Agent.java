package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One agent's rule, free of Vert.x: the {@link AgentVerticle} feeds it snapshots on a timer. An agent may keep
 * per-symbol state (cooldowns, posture); with {@code commit} false it must leave that state untouched (a dry run).
 */
public interface Agent {

  /** Its name, labels and settings: the only place they are spelled. */
  AgentDescriptor descriptor();

  default String name() {
    return descriptor().name();
  }

  /** The findings of this evaluation, usually none. */
  List<Finding> evaluate(AgentInput input, boolean commit);

  /**
   * A finding this agent made earlier for a symbol it now takes up (at start, or on a cluster node that inherits
   * the symbol, whoever made it): the agent rebuilds the state that finding left, so that neither a restart nor a
   * takeover repeats it. Given oldest first.
   */
  default void recall(Finding earlier) {
  }

  /** Whether {@link #recall} uses what it is given; an agent that keeps nothing of its findings is not asked. */
  default boolean remembers() {
    return false;
  }

  /**
   * A posture stored in position_state, for an agent whose descriptor {@code keepsPosture}: given back when it takes
   * the symbol up, so a restart or a takeover does not forget an open position.
   */
  default void restorePosture(String symbol, String status, double avgPrice, Instant updatedAt) {
  }

  /** Drops what the agent keeps for {@code symbol}: the symbol has gone to another node. */
  default void forget(String symbol) {
  }

  /** Fields this agent adds to its /agents entry, or null. */
  default JsonObject statusExtras(long nowMs) {
    return null;
  }
}
