package dev.tapewatch.market;

import dev.tapewatch.tape.Side;
import java.util.Arrays;

/**
 * The last {@code capacity} trades of one symbol in primitive arrays, kept in trade-time order (a late trade is
 * inserted in place), so that time windows are found by binary search. When full, the oldest trade is dropped.
 *
 * <p>The arrays start at {@value #INITIAL_SLOTS} slots and double as trades come, up to {@code capacity}: a quiet
 * product of a whole-market watch holds a few hundred trades, not the tens of thousands a busy one does.
 */
public final class TradeRing {
  static final int INITIAL_SLOTS = 256;
  private final int capacity;
  private long[] time;
  private double[] price;
  private double[] size;
  private boolean[] buy;
  private long[] tradeId;
  private int start;
  private int count;
  private long lateDropped;

  public TradeRing(int capacity) {
    this.capacity = capacity;
    int slots = Math.min(capacity, INITIAL_SLOTS);
    time = new long[slots];
    price = new double[slots];
    size = new double[slots];
    buy = new boolean[slots];
    tradeId = new long[slots];
  }

  /** The slots in use now, which grow up to the capacity. */
  int slots() {
    return time.length;
  }

  /**
   * Doubles the arrays, at most to the capacity. The ring has never dropped a trade (it is not yet at capacity), so
   * its trades start at slot 0 and keep their slots.
   */
  private void grow() {
    int slots = (int) Math.min(capacity, 2L * time.length);
    time = Arrays.copyOf(time, slots);
    price = Arrays.copyOf(price, slots);
    size = Arrays.copyOf(size, slots);
    buy = Arrays.copyOf(buy, slots);
    tradeId = Arrays.copyOf(tradeId, slots);
  }

  public int size() {
    return count;
  }

  /** Trades older than every cached trade that arrived when the ring was full. */
  public long lateDropped() {
    return lateDropped;
  }

  private int slot(int logical) {
    int s = start + logical;
    return s >= time.length ? s - time.length : s;
  }

  public void add(long timeMs, double px, double sz, Side takerSide, long id) {
    if (count == time.length && count < capacity) {
      grow();
    }
    int pos = count;
    while (pos > 0 && time[slot(pos - 1)] > timeMs) {
      pos--;
    }
    if (count == capacity) {
      if (pos == 0) {
        lateDropped++;
        return;
      }
      start = slot(1);
      count--;
      pos--;
    }
    for (int i = count; i > pos; i--) {
      copy(slot(i - 1), slot(i));
    }
    int s = slot(pos);
    time[s] = timeMs;
    price[s] = px;
    size[s] = sz;
    buy[s] = takerSide == Side.BUY;
    tradeId[s] = id;
    count++;
  }

  private void copy(int from, int to) {
    time[to] = time[from];
    price[to] = price[from];
    size[to] = size[from];
    buy[to] = buy[from];
    tradeId[to] = tradeId[from];
  }

  public long time(int i) {
    return time[slot(i)];
  }

  public double price(int i) {
    return price[slot(i)];
  }

  public double size(int i) {
    return size[slot(i)];
  }

  public Side takerSide(int i) {
    return buy[slot(i)] ? Side.BUY : Side.SELL;
  }

  public long tradeId(int i) {
    return tradeId[slot(i)];
  }

  /** Taker-buy minus taker-sell size of the trades after {@code timeMs}. */
  public double signedVolumeAfter(long timeMs) {
    double sum = 0;
    for (int i = lastAtOrBefore(timeMs) + 1; i < count; i++) {
      int s = slot(i);
      sum += buy[s] ? size[s] : -size[s];
    }
    return sum;
  }

  /** Index of the last trade with time ≤ {@code t}, or -1. */
  public int lastAtOrBefore(long t) {
    int lo = 0;
    int hi = count - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (time(mid) <= t) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
