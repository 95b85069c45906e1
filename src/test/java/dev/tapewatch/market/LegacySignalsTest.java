package dev.tapewatch.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.tape.Side;
import org.junit.jupiter.api.Test;

/**
 * The trade-based legacy signals (README, "Market math"); t = time of the latest cached trade, P its price. Expected
 * values are computed by hand; non-exact ones are compared with a relative tolerance of 1e-9.
 */
class LegacySignalsTest {
  /** t, the time of the latest trade in every test. */
  private static final long T = 1_700_000_000_000L;

  private static TradeRing ring(int capacity, double[]... trades) {
    TradeRing r = new TradeRing(capacity);
    long id = 1;
    for (double[] t : trades) {
      add(r, (long) t[0], t[1], t[2], id++);
    }
    return r;
  }

  /** A trade {@code agoMs} before t. */
  private static void add(TradeRing r, long agoMs, double price, double size, long id) {
    r.add(T - agoMs, price, size, Side.BUY, id);
  }

  private static double[] trade(long agoMs, double price, double size) {
    return new double[] {agoMs, price, size};
  }

  private static void assertNear(double expected, double actual, String what) {
    assertEquals(expected, actual, Math.abs(expected) * 1e-9, what);
  }

  private static void assertSignals(LegacySignals s, double mom1, double mom5, double rvol, double pxVsVwap,
      double volume5m) {
    assertNear(mom1, s.mom1Bps(), "mom1_bps");
    assertNear(mom5, s.mom5Bps(), "mom5_bps");
    assertNear(rvol, s.rvolVsRecent(), "rvol_vs_recent");
    assertNear(pxVsVwap, s.pxVsVwapBps(), "px_vs_vwap_bps");
    assertNear(volume5m, s.volume5m(), "volume5m");
  }

  @Test
  void noTradesIsAllZero() {
    assertEquals(new LegacySignals(0, 0, 0, 0, 0), LegacySignals.of(new TradeRing(10)));
  }

  @Test
  void singleTrade() {
    LegacySignals s = LegacySignals.of(ring(10, trade(0, 100, 3)));
    // no trade at or before t−60 s / t−300 s → moms 0; volume5m 3; span 0 → max(0, 300) = 300 →
    // rvol = 3 / (3·300/300) = 1; VWAP = P → 0 bps
    assertSignals(s, 0, 0, 1, 0, 3);
  }

  @Test
  void lookupsAtExactlyTMinus60sAndTMinus300s() {
    LegacySignals s = LegacySignals.of(ring(10,
        trade(300_000, 80, 4),
        trade(120_000, 90, 1),
        trade(60_000, 100, 1),
        trade(59_999, 110, 1),  // after t−60 s: not a candidate for mom1
        trade(0, 125, 1)));
    // mom1: last at or before t−60 s is the one exactly at t−60 s (100) → (125/100 − 1)·10⁴ = 2500
    // mom5: the one exactly at t−300 s (80) → (125/80 − 1)·10⁴ = 5625
    // volume5m: strictly after t−300 s → 1+1+1+1 = 4 (the size-4 trade at t−300 s is out)
    // span = 300 s; all volume = 8 → rvol = 4 / (8·300/300) = 0.5
    // VWAP = (320 + 90 + 100 + 110 + 125) / 8 = 745/8 → (1000/745 − 1)·10⁴ = 2 550 000/745
    assertSignals(s, 2500, 5625, 0.5, 2_550_000.0 / 745, 4);
  }

  @Test
  void spanShorterThan300sIsStretchedTo300s() {
    LegacySignals s = LegacySignals.of(ring(10,
        trade(100_000, 80, 1),
        trade(30_000, 100, 1),
        trade(0, 100, 2)));
    // mom1: at or before t−60 s → the trade at t−100 s (80) → (100/80 − 1)·10⁴ = 2500
    // mom5: nothing at or before t−300 s → 0
    // volume5m = 4; span 100 s → max(100, 300) = 300 → rvol = 4 / (4·300/300) = 1 (span as is: 1/3)
    // VWAP = (80 + 100 + 200) / 4 = 95 → (100/95 − 1)·10⁴ = 10⁴·5/95 = 10⁴/19
    assertSignals(s, 2500, 0, 1, 1e4 / 19, 4);
  }

  @Test
  void spanLongerThan300sScalesTheBaseline() {
    LegacySignals s = LegacySignals.of(ring(10,
        trade(900_000, 90, 4),
        trade(400_000, 96, 2),
        trade(100_000, 80, 3),
        trade(0, 120, 3)));
    // mom1: at or before t−60 s → t−100 s (80) → (120/80 − 1)·10⁴ = 5000
    // mom5: at or before t−300 s → t−400 s (96) → (120/96 − 1)·10⁴ = 2500
    // volume5m = 3 + 3 = 6; all volume 12 over span 900 s → baseline 12·300/900 = 4 → rvol = 6/4 = 1.5
    // VWAP = (360 + 192 + 240 + 360) / 12 = 1152/12 = 96 → (120/96 − 1)·10⁴ = 2500
    assertSignals(s, 5000, 2500, 1.5, 2500, 6);
  }

  @Test
  void ringEvictionAndLateInsert() {
    TradeRing r = ring(3,
        trade(400_000, 50, 1),
        trade(200_000, 100, 1),
        trade(0, 125, 1));
    // mom5 against t−400 s (50) → (125/50 − 1)·10⁴ = 15000
    assertNear(15_000, LegacySignals.of(r).mom5Bps(), "mom5 before eviction");

    add(r, 100_000, 100, 2, 4); // late insert into a full ring: the oldest (t−400 s) is dropped
    LegacySignals s = LegacySignals.of(r);
    // cached: t−200 s (100, 1), t−100 s (100, 2), t (125, 1); P stays 125 (latest by time, not by arrival)
    // mom1: t−100 s (100) → 2500; mom5: nothing at or before t−300 s any more → 0
    // volume5m = 4; span 200 s → 300 → rvol = 4/4 = 1
    // VWAP = (100 + 200 + 125) / 4 = 106.25 → (125/106.25 − 1)·10⁴ = 18.75/106.25·10⁴ = 30000/17
    assertSignals(s, 2500, 0, 1, 30_000.0 / 17, 4);

    add(r, 500_000, 10, 100, 5); // older than every cached trade while full → dropped, counted, no effect
    assertEquals(1, r.lateDropped());
    assertSignals(LegacySignals.of(r), 2500, 0, 1, 30_000.0 / 17, 4);
  }

  @Test
  void zeroVolumeStaysFinite() {
    LegacySignals s = LegacySignals.of(ring(10, trade(120_000, 100, 0), trade(0, 101, 0)));
    assertEquals(0.0, s.rvolVsRecent()); // no volume → 0
    assertEquals(0.0, s.volume5m());
    assertNear(100, s.mom1Bps(), "mom1_bps"); // (101/100 − 1)·10⁴ needs no volume
    for (double x : new double[] {s.mom1Bps(), s.mom5Bps(), s.rvolVsRecent(), s.pxVsVwapBps(), s.volume5m()}) {
      assertTrue(Double.isFinite(x), "not finite: " + s);
    }
  }
}
