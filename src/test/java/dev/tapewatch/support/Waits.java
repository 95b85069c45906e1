package dev.tapewatch.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * How the tests wait: they poll a condition until it holds, with a timeout (Awaitility), and never sleep a fixed time.
 * The one bounded wait that stays is for something that must <em>not</em> happen: {@link #holdsFor} keeps checking
 * that a condition stays true for a whole window, and fails as soon as it breaks.
 *
 * <p>The variants that take a {@link Vertx} poll on a worker thread and hand the outcome back as a {@link Future}, so
 * that a test written in futures waits without blocking an event loop.
 */
public final class Waits {
  /** How often a condition is checked. */
  public static final Duration POLL = Duration.ofMillis(50);
  /** How much later than its window {@link #holdsFor} may finish on a loaded machine. */
  private static final Duration SLACK = Duration.ofSeconds(5);
  private static final Object NO_ANSWER = new Object();

  private Waits() {
  }

  /** Awaitility's wait for {@code what}: first check at once, then every {@link #POLL}, for at most {@code timeout}. */
  private static ConditionFactory await(String what, Duration timeout) {
    return Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL);
  }

  /** Blocks until {@code condition} holds; fails after {@code timeout}. */
  public static void until(String what, Duration timeout, Callable<Boolean> condition) {
    until(what, timeout, condition, Boolean.TRUE::equals, answer -> "still " + answer);
  }

  /**
   * Blocks until {@code probe}'s answer satisfies {@code done}, and returns that answer; after {@code timeout} fails
   * with {@code describe} of the last answer (or the exception the last probe threw).
   */
  public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done,
      Function<? super T, String> describe) {
    AtomicReference<Object> last = new AtomicReference<>(NO_ANSWER);
    try {
      return await(what, timeout).until(() -> {
        try {
          T answer = probe.call();
          last.set(answer);
          return answer;
        } catch (Exception e) {
          last.set(e);
          throw e;
        }
      }, done);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what + " in vain; last: " + describe(last
          .get(), describe), e);
    }
  }

  /**
   * The same, for a probe that may throw {@code ignored} while the system comes up (such as a refused connection): it
   * is asked again, and a timeout names the last such exception.
   */
  public static <T> T until(String what, Duration timeout, Class<? extends Throwable> ignored, Callable<T> probe,
      Predicate<? super T> done, Function<? super T, String> describe) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    return until(what, timeout, () -> {
      try {
        T answer = probe.call();
        failure.set(null);
        return answer;
      } catch (Exception e) {
        if (!ignored.isInstance(e)) {
          throw e;
        }
        failure.set(e);
        return null;
      }
    }, answer -> failure.get() == null && done.test(answer), answer -> failure.get() != null
        ? "the probe threw " + failure.get() : describe.apply(answer));
  }

  @SuppressWarnings("unchecked")
  private static <T> String describe(Object last, Function<? super T, String> describe) {
    return last == NO_ANSWER ? "no answer yet" : last instanceof Exception e ? "the probe threw " + e
        : describe.apply((T) last);
  }

  /**
   * Something must not happen: {@code condition} must hold now and keep holding for the whole {@code window}, checked
   * every {@link #POLL}. Fails at once when it breaks.
   */
  public static void holdsFor(String what, Duration window, Callable<Boolean> condition) {
    try {
      Awaitility.await(what).pollDelay(Duration.ZERO).pollInterval(POLL).during(window).atMost(window.plus(SLACK))
          .failFast(() -> !condition.call()).until(condition);
    } catch (TerminalFailureException | ConditionTimeoutException e) {
      throw new AssertionError("no longer so within " + window.toMillis() + " ms: " + what, e);
    }
  }

  /** {@link #until(String, Duration, Callable)} off the event loop. */
  public static Future<Void> eventually(Vertx vertx, String what, Duration timeout, Callable<Boolean> condition) {
    return vertx.executeBlocking(() -> {
      until(what, timeout, condition);
      return null;
    }, false);
  }

  /** {@link #until(String, Duration, Callable, Predicate, Function)} off the event loop. */
  public static <T> Future<T> eventually(Vertx vertx, String what, Duration timeout, Callable<T> probe,
      Predicate<? super T> done, Function<? super T, String> describe) {
    return vertx.executeBlocking(() -> until(what, timeout, probe, done, describe), false);
  }

  /** {@link #until(String, Duration, Class, Callable, Predicate, Function)} off the event loop. */
  public static <T> Future<T> eventually(Vertx vertx, String what, Duration timeout, Class<? extends Throwable> ignored,
      Callable<T> probe, Predicate<? super T> done, Function<? super T, String> describe) {
    return vertx.executeBlocking(() -> until(what, timeout, ignored, probe, done, describe), false);
  }

  /** {@link #holdsFor} off the event loop. */
  public static Future<Void> holdsFor(Vertx vertx, String what, Duration window, Callable<Boolean> condition) {
    return vertx.executeBlocking(() -> {
      holdsFor(what, window, condition);
      return null;
    }, false);
  }

  /** The outcome of {@code future}, waited for on the calling thread (never an event loop) for at most 10 s. */
  public static <T> T join(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
