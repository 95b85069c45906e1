package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of the agents whose rule yields (label, score, details) hits and which must not repeat a label for a symbol
 * within their cooldown. A rule that carries something from one run to the next keeps it in {@link #remember}, which
 * only a committed run calls, so that a dry run changes nothing.
 */
abstract class CooldownAgent implements Agent {

  /** What the rule found: a label, a score and the details that explain it. */
  record Hit(String label, double score, JsonObject details) {
  }

  private final AgentDescriptor descriptor;
  private final Cooldown cooldown;

  CooldownAgent(AgentDescriptor descriptor, long cooldownSec) {
    this.descriptor = descriptor;
    this.cooldown = new Cooldown(cooldownSec);
  }

  @Override
  public final AgentDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public final void recall(Finding earlier) {
    cooldown.fired(earlier.symbol(), earlier.label(), earlier.tsUtc().toEpochMilli());
  }

  @Override
  public final boolean remembers() {
    return true;
  }

  @Override
  public final void forget(String symbol) {
    cooldown.forget(symbol);
    forgetRemembered(symbol);
  }

  /** The rule itself: what holds now, usually nothing. */
  abstract List<Hit> check(AgentInput input);

  /** After a committed run's {@link #check}: what the rule carries to its next run on this input's symbol. */
  void remember(AgentInput input) {
  }

  /** Drops what {@link #remember} kept for {@code symbol}. */
  void forgetRemembered(String symbol) {
  }

  @Override
  public final List<Finding> evaluate(AgentInput input, boolean commit) {
    String symbol = input.market().symbol();
    List<Finding> out = new ArrayList<>();
    for (Hit hit : check(input)) {
      if (cooldown.ready(symbol, hit.label(), input.nowMs())) {
        if (commit) {
          cooldown.fired(symbol, hit.label(), input.nowMs());
        }
        out.add(Finding.of(input.nowMs(), descriptor.name(), symbol, hit.score(), hit.label(), hit.details()));
      }
    }
    if (commit) {
      remember(input);
    }
    return out;
  }
}
