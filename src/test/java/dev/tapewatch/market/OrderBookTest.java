package dev.tapewatch.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.market.OrderBook.Applied;
import dev.tapewatch.market.OrderBook.ResyncReason;
import dev.tapewatch.market.OrderBook.State;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Prices;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OrderBookTest {
  static final String SYM = "BTC-USD";

  /** Levels as "price", quantity, "price", quantity, ... */
  static BookUpdate snapshot(long timeMs, Object[] bids, Object[] asks) {
    return update(true, timeMs, bids, asks);
  }

  static BookUpdate change(long timeMs, Object[] bids, Object[] asks) {
    return update(false, timeMs, bids, asks);
  }

  static Object[] levels(Object... priceQty) {
    return priceQty;
  }

  private static BookUpdate update(boolean snapshot, long timeMs, Object[] bids, Object[] asks) {
    long[] bp = new long[bids.length / 2];
    double[] bq = new double[bp.length];
    for (int i = 0; i < bp.length; i++) {
      bp[i] = Prices.parse((String) bids[2 * i]);
      bq[i] = ((Number) bids[2 * i + 1]).doubleValue();
    }
    long[] ap = new long[asks.length / 2];
    double[] aq = new double[ap.length];
    for (int i = 0; i < ap.length; i++) {
      ap[i] = Prices.parse((String) asks[2 * i]);
      aq[i] = ((Number) asks[2 * i + 1]).doubleValue();
    }
    return new BookUpdate(SYM, timeMs, snapshot, bp, bq, ap, aq);
  }

  /** The book's sides as "price qty" lines, best first. */
  static List<String> bids(OrderBook b) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < b.bidLevels(); i++) {
      out.add(Prices.format(b.bidPrice(i)) + " " + b.bidQuantity(i));
    }
    return out;
  }

  static List<String> asks(OrderBook b) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < b.askLevels(); i++) {
      out.add(Prices.format(b.askPrice(i)) + " " + b.askQuantity(i));
    }
    return out;
  }

  @Test
  void lostMessagesStopTheBookUntilTheNextSnapshotAndAnEmptyChangeIsNoSuchNotice() {
    OrderBook b = new OrderBook(1000);
    assertEquals(Applied.APPLIED, b.apply(BookUpdate.lost(SYM, 900)), "no book: nothing to stop");
    assertEquals(State.NONE, b.state());
    b.apply(snapshot(1000, levels("100", 1), levels("101", 1)));
    // An update with no levels is a change of nothing, not a notice of loss.
    assertEquals(Applied.APPLIED, b.apply(change(1001, levels(), levels())));
    assertEquals(State.OK, b.state());

    assertEquals(Applied.RESYNC, b.apply(BookUpdate.lost(SYM, 1002)));
    assertEquals(State.RESYNCING, b.state());
    assertEquals(ResyncReason.MESSAGES_LOST, b.resyncReason());
    assertEquals(List.of(), bids(b));
    assertEquals(Applied.IGNORED_WHILE_RESYNCING, b.apply(change(1003, levels("100", 2), levels())));
    b.apply(snapshot(1004, levels("99", 3), levels("102", 4)));
    assertEquals(State.OK, b.state());
    assertEquals(List.of("99 3.0"), bids(b));
  }

  @Test
  void aSnapshotReplacesTheBookAndUpdatesSetAndRemoveLevels() {
    OrderBook b = new OrderBook(1000);
    assertEquals(State.NONE, b.state());
    assertEquals(Applied.APPLIED, b.apply(snapshot(1000, levels("100.5", 1, "100.4", 2, "99", 3),
        levels("100.6", 4, "100.7", 5))));
    assertEquals(State.OK, b.state());
    assertEquals(List.of("100.5 1.0", "100.4 2.0", "99 3.0"), bids(b));
    assertEquals(List.of("100.6 4.0", "100.7 5.0"), asks(b));
    assertEquals(1000, b.timeMs());

    assertEquals(Applied.APPLIED, b.apply(change(1005, levels("100.4", 0, "100.55", 7, "98.5", 1, "99", 2.5),
        levels("100.6", 0, "100.65", 0.25, "101", 9))));
    assertEquals(List.of("100.55 7.0", "100.5 1.0", "99 2.5", "98.5 1.0"), bids(b));
    assertEquals(List.of("100.65 0.25", "100.7 5.0", "101 9.0"), asks(b));
    assertEquals(1005, b.timeMs());
    assertEquals(2, b.changes());

    // removing a level that is not there changes nothing
    b.apply(change(1006, levels("42", 0), levels()));
    assertEquals(List.of("100.55 7.0", "100.5 1.0", "99 2.5", "98.5 1.0"), bids(b));

    b.apply(snapshot(2000, levels("50", 1), levels("51", 1)));
    assertEquals(List.of("50 1.0"), bids(b));
    assertEquals(List.of("51 1.0"), asks(b));
  }

  @Test
  void aSnapshotInAnyOrderWithRepeatsAndEmptyLevelsIsSorted() {
    OrderBook b = new OrderBook(1000);
    b.apply(snapshot(1, levels("99", 1, "100", 2, "98", 0, "99.5", 3, "99", 4),
        levels("102", 1, "101", 2, "101", 5)));
    assertEquals(List.of("100 2.0", "99.5 3.0", "99 4.0"), bids(b));
    assertEquals(List.of("101 5.0", "102 1.0"), asks(b));
  }

  @Test
  void theDepthKeepsTheBestLevelsAndNothingBeyondWhatWasDropped() {
    OrderBook b = new OrderBook(3);
    b.apply(snapshot(1, levels("10", 1, "9", 1, "8", 1, "7", 1, "6", 1), levels("11", 1, "12", 1, "13", 1, "14", 1)));
    assertEquals(List.of("10 1.0", "9 1.0", "8 1.0"), bids(b));
    assertEquals(List.of("11 1.0", "12 1.0", "13 1.0"), asks(b));

    // 7 was dropped: it and anything below it are unknown, so a change there is ignored
    b.apply(change(2, levels("7", 5, "6.5", 5), levels("14", 5, "13.5", 5)));
    assertEquals(List.of("10 1.0", "9 1.0", "8 1.0"), bids(b));
    assertEquals(List.of("11 1.0", "12 1.0", "13 1.0"), asks(b));

    // a new best level pushes the worst out, which moves the limit of what is known up to it
    b.apply(change(3, levels("10.5", 2), levels("10.9", 2)));
    assertEquals(List.of("10.5 2.0", "10 1.0", "9 1.0"), bids(b));
    assertEquals(List.of("10.9 2.0", "11 1.0", "12 1.0"), asks(b));

    // the top empties: the side is shorter, and a level worse than the worst kept but above the limit is known
    b.apply(change(4, levels("10.5", 0, "10", 0, "8.5", 3, "8", 3), levels("10.9", 0, "12.5", 3, "13", 3)));
    assertEquals(List.of("9 1.0", "8.5 3.0"), bids(b));
    assertEquals(List.of("11 1.0", "12 1.0", "12.5 3.0"), asks(b));
  }

  @Test
  void aLevelWorseThanAFullSideIsDroppedAndMarksTheLimit() {
    OrderBook b = new OrderBook(2);
    b.apply(snapshot(1, levels("10", 1, "9", 1), levels("11", 1)));
    b.apply(change(2, levels("8", 1), levels()));
    assertEquals(List.of("10 1.0", "9 1.0"), bids(b));
    b.apply(change(3, levels("10", 0, "8.5", 1), levels()));
    assertEquals(List.of("9 1.0", "8.5 1.0"), bids(b));
    b.apply(change(3, levels("8", 1), levels()));
    assertEquals(List.of("9 1.0", "8.5 1.0"), bids(b), "8 was dropped once, so it is not known");
  }

  @Test
  void aCrossedBookResyncsUntilTheNextSnapshot() {
    OrderBook b = new OrderBook(1000);
    b.apply(snapshot(1, levels("100", 1), levels("101", 1)));
    assertEquals(Applied.RESYNC, b.apply(change(2, levels("101", 1), levels())), "locked counts as crossed");
    assertEquals(State.RESYNCING, b.state());
    assertEquals(ResyncReason.CROSSED, b.resyncReason());
    assertEquals("crossed", b.resyncReason().key());
    assertEquals(0, b.bidLevels() + b.askLevels(), "nothing of it may be read");
    assertEquals(Applied.IGNORED_WHILE_RESYNCING, b.apply(change(3, levels("99", 1), levels())));
    assertEquals(0, b.bidLevels());

    assertEquals(Applied.APPLIED, b.apply(snapshot(4, levels("100", 2), levels("100.5", 2))));
    assertEquals(State.OK, b.state());
    assertNull(b.resyncReason());
    assertEquals(List.of("100 2.0"), bids(b));
  }

  @Test
  void aCrossedSnapshotResyncsToo() {
    OrderBook b = new OrderBook(1000);
    assertEquals(Applied.RESYNC, b.apply(snapshot(1, levels("102", 1), levels("101", 1))));
    assertEquals(ResyncReason.CROSSED, b.resyncReason());
  }

  @Test
  void anUpdateBeforeAnySnapshotResyncs() {
    OrderBook b = new OrderBook(1000);
    assertEquals(Applied.RESYNC, b.apply(change(1, levels("100", 1), levels())));
    assertEquals(ResyncReason.UPDATE_BEFORE_SNAPSHOT, b.resyncReason());
    assertEquals("update_before_snapshot", b.resyncReason().key());
    assertEquals(Applied.IGNORED_WHILE_RESYNCING, b.apply(change(2, levels("100", 1), levels())));
  }

  /**
   * Random changes, mostly near the top as on a real feed, against a sorted map of every level: a bounded side is
   * always the best levels of the full book, exactly (no level missing above its worst, no quantity off), and an
   * unbounded one is the full book.
   */
  @Test
  void theBookIsAlwaysTheTopOfTheFullBook() {
    for (int depth : new int[] {1, 3, 50, 1000}) {
      SplittableRandom random = new SplittableRandom(depth);
      OrderBook b = new OrderBook(depth);
      TreeMap<Long, Double> fullBids = new TreeMap<>(Collections.reverseOrder());
      TreeMap<Long, Double> fullAsks = new TreeMap<>();
      long mid = 10_000_000_000L;
      List<Long> snapBids = new ArrayList<>();
      for (int i = 1; i <= 300; i++) {
        snapBids.add(mid - i * 1_000_000L);
        fullBids.put(mid - i * 1_000_000L, 1.0);
        fullAsks.put(mid + i * 1_000_000L, 1.0);
      }
      b.apply(new BookUpdate(SYM, 0, true, snapBids.stream().mapToLong(Long::longValue).toArray(),
          snapBids.stream().mapToDouble(p -> 1.0).toArray(),
          fullAsks.keySet().stream().mapToLong(Long::longValue).toArray(),
          fullAsks.values().stream().mapToDouble(Double::doubleValue).toArray()));
      for (int step = 0; step < 10_000; step++) {
        boolean bid = random.nextBoolean();
        long distance = 1 + (random.nextInt(10) == 0 ? random.nextLong(600) : random.nextLong(20));
        long price = bid ? mid - distance * 1_000_000L : mid + distance * 1_000_000L;
        double qty = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(100);
        TreeMap<Long, Double> full = bid ? fullBids : fullAsks;
        if (qty == 0) {
          full.remove(price);
        } else {
          full.put(price, qty);
        }
        b.apply(new BookUpdate(SYM, step, false, bid ? new long[] {price} : new long[0],
            bid ? new double[] {qty} : new double[0], bid ? new long[0] : new long[] {price},
            bid ? new double[0] : new double[] {qty}));
        assertEquals(State.OK, b.state());
        assertTopOf(fullBids, b.bidLevels(), b::bidPrice, b::bidQuantity, depth, "bids at step " + step);
        assertTopOf(fullAsks, b.askLevels(), b::askPrice, b::askQuantity, depth, "asks at step " + step);
      }
    }
  }

  private static void assertTopOf(TreeMap<Long, Double> full, int levels, java.util.function.IntToLongFunction price,
      java.util.function.IntToDoubleFunction qty, int depth, String where) {
    assertTrue(levels <= depth, where);
    int i = 0;
    for (Map.Entry<Long, Double> e : full.entrySet()) {
      if (i == levels) {
        break;
      }
      assertEquals(e.getKey(), price.applyAsLong(i), where + " level " + i);
      assertEquals(e.getValue(), qty.applyAsDouble(i), where + " level " + i);
      i++;
    }
    assertEquals(levels, i, where);
    if (depth >= 1000) {
      assertEquals(full.size(), levels, where + ": unbounded, the whole book");
    }
  }
}
