package dev.tapewatch.agents;

import dev.tapewatch.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The agents' side of the tape clock ({@code AGENT_CLOCK=tape}): answers the replay on {@link Addresses#AGENTS_TICK}
 * with the next tape time at which an agent is due (a multiple of its interval, epoch-aligned), and at that time runs
 * every due agent through {@link Addresses#agentTick}, answering once all of them have finished.
 */
public final class TapeClockVerticle extends VerticleBase {
  /** Each run covers every symbol; the replay waits at most this long for one tape time. */
  static final long RUN_TIMEOUT_MS = 110_000;

  private final List<AgentCatalog.Entry> agents;
  private MessageConsumer<JsonObject> ticks;

  /** {@code entries}: the agents in the catalogue; those switched off are never due. */
  public TapeClockVerticle(List<AgentCatalog.Entry> entries) {
    this.agents = entries.stream().filter(AgentCatalog.Entry::enabled).toList();
  }

  @Override
  public Future<?> start() {
    ticks = vertx.eventBus().localConsumer(Addresses.AGENTS_TICK, this::tick);
    return ticks.completion();
  }

  private void tick(Message<JsonObject> m) {
    Long t = m.body().getLong("t_ms");
    if (t == null) {
      m.reply(next(m.body().getLong("from_ms"), true));
      return;
    }
    List<Future<?>> runs = agents.stream().filter(a -> t % intervalMs(a) == 0)
        .<Future<?>>map(a -> vertx.eventBus().request(Addresses.agentTick(a.name()), new JsonObject().put("t_ms", t),
            new DeliveryOptions().setSendTimeout(RUN_TIMEOUT_MS)))
        .toList();
    Future.join(runs).onComplete(done -> m.reply(next(t, false)));
  }

  /** {@code {next_ms}}: the first due time at or after {@code t} ({@code inclusive}) or after it; null when none. */
  private JsonObject next(long t, boolean inclusive) {
    Long next = null;
    for (AgentCatalog.Entry a : agents) {
      long iv = intervalMs(a);
      long due = inclusive ? Math.floorDiv(t + iv - 1, iv) * iv : (Math.floorDiv(t, iv) + 1) * iv;
      next = next == null ? due : Math.min(next, due);
    }
    return new JsonObject().put("next_ms", next);
  }

  private static long intervalMs(AgentCatalog.Entry a) {
    return a.intervalSec() * 1000L;
  }

  @Override
  public Future<?> stop() {
    return ticks.unregister();
  }
}
