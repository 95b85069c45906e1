package dev.tapewatch.alerts;

/**
 * When the next webhook request may start: no sooner than 1/{@code ALERT_RATE_PER_SEC} after the previous one was
 * answered, and not before a pause (a 429's Retry-After, or the backoff after a 5xx or timeout) has ended. Counting
 * from the answer rather than the start keeps the requests spaced as Slack receives them, whatever the latency.
 */
final class AlertPacer {
  static final long BACKOFF_FIRST_MS = 500;
  static final long BACKOFF_MAX_MS = 30_000;

  private final long intervalMs;
  private long nextAtMs;

  AlertPacer(double ratePerSec) {
    this.intervalMs = (long) Math.ceil(1000.0 / ratePerSec);
  }

  /** The pause before the {@code retry}-th retry (1-based) of a message: 500 ms doubling, at most 30 s. */
  static long backoffMs(int retry) {
    return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS << Math.min(retry - 1, 16));
  }

  void answered(long nowMs) {
    nextAtMs = Math.max(nextAtMs, nowMs + intervalMs);
  }

  void pauseUntil(long untilMs) {
    nextAtMs = Math.max(nextAtMs, untilMs);
  }

  long delayMs(long nowMs) {
    return Math.max(0, nextAtMs - nowMs);
  }
}
