package dev.tapewatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

  @Test
  void aBurstOfPerMinuteThenOneEvery60OverPerMinuteSeconds() {
    RateLimiter limiter = new RateLimiter(6);
    for (int i = 0; i < 6; i++) {
      assertEquals(0, limiter.delayMs("10.0.0.1", 1_000), "request " + (i + 1) + " of the burst");
    }
    assertEquals(10_000, limiter.delayMs("10.0.0.1", 1_000), "the seventh waits for the next token, 10 s away");
    assertEquals(4_000, limiter.delayMs("10.0.0.1", 7_000), "a refused request takes nothing: 4 s left");
    assertEquals(0, limiter.delayMs("10.0.0.1", 11_000), "one token 10 s later");
    assertEquals(10_000, limiter.delayMs("10.0.0.1", 11_000), "and only one");
  }

  @Test
  void eachAddressHasItsOwnBucket() {
    RateLimiter limiter = new RateLimiter(1);
    assertEquals(0, limiter.delayMs("10.0.0.1", 0));
    assertEquals(60_000, limiter.delayMs("10.0.0.1", 0));
    assertEquals(0, limiter.delayMs("10.0.0.2", 0));
    assertEquals(0, limiter.delayMs("2001:db8::1", 0));
  }

  @Test
  void aBucketLeftAloneForAMinuteIsFullAgain() {
    RateLimiter limiter = new RateLimiter(3);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.delayMs("10.0.0.1", 0));
    }
    assertEquals(0, limiter.delayMs("10.0.0.2", 30_000));
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.delayMs("10.0.0.1", 60_000), "the whole burst again after a minute");
    }
    assertEquals(20_000, limiter.delayMs("10.0.0.1", 60_000));
  }
}
