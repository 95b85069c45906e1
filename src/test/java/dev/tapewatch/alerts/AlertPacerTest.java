package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AlertPacerTest {
  @Test
  void requestsAreSpacedByOneOverTheRateFromTheLastAnswer() {
    AlertPacer p = new AlertPacer(1.0);
    assertEquals(0, p.delayMs(10_000), "the first request goes at once");
    p.answered(10_200);
    assertEquals(1000, p.delayMs(10_200));
    assertEquals(300, p.delayMs(10_900));
    assertEquals(0, p.delayMs(11_200));
    AlertPacer fast = new AlertPacer(3.0);
    fast.answered(0);
    assertEquals(334, fast.delayMs(0), "rounded up, never faster than the rate");
  }

  @Test
  void aPauseOutlastsTheRateAndIsNeverShortened() {
    AlertPacer p = new AlertPacer(20.0);
    p.answered(1_000);
    p.pauseUntil(3_000);
    assertEquals(2_000, p.delayMs(1_000));
    p.pauseUntil(2_000);
    assertEquals(2_000, p.delayMs(1_000));
  }

  @Test
  void backoffDoublesUpToItsCap() {
    assertEquals(500, AlertPacer.backoffMs(1));
    assertEquals(1_000, AlertPacer.backoffMs(2));
    assertEquals(8_000, AlertPacer.backoffMs(5));
    assertEquals(30_000, AlertPacer.backoffMs(7));
    assertEquals(30_000, AlertPacer.backoffMs(100));
  }
}
