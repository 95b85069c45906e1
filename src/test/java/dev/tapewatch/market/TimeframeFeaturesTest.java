package dev.tapewatch.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.tape.Side;
import org.junit.jupiter.api.Test;

/**
 * The per-timeframe features (README, "Market math"), each expected value computed by hand from the bars that the
 * trades make. Non-exact values are compared with a relative tolerance of 1e-9.
 */
class TimeframeFeaturesTest {
  private static final long W = 60_000L;
  private static final long T0 = 1_888_888L * 900_000L;

  private static void trade(BarSeries s, int bucket, long offsetMs, double price, double size) {
    trade(s, bucket, offsetMs, price, size, Side.BUY);
  }

  private static void trade(BarSeries s, int bucket, long offsetMs, double price, double size, Side side) {
    s.add(T0 + bucket * W + offsetMs, price, size, side);
  }

  private static void assertNear(double expected, double actual, String what) {
    assertEquals(expected, actual, Math.abs(expected) * 1e-9, what);
  }

  private static void assertAllFinite(TimeframeFeatures f) {
    for (double x : new double[] {f.momBps(), f.pxVsVwapBps(), f.rvol(), f.atr(), f.volume(), f.signedVolume()}) {
      assertTrue(Double.isFinite(x), "not finite: " + f);
    }
  }

  @Test
  void emptySeriesIsAllZero() {
    TimeframeFeatures f = TimeframeFeatures.of(new BarSeries(W, 10), 100);
    assertEquals(new TimeframeFeatures(0, 0, 0, 0, 0, 0), f);
  }

  @Test
  void oneBarHasNoMomentumAtrOrRvol() {
    BarSeries s = new BarSeries(W, 10);
    trade(s, 0, 1_000, 100, 2, Side.BUY);
    trade(s, 0, 2_000, 102, 2, Side.SELL);
    trade(s, 0, 3_000, 102, 1, Side.BUY);
    TimeframeFeatures f = TimeframeFeatures.of(s, 102);

    assertEquals(0.0, f.momBps());  // n = 1 < 2
    assertEquals(0.0, f.atr());     // n = 1 < 2: no true range
    assertEquals(0.0, f.rvol());    // no bar before the current one
    // VWAP = (200 + 204 + 102) / 5 = 101.2; (102 / 101.2 − 1)·10⁴ = 0.8/101.2·10⁴ = 10⁵/1265
    assertNear(1e5 / 1265, f.pxVsVwapBps(), "px vs vwap");
    assertEquals(5.0, f.volume());
    assertEquals(1.0, f.signedVolume()); // 2 − 2 + 1
  }

  @Test
  void momentumAndAtrWithFewBars() {
    BarSeries s = new BarSeries(W, 10);
    trade(s, 0, 0, 80, 1);            // bar 0: c 80
    trade(s, 1, 0, 96, 1);            // bar 1: o 96, h 104, l 96, c 100
    trade(s, 1, 1_000, 104, 1);
    trade(s, 1, 2_000, 100, 1);
    trade(s, 2, 0, 125, 1);           // bar 2: c 125
    TimeframeFeatures f = TimeframeFeatures.of(s, 125);

    // mom = (125 / 100 − 1)·10⁴ = 2500 (exact)
    assertEquals(2500.0, f.momBps(), 1e-9);
    // TR1 = max(104−96, |104−80|, |96−80|) = 24; TR2 = max(0, |125−100|, |125−100|) = 25; only 2 TRs → 24.5
    assertEquals(24.5, f.atr(), 1e-12);
    // rvol = 1 / mean(1, 3) = 0.5
    assertEquals(0.5, f.rvol(), 1e-12);
  }

  @Test
  void gapFilledBarsCountInEveryFeature() {
    BarSeries s = new BarSeries(W, 10);
    trade(s, 0, 0, 100, 1);
    trade(s, 3, 0, 125, 1); // bars: 100 (v1), flat 100, flat 100, 125 (v1)
    TimeframeFeatures f = TimeframeFeatures.of(s, 125);

    // previous close is the flat bar's 100 → (125/100 − 1)·10⁴ = 2500
    assertEquals(2500.0, f.momBps(), 1e-9);
    // baseline volumes 1, 0, 0 → mean 1/3 → rvol = 1 / (1/3) = 3
    assertNear(3.0, f.rvol(), "rvol");
    // TRs 0, 0, 25 → ATR = 25/3
    assertNear(25.0 / 3, f.atr(), "atr");
    // VWAP = (100 + 125) / 2 = 112.5; (125/112.5 − 1)·10⁴ = 10⁴/9
    assertNear(1e4 / 9, f.pxVsVwapBps(), "px vs vwap");
    assertEquals(1.0, f.volume());
  }

  @Test
  void vwapUsesExactlyTheLast20Bars() {
    BarSeries s = new BarSeries(W, 100);
    trade(s, 0, 0, 200, 10);          // bar 0 = 21st bar back: outside the window
    for (int k = 1; k <= 10; k++) {
      trade(s, k, 0, 90, 1);          // bars 1..10 at 90
    }
    for (int k = 11; k <= 20; k++) {
      trade(s, k, 0, 110, 1);         // bars 11..20 at 110 (20 is current)
    }
    TimeframeFeatures f = TimeframeFeatures.of(s, 110);

    // window = bars 1..20: VWAP = (10·90 + 10·110) / 20 = 100 → (110/100 − 1)·10⁴ = 1000
    // (with bar 0 it would be 4000/30 = 133.3 → −1750 bps)
    assertNear(1000.0, f.pxVsVwapBps(), "px vs vwap");
  }

  @Test
  void vwapIsZeroWhenTheWindowHasNoVolume() {
    BarSeries s = new BarSeries(W, 10);
    trade(s, 0, 0, 100, 0); // a zero-size print
    TimeframeFeatures f = TimeframeFeatures.of(s, 100);
    assertEquals(0.0, f.pxVsVwapBps());
    assertEquals(0.0, f.rvol());
    assertEquals(0.0, f.volume());
    assertAllFinite(f);
  }

  @Test
  void rvolBaselineIsAtMostThe20BarsBeforeTheCurrentOne() {
    BarSeries s = new BarSeries(W, 100);
    trade(s, 0, 0, 100, 100);          // bar 0: 21 bars back, outside the baseline
    for (int k = 1; k <= 20; k++) {
      trade(s, k, 0, 100, 2);          // bars 1..20: volume 2
    }
    trade(s, 21, 0, 100, 5);           // current bar: volume 5
    TimeframeFeatures f = TimeframeFeatures.of(s, 100);

    // baseline mean of bars 1..20 = 2 → rvol = 5/2 = 2.5 (with bar 0: 140/21 → 0.75)
    assertEquals(2.5, f.rvol(), 1e-12);
    assertEquals(5.0, f.volume());
  }

  @Test
  void rvolIsZeroWhenTheBaselineBarsAreAllFlat() {
    BarSeries s = new BarSeries(W, 100);
    trade(s, 0, 0, 100, 3);
    trade(s, 21, 0, 110, 2); // bars 1..20 flat (volume 0)
    TimeframeFeatures f = TimeframeFeatures.of(s, 110);

    // baseline = bars 1..20, mean volume 0 → rvol 0 (bar 0 with volume 3 is 21 bars back)
    assertEquals(0.0, f.rvol());
    // VWAP window = bars 2..21: only bar 21 has volume → VWAP 110 → 0 bps
    assertEquals(0.0, f.pxVsVwapBps(), 1e-9);
    assertAllFinite(f);
  }

  @Test
  void atrAveragesOnlyTheLast14TrueRanges() {
    BarSeries s = new BarSeries(W, 100);
    trade(s, 0, 0, 100, 1);                             // c0 = 100
    trade(s, 1, 0, 200, 1);                             // TR1 = |200 − 100| = 100 (outside the last 14)
    trade(s, 2, 0, 100, 1);                             // TR2 = |100 − 200| = 100 (outside the last 14)
    trade(s, 3, 0, 101, 1);
    trade(s, 3, 1_000, 103, 1);                         // TR3 = max(2, |103−100| = 3, |101−100|) = 3 (H − Cprev)
    trade(s, 4, 0, 99, 1);
    trade(s, 4, 1_000, 97, 1);                          // TR4 = max(2, |99−103|, |97−103| = 6) = 6 (L − Cprev)
    trade(s, 5, 0, 96, 1);
    trade(s, 5, 1_000, 104, 1);
    trade(s, 5, 2_000, 100, 1);                         // TR5 = max(104−96 = 8, |104−97|, |96−97|) = 8 (H − L)
    // bucket 6 empty: flat at 100                      // TR6 = 0
    trade(s, 7, 0, 107, 1);                             // TR7 = |107 − 100| = 7
    for (int k = 8; k <= 16; k++) {
      trade(s, k, 0, k % 2 == 0 ? 105 : 107, 1);        // TR8..TR16 = |105 − 107| = 2 each, 9 · 2 = 18
    }
    assertEquals(17, s.size());
    TimeframeFeatures f = TimeframeFeatures.of(s, 105);

    // last 14 TRs = TR3..TR16: (3 + 6 + 8 + 0 + 7 + 18) / 14 = 42 / 14 = 3
    // (all 16 TRs: 242/16 = 15.125; TR2..TR15: 140/14 = 10)
    assertEquals(3.0, f.atr(), 1e-12);
  }
}
