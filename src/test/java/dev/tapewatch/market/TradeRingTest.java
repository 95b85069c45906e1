package dev.tapewatch.market;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.tape.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The trade cache: trade-time order, eviction of the oldest, late inserts and the late-dropped count. */
class TradeRingTest {
  private static final long T = 1_700_000_000_000L;

  private static long[] times(TradeRing r) {
    long[] out = new long[r.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.time(i) - T;
    }
    return out;
  }

  private static long[] ids(TradeRing r) {
    long[] out = new long[r.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.tradeId(i);
    }
    return out;
  }

  @Test
  void keepsEveryFieldInTradeTimeOrder() {
    TradeRing r = new TradeRing(10);
    r.add(T + 1_000, 100.5, 0.25, Side.BUY, 1);
    r.add(T + 3_000, 102, 3, Side.SELL, 3);
    r.add(T + 2_000, 101, 2, Side.SELL, 2); // late, not full → inserted between the two

    assertEquals(3, r.size());
    assertArrayEquals(new long[] {1_000, 2_000, 3_000}, times(r));
    assertArrayEquals(new long[] {1, 2, 3}, ids(r));
    assertEquals(100.5, r.price(0));
    assertEquals(0.25, r.size(0));
    assertEquals(Side.BUY, r.takerSide(0));
    assertEquals(101, r.price(1));
    assertEquals(2, r.size(1));
    assertEquals(Side.SELL, r.takerSide(1));
    assertEquals(102, r.price(2));
    assertEquals(0, r.lateDropped());
  }

  @Test
  void lateTradeOlderThanEveryOneIsInsertedWhileNotFull() {
    TradeRing r = new TradeRing(3);
    r.add(T + 2_000, 100, 1, Side.BUY, 2);
    r.add(T + 1_000, 99, 1, Side.BUY, 1);
    assertArrayEquals(new long[] {1_000, 2_000}, times(r));
    assertEquals(0, r.lateDropped());
  }

  @Test
  void lastAtOrBefore() {
    TradeRing r = new TradeRing(10);
    assertEquals(-1, r.lastAtOrBefore(T)); // empty
    r.add(T + 1_000, 1, 1, Side.BUY, 1);
    r.add(T + 2_000, 2, 1, Side.BUY, 2);
    r.add(T + 2_000, 3, 1, Side.BUY, 3);
    r.add(T + 3_000, 4, 1, Side.BUY, 4);

    assertEquals(-1, r.lastAtOrBefore(T + 999));   // before every trade
    assertEquals(0, r.lastAtOrBefore(T + 1_000));  // exactly at a trade: that trade
    assertEquals(0, r.lastAtOrBefore(T + 1_999));
    assertEquals(2, r.lastAtOrBefore(T + 2_000));  // two trades at 2 000 → the last of them
    assertEquals(3, r.lastAtOrBefore(T + 9_999));  // after every trade → the newest
  }

  @Test
  void fullRingDropsTheOldestAndCountsTooLateTrades() {
    TradeRing r = new TradeRing(3);
    r.add(T + 1_000, 1, 1, Side.BUY, 1);
    r.add(T + 2_000, 2, 1, Side.BUY, 2);
    r.add(T + 3_000, 3, 1, Side.BUY, 3);
    r.add(T + 4_000, 4, 1, Side.BUY, 4); // full: 1 000 is dropped (not a late drop)
    assertArrayEquals(new long[] {2_000, 3_000, 4_000}, times(r));
    assertEquals(0, r.lateDropped());

    r.add(T + 2_500, 5, 1, Side.SELL, 5); // late but newer than the oldest: inserted, the oldest (2 000) goes
    assertArrayEquals(new long[] {2_500, 3_000, 4_000}, times(r));
    assertArrayEquals(new long[] {5, 3, 4}, ids(r));
    assertEquals(0, r.lateDropped());

    r.add(T + 1_500, 6, 1, Side.SELL, 6); // older than every cached trade while full → dropped and counted
    assertArrayEquals(new long[] {2_500, 3_000, 4_000}, times(r));
    assertArrayEquals(new long[] {5, 3, 4}, ids(r));
    assertEquals(1, r.lateDropped());
    assertEquals(3, r.size());
  }

  @Test
  void growsAsTradesComeAndKeepsOrderAcrossGrowthAndWrap() {
    TradeRing r = new TradeRing(1000);
    assertEquals(TradeRing.INITIAL_SLOTS, r.slots());
    // A plain list with the ring's rules: inserted after every trade of the same time or older; when full, the
    // oldest goes, and a trade older than all of them is dropped and counted.
    List<long[]> model = new ArrayList<>();
    long modelLate = 0;
    SplittableRandom random = new SplittableRandom(16);
    for (int id = 1; id <= 3000; id++) {
      long t = T + id * 10L - (random.nextInt(10) == 0 ? random.nextInt(3000) : 0);
      r.add(t, id, 1, id % 2 == 0 ? Side.BUY : Side.SELL, id);
      int pos = model.size();
      while (pos > 0 && model.get(pos - 1)[0] > t) {
        pos--;
      }
      if (model.size() == 1000) {
        if (pos == 0) {
          modelLate++;
          continue;
        }
        model.remove(0);
        pos--;
      }
      model.add(pos, new long[] {t, id});
      if (id == 300) {
        assertEquals(512, r.slots());
      }
    }
    assertEquals(1000, r.slots());
    assertEquals(model.size(), r.size());
    assertEquals(modelLate, r.lateDropped());
    for (int i = 0; i < model.size(); i++) {
      assertEquals(model.get(i)[0], r.time(i));
      assertEquals(model.get(i)[1], r.tradeId(i));
      assertEquals((double) model.get(i)[1], r.price(i));
      assertEquals(model.get(i)[1] % 2 == 0 ? Side.BUY : Side.SELL, r.takerSide(i));
    }
  }

  @Test
  void aSmallCapacityIsAllocatedAtOnceAndNeverGrows() {
    TradeRing r = new TradeRing(100);
    assertEquals(100, r.slots());
    for (int id = 1; id <= 250; id++) {
      r.add(T + id, id, 1, Side.BUY, id);
    }
    assertEquals(100, r.slots());
    assertArrayEquals(LongStream.rangeClosed(151, 250).toArray(), ids(r));
  }

  @Test
  void windowSumsOfAFewTrades() {
    TradeRing r = new TradeRing(3);
    r.add(T + 1_000, 100, 0.5, Side.BUY, 1);
    r.add(T + 2_000, 102, 2, Side.SELL, 2);
    r.add(T + 3_000, 104, 1.25, Side.BUY, 3);
    assertEquals(3.75, r.sizeFrom(0));
    assertEquals(50 + 204 + 130, r.priceSizeFrom(0));
    assertEquals(3.25, r.sizeFrom(1));
    assertEquals(0.0, r.sizeFrom(3)); // past the newest
    assertEquals(-0.75, r.signedVolumeAfter(T + 1_000)); // −2 + 1.25
    assertEquals(-0.25, r.signedVolumeAfter(T)); // every trade: 0.5 − 2 + 1.25
    assertEquals(0.0, r.signedVolumeAfter(T + 3_000));

    r.add(T + 4_000, 106, 3, Side.SELL, 4); // full: the first trade goes, and its sums with it
    assertEquals(6.25, r.sizeFrom(0));
    assertEquals(204 + 130 + 318, r.priceSizeFrom(0));
    assertEquals(-3.75, r.signedVolumeAfter(T)); // −2 + 1.25 − 3
    r.add(T + 2_500, 90, 1, Side.BUY, 5); // late: inserted after the 2 000 trade, the oldest (2 000) goes
    assertEquals(5.25, r.sizeFrom(0));
    assertEquals(90 + 130 + 318, r.priceSizeFrom(0));
    assertEquals(-0.75, r.signedVolumeAfter(T)); // 1 + 1.25 − 3
  }

  @Test
  void windowSumsMatchAWalkOfTheWindowOverManyEvictionsAndLateTrades() {
    TradeRing r = new TradeRing(500);
    SplittableRandom random = new SplittableRandom(7);
    for (int id = 1; id <= 20_000; id++) {
      long t = T + id * 10L - (random.nextInt(20) == 0 ? random.nextInt(2000) : 0);
      double price = 100 + random.nextDouble() * 10;
      double size = Math.round(random.nextDouble() * 1e6) / 1e4;
      r.add(t, price, size, random.nextBoolean() ? Side.BUY : Side.SELL, id);
      if (id % 997 == 0) {
        for (int from : new int[] {0, 1, r.size() / 2, r.size() - 1}) {
          double size1 = 0;
          double priceSize = 0;
          double signed = 0;
          for (int i = from; i < r.size(); i++) {
            size1 += r.size(i);
            priceSize += r.price(i) * r.size(i);
            signed += r.takerSide(i) == Side.BUY ? r.size(i) : -r.size(i);
          }
          assertEquals(size1, r.sizeFrom(from), 1e-9 * Math.max(1, size1), "size from " + from + " at " + id);
          assertEquals(priceSize, r.priceSizeFrom(from), 1e-9 * priceSize, "price·size from " + from);
          long after = from == 0 ? r.time(0) - 1 : r.time(from - 1);
          int first = r.lastAtOrBefore(after) + 1;
          double signedFromFirst = 0;
          for (int i = first; i < r.size(); i++) {
            signedFromFirst += r.takerSide(i) == Side.BUY ? r.size(i) : -r.size(i);
          }
          assertEquals(signedFromFirst, r.signedVolumeAfter(after), 1e-9 * Math.max(1, size1), "signed after");
        }
      }
    }
  }
}
