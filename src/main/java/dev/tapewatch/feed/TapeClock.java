package dev.tapewatch.feed;

import dev.tapewatch.bus.Addresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agents' clock when it is the tape's ({@code AGENT_CLOCK=tape}): asks on {@link Addresses#AGENTS_TICK} when the
 * next agent is due and has it run, blocking the replay's reading thread (never an event loop) until every run for
 * that tape time has finished, so that what an agent sees at T is exactly the tape up to T, at any replay speed.
 */
final class TapeClock {
  static final long NEVER = Long.MAX_VALUE;
  /**
   * The longest stretch of tape without trades that agents still run through tick by tick (every agent, every symbol,
   * at every due time): beyond it the clock starts again at the next trade, so one trade stamped years away cannot
   * make millions of runs.
   */
  static final long MAX_SILENT_GAP_MS = 6 * 3_600_000L;
  private static final Logger LOG = LoggerFactory.getLogger(TapeClock.class);
  private static final long UNASKED = Long.MIN_VALUE;
  /** A tick runs every due agent on every symbol: generous, but bounded so a wedged agent cannot hang the replay. */
  private static final long TICK_TIMEOUT_MS = 120_000;

  private final EventBus bus;
  private long next = UNASKED;

  TapeClock(EventBus bus) {
    this.bus = bus;
  }

  /** The next tape time an agent is due, at or after {@code firstMs} the first time it is asked. */
  long next(long firstMs) {
    if (next == UNASKED) {
      next = ask(new JsonObject().put("from_ms", firstMs));
    }
    return next;
  }

  /** Skips the ticks before {@code tMs}: the next is the first due at or after it. */
  void restartAt(long tMs) {
    LOG.warn("tape clock: no trade from " + Instant.ofEpochMilli(next) + " to " + Instant.ofEpochMilli(tMs)
        + "; agents do not run over that gap");
    next = ask(new JsonObject().put("from_ms", tMs));
  }

  /** Runs the agents due at {@link #next} and learns the time after. */
  void tick() {
    next = ask(new JsonObject().put("t_ms", next));
  }

  private long ask(JsonObject question) {
    try {
      JsonObject answer = bus.<JsonObject>request(Addresses.AGENTS_TICK, question,
              new DeliveryOptions().setSendTimeout(TICK_TIMEOUT_MS))
          .toCompletionStage().toCompletableFuture().get(TICK_TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS).body();
      Long nextMs = answer.getLong("next_ms");
      return nextMs == null ? NEVER : nextMs;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("replay interrupted while the agents ran", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the agents did not finish their run at tape time " + question + ": "
          + e.getMessage(), e);
    }
  }
}
