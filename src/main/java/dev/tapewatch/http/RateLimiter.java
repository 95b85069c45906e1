package dev.tapewatch.http;

import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per client address: a burst of {@code perMinute} requests, then one every 60/{@code perMinute}
 * seconds. A bucket left alone for a minute is full again, the same as a new one, so it is forgotten: the map holds
 * only the addresses heard from in the last minute. Used on the HTTP verticle's event loop only.
 */
final class RateLimiter {
  private static final long MINUTE_MS = 60_000;

  private final int perMinute;
  private final Map<String, Bucket> buckets = new HashMap<>();
  private long sweptMs;

  private static final class Bucket {
    double tokens;
    long atMs;

    Bucket(double tokens, long atMs) {
      this.tokens = tokens;
      this.atMs = atMs;
    }
  }

  RateLimiter(int perMinute) {
    this.perMinute = perMinute;
  }

  int perMinute() {
    return perMinute;
  }

  /** 0 when {@code address} may go ahead at {@code nowMs}, which counts as one request; else how long it must wait. */
  long delayMs(String address, long nowMs) {
    if (nowMs - sweptMs >= MINUTE_MS) {
      buckets.values().removeIf(b -> nowMs - b.atMs >= MINUTE_MS);
      sweptMs = nowMs;
    }
    Bucket b = buckets.computeIfAbsent(address, a -> new Bucket(perMinute, nowMs));
    b.tokens = Math.min(perMinute, b.tokens + (nowMs - b.atMs) * perMinute / (double) MINUTE_MS);
    b.atMs = nowMs;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - b.tokens) * MINUTE_MS / perMinute);
  }
}
