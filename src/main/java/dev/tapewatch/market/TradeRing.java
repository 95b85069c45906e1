package dev.tapewatch.market;

import dev.tapewatch.tape.Side;
import java.util.Arrays;

/**
 * The last {@code capacity} trades of one symbol in primitive arrays, kept in trade-time order (a late trade is
 * inserted in place), so that time windows are found by binary search. When full, the oldest trade is dropped.
 *
 * <p>The arrays start at {@value #INITIAL_SLOTS} slots and double as trades come, up to {@code capacity}: a quiet
 * product of a whole-market watch holds a few hundred trades, not the tens of thousands a busy one does.
 *
 * <p>Each slot also holds the running totals of size, price·size and signed size up to its trade, so that the sums
 * over a time window take two binary searches rather than a walk of the window: every agent asks for them on the
 * symbol's event loop, where a walk of 50,000 trades held up the trades behind it by milliseconds. The totals start
 * again from the oldest kept trade once every {@code capacity} drops, so that they stay within a few rings' worth of
 * volume and a window's sum keeps its precision.
 */
public final class TradeRing {
  static final int INITIAL_SLOTS = 256;
  private final int capacity;
  private long[] time;
  private double[] price;
  private double[] size;
  private boolean[] buy;
  private long[] tradeId;
  private double[] totalSize;
  private double[] totalPriceSize;
  private double[] totalSignedSize;
  /** The running totals just before the oldest kept trade. */
  private double sizeBefore;
  private double priceSizeBefore;
  private double signedSizeBefore;
  private int dropsSinceRestart;
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
    totalSize = new double[slots];
    totalPriceSize = new double[slots];
    totalSignedSize = new double[slots];
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
    totalSize = Arrays.copyOf(totalSize, slots);
    totalPriceSize = Arrays.copyOf(totalPriceSize, slots);
    totalSignedSize = Arrays.copyOf(totalSignedSize, slots);
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
      drop();
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
    if (dropsSinceRestart >= capacity) {
      dropsSinceRestart = 0;
      sizeBefore = 0;
      priceSizeBefore = 0;
      signedSizeBefore = 0;
      total(0);
    } else {
      total(pos);
    }
  }

  private void drop() {
    int oldest = slot(0);
    sizeBefore = totalSize[oldest];
    priceSizeBefore = totalPriceSize[oldest];
    signedSizeBefore = totalSignedSize[oldest];
    start = slot(1);
    count--;
    dropsSinceRestart++;
  }

  /** The running totals of the trades from {@code from} on, after those before it. */
  private void total(int from) {
    double sz = from == 0 ? sizeBefore : totalSize[slot(from - 1)];
    double pxSz = from == 0 ? priceSizeBefore : totalPriceSize[slot(from - 1)];
    double signed = from == 0 ? signedSizeBefore : totalSignedSize[slot(from - 1)];
    for (int i = from; i < count; i++) {
      int s = slot(i);
      sz += size[s];
      pxSz += price[s] * size[s];
      signed += buy[s] ? size[s] : -size[s];
      totalSize[s] = sz;
      totalPriceSize[s] = pxSz;
      totalSignedSize[s] = signed;
    }
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
    int from = lastAtOrBefore(timeMs) + 1;
    return from >= count ? 0.0
        : totalSignedSize[slot(count - 1)] - (from == 0 ? signedSizeBefore : totalSignedSize[slot(from - 1)]);
  }

  /** The size of the trades from index {@code from} on. */
  public double sizeFrom(int from) {
    return from >= count ? 0.0 : totalSize[slot(count - 1)] - (from == 0 ? sizeBefore : totalSize[slot(from - 1)]);
  }

  /** Σ price·size of the trades from index {@code from} on. */
  public double priceSizeFrom(int from) {
    return from >= count ? 0.0
        : totalPriceSize[slot(count - 1)] - (from == 0 ? priceSizeBefore : totalPriceSize[slot(from - 1)]);
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
