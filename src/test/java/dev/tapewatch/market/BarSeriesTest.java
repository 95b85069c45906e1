package dev.tapewatch.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.tape.Side;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bar building (README, "Market math"): UTC buckets floor(t / width), open/close by trade time, flat gap bars, late
 * trades and the capacity limit. Every expected value below is exact in binary floating point.
 */
class BarSeriesTest {
  private static final long W = 60_000L;
  /** A bucket start that is a multiple of 1, 5 and 15 minutes (1_888_888 · 900 000 ms). */
  private static final long T0 = 1_888_888L * 900_000L;

  /** Trade time {@code offsetMs} into bucket {@code T0/W + bucket}. */
  private static long at(int bucket, long offsetMs) {
    return T0 + bucket * W + offsetMs;
  }

  private static void assertBar(BarSeries s, int i, long startMs, double o, double h, double l, double c, double v,
      double pv, int trades) {
    String bar = "bar " + i;
    assertEquals(startMs, s.startMs(i), bar + " start");
    assertEquals(o, s.open(i), bar + " open");
    assertEquals(h, s.high(i), bar + " high");
    assertEquals(l, s.low(i), bar + " low");
    assertEquals(c, s.close(i), bar + " close");
    assertEquals(v, s.volume(i), bar + " volume");
    assertEquals(pv, s.priceVolume(i), bar + " Σprice·size");
    assertEquals(trades, s.trades(i), bar + " trades");
  }

  private static void assertFlat(BarSeries s, int i, long startMs, double price) {
    assertBar(s, i, startMs, price, price, price, price, 0, 0, 0);
    assertEquals(0.0, s.signedVolume(i), "flat bar " + i + " signed volume");
  }

  @Test
  void bucketEdges() {
    BarSeries s = new BarSeries(W, 10);
    // T0−1 is the last millisecond of bucket k−1; T0 = k·60000 opens bucket k; T0+59 999 is still bucket k;
    // T0+60 000 opens bucket k+1.
    assertTrue(s.add(T0 - 1, 100, 1, Side.BUY));
    assertTrue(s.add(T0, 101, 1, Side.BUY));
    assertTrue(s.add(T0 + 59_999, 102, 1, Side.BUY));
    assertTrue(s.add(T0 + 60_000, 103, 1, Side.BUY));

    assertEquals(3, s.size());
    assertBar(s, 0, T0 - W, 100, 100, 100, 100, 1, 100, 1);
    assertBar(s, 1, T0, 101, 102, 101, 102, 2, 203, 2);
    assertBar(s, 2, T0 + W, 103, 103, 103, 103, 1, 103, 1);
  }

  @Test
  void barAggregatesOneBucket() {
    BarSeries s = new BarSeries(W, 10);
    s.add(at(0, 1_000), 100, 2, Side.BUY);
    s.add(at(0, 2_000), 104, 1, Side.SELL);
    s.add(at(0, 3_000), 98, 3, Side.BUY);
    s.add(at(0, 4_000), 101, 0.5, Side.SELL);

    assertEquals(1, s.size());
    // volume 2+1+3+0.5 = 6.5; Σp·s = 200+104+294+50.5 = 648.5
    assertBar(s, 0, T0, 100, 104, 98, 101, 6.5, 648.5, 4);
    // signed = buys − sells = (2+3) − (1+0.5) = 3.5
    assertEquals(3.5, s.signedVolume(0));
    assertEquals(0, s.lateDropped());
  }

  @Test
  void gapBetweenTradesBecomesFlatBarsAtPreviousClose() {
    BarSeries s = new BarSeries(W, 10);
    s.add(at(0, 1_000), 100, 2, Side.BUY);
    s.add(at(0, 2_000), 101, 1, Side.SELL);
    s.add(at(3, 5_000), 105, 1, Side.BUY);

    // buckets 0..3; 1 and 2 had no trade → o = h = l = c = 101 (close of bar 0), volume 0
    assertEquals(4, s.size());
    assertBar(s, 0, T0, 100, 101, 100, 101, 3, 301, 2);
    assertFlat(s, 1, T0 + W, 101);
    assertFlat(s, 2, T0 + 2 * W, 101);
    assertBar(s, 3, T0 + 3 * W, 105, 105, 105, 105, 1, 105, 1);
  }

  @Test
  void openAndCloseFollowTradeTimeNotArrival() {
    BarSeries s = new BarSeries(W, 10);
    s.add(at(0, 30_000), 100, 1, Side.BUY);
    s.add(at(0, 10_000), 90, 1, Side.BUY);   // earlier than every trade → new open; close stays 100
    assertEquals(90, s.open(0));
    assertEquals(100, s.close(0));
    s.add(at(0, 50_000), 110, 1, Side.BUY);  // latest → close 110
    s.add(at(0, 50_000), 111, 1, Side.BUY);  // same time as the close, arrives later → becomes the close
    s.add(at(0, 40_000), 120, 1, Side.SELL); // between first and last: only high/volume change

    // o 90 (t+10s), h 120, l 90, c 111 (t+50s, later arrival); v 5; Σp·s = 100+90+110+111+120 = 531
    assertBar(s, 0, T0, 90, 120, 90, 111, 5, 531, 5);
    assertEquals(3.0, s.signedVolume(0)); // 4 buys − 1 sell
  }

  @Test
  void lateTradeUpdatesItsKeptBarAndTheFlatBarsAfterIt() {
    BarSeries s = new BarSeries(W, 10);
    s.add(at(0, 10_000), 100, 1, Side.BUY);
    s.add(at(3, 1_000), 105, 2, Side.BUY);
    assertFlat(s, 1, T0 + W, 100);
    assertFlat(s, 2, T0 + 2 * W, 100);

    // Late into bar 0, after its last trade: close 100 → 102, high 102; flat bars 1 and 2 repeat the new close.
    assertTrue(s.add(at(0, 50_000), 102, 1, Side.SELL));
    assertBar(s, 0, T0, 100, 102, 100, 102, 2, 202, 2);
    assertEquals(0.0, s.signedVolume(0)); // +1 − 1
    assertFlat(s, 1, T0 + W, 102);
    assertFlat(s, 2, T0 + 2 * W, 102);
    assertBar(s, 3, T0 + 3 * W, 105, 105, 105, 105, 2, 210, 1);

    // Late into bar 0, before its first trade: open and low become 97, the close (by time) stays 102.
    assertTrue(s.add(at(0, 5_000), 97, 1, Side.BUY));
    assertBar(s, 0, T0, 97, 102, 97, 102, 3, 299, 3);
    assertFlat(s, 1, T0 + W, 102);
    assertFlat(s, 2, T0 + 2 * W, 102);

    // Late into the flat bar 2: it now holds that one trade (o = h = l = c = 99, v 1); bar 1 stays flat at 102,
    // bar 3 is untouched.
    assertTrue(s.add(at(2, 30_000), 99, 1, Side.BUY));
    assertFlat(s, 1, T0 + W, 102);
    assertBar(s, 2, T0 + 2 * W, 99, 99, 99, 99, 1, 99, 1);
    assertBar(s, 3, T0 + 3 * W, 105, 105, 105, 105, 2, 210, 1);

    assertEquals(4, s.size());
    assertEquals(0, s.lateDropped());
  }

  @Test
  void capacityEvictsOldestAndTooLateTradesAreDroppedAndCounted() {
    BarSeries s = new BarSeries(W, 3);
    for (int k = 0; k < 5; k++) {
      s.add(at(k, 1_000), 100 + k, 1, Side.BUY);
    }
    // buckets 0..4 seen, 3 kept: 2, 3, 4 (closes 102, 103, 104)
    assertEquals(3, s.size());
    assertBar(s, 0, T0 + 2 * W, 102, 102, 102, 102, 1, 102, 1);
    assertBar(s, 1, T0 + 3 * W, 103, 103, 103, 103, 1, 103, 1);
    assertBar(s, 2, T0 + 4 * W, 104, 104, 104, 104, 1, 104, 1);

    // bucket 1 was evicted → dropped and counted, nothing changes
    assertFalse(s.add(at(1, 59_999), 50, 7, Side.SELL));
    assertEquals(1, s.lateDropped());
    assertEquals(3, s.size());
    assertBar(s, 0, T0 + 2 * W, 102, 102, 102, 102, 1, 102, 1);

    // bucket 2 is the oldest kept bar → updated (later than its trade → new close 90, low 90)
    assertTrue(s.add(at(2, 2_000), 90, 1, Side.SELL));
    assertBar(s, 0, T0 + 2 * W, 102, 102, 90, 90, 2, 192, 2);
    assertEquals(1, s.lateDropped());
  }

  @Test
  void jumpOverMoreThanCapacityBucketsKeepsOnlyTheLastCapacityBuckets() {
    BarSeries s = new BarSeries(W, 4);
    s.add(at(0, 0), 100, 1, Side.BUY);
    s.add(at(10, 0), 110, 1, Side.BUY);

    // buckets 0..10 span 11 > 4: kept are 7, 8, 9 (flat at the previous close 100) and 10
    assertEquals(4, s.size());
    assertFlat(s, 0, T0 + 7 * W, 100);
    assertFlat(s, 1, T0 + 8 * W, 100);
    assertFlat(s, 2, T0 + 9 * W, 100);
    assertBar(s, 3, T0 + 10 * W, 110, 110, 110, 110, 1, 110, 1);

    assertFalse(s.add(at(0, 30_000), 101, 1, Side.BUY)); // bucket 0 no longer kept
    assertFalse(s.add(at(6, 59_999), 101, 1, Side.BUY)); // bucket 6: one before the oldest kept
    assertEquals(2, s.lateDropped());

    assertTrue(s.add(at(7, 0), 95, 2, Side.SELL)); // bucket 7 is kept (flat) → it takes the trade
    assertBar(s, 0, T0 + 7 * W, 95, 95, 95, 95, 2, 190, 1);
    assertEquals(-2.0, s.signedVolume(0));
    assertFlat(s, 1, T0 + 8 * W, 95);
    assertFlat(s, 2, T0 + 9 * W, 95);
    assertEquals(2, s.lateDropped());
  }

  @Test
  void seededCandleUsesTypicalPriceAndLiveTradesFollowIt() {
    BarSeries s = new BarSeries(W, 10);
    // typical price (106 + 94 + 103) / 3 = 101 → Σp·s = 101 · 2 = 202; no taker side → signed volume 0
    s.seedCandle(T0, 100, 106, 94, 103, 2);
    s.seedCandle(T0 - W, 1, 1, 1, 1, 1); // older than a kept bar → ignored
    assertEquals(1, s.size());
    assertEquals(T0, s.startMs(0));
    assertEquals(100, s.open(0));
    assertEquals(106, s.high(0));
    assertEquals(94, s.low(0));
    assertEquals(103, s.close(0));
    assertEquals(2, s.volume(0));
    assertEquals(202, s.priceVolume(0));
    assertEquals(0.0, s.signedVolume(0));

    // a live trade two buckets later: bucket 1 is flat at the candle's close 103
    s.add(at(2, 0), 104, 1, Side.BUY);
    assertEquals(3, s.size());
    assertFlat(s, 1, T0 + W, 103);
    assertBar(s, 2, T0 + 2 * W, 104, 104, 104, 104, 1, 104, 1);
  }

  /**
   * A series whose arrays grow as bars come (a capacity far above {@link BarSeries#INITIAL_SLOTS}) keeps exactly the
   * bars one that never grows keeps: the same trades, late ones and gaps included, give the same newest bars.
   */
  @Test
  void growingKeepsTheSameBars() {
    int small = BarSeries.INITIAL_SLOTS / 2;
    BarSeries grown = new BarSeries(W, 5 * BarSeries.INITIAL_SLOTS + 3);
    BarSeries fixed = new BarSeries(W, small);
    SplittableRandom rnd = new SplittableRandom(3);
    int bucket = 0;
    for (int i = 0; i < 20_000; i++) {
      bucket += rnd.nextInt(10) == 0 ? rnd.nextInt(4) : 0;
      long t = at(bucket - (rnd.nextInt(20) == 0 ? rnd.nextInt(small) : 0), rnd.nextLong(W));
      double price = 100 + rnd.nextInt(50) / 4.0;
      double size = 1 + rnd.nextInt(8) / 8.0;
      Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
      fixed.add(t, price, size, side);
      grown.add(t, price, size, side);
    }
    assertEquals(5 * BarSeries.INITIAL_SLOTS + 3, grown.size(), "grown to its capacity");
    for (int k = 1; k <= small; k++) {
      int g = grown.size() - k;
      int f = fixed.size() - k;
      assertBar(grown, g, fixed.startMs(f), fixed.open(f), fixed.high(f), fixed.low(f), fixed.close(f),
          fixed.volume(f), fixed.priceVolume(f), fixed.trades(f));
      assertEquals(fixed.signedVolume(f), grown.signedVolume(g), "bar " + g + " signed volume");
    }
  }
}
