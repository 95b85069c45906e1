package dev.tapewatch.market;

import dev.tapewatch.tape.MinuteBar;
import java.util.Arrays;
import dev.tapewatch.tape.Side;

/**
 * Time bars of one width, built incrementally from trades, in primitive arrays holding the last {@code capacity}
 * buckets. Bucket k covers [k·width, (k+1)·width) of epoch milliseconds (UTC). Buckets between two trades become
 * flat bars at the previous close with no volume; the series ends at the bucket of the latest trade.
 *
 * <p>Open and close follow trade time, not arrival: a bar remembers the times of its first and last trade, so a
 * trade arriving out of order moves them only when it is earlier or later. A late trade whose bucket is still kept
 * updates that bar (and the flat bars after it, which repeat its close); an older one is counted and dropped.
 */
public final class BarSeries {
  /**
   * Bars the arrays hold at first; they double as bars are added, up to the capacity. Sized for the capacity at once,
   * hundreds of symbols' series were a hundred megabytes allocated at start, most of it never used, for the garbage
   * collector to copy while the first trades arrive.
   */
  static final int INITIAL_SLOTS = 64;

  private final long widthMs;
  private final int capacity;
  private long[] bucket;
  private double[] open;
  private double[] high;
  private double[] low;
  private double[] close;
  private double[] volume;
  private double[] priceVolume;
  private double[] signedVolume;
  private int[] trades;
  private long[] firstTime;
  private long[] lastTime;
  private int start;
  private int count;
  private long lateDropped;

  public BarSeries(long widthMs, int capacity) {
    this.widthMs = widthMs;
    this.capacity = capacity;
    allocate(Math.min(capacity, INITIAL_SLOTS));
  }

  /** The arrays at {@code slots} bars, the bars kept in place: only while the series has never been full. */
  private void allocate(int slots) {
    bucket = bucket == null ? new long[slots] : Arrays.copyOf(bucket, slots);
    open = open == null ? new double[slots] : Arrays.copyOf(open, slots);
    high = high == null ? new double[slots] : Arrays.copyOf(high, slots);
    low = low == null ? new double[slots] : Arrays.copyOf(low, slots);
    close = close == null ? new double[slots] : Arrays.copyOf(close, slots);
    volume = volume == null ? new double[slots] : Arrays.copyOf(volume, slots);
    priceVolume = priceVolume == null ? new double[slots] : Arrays.copyOf(priceVolume, slots);
    signedVolume = signedVolume == null ? new double[slots] : Arrays.copyOf(signedVolume, slots);
    trades = trades == null ? new int[slots] : Arrays.copyOf(trades, slots);
    firstTime = firstTime == null ? new long[slots] : Arrays.copyOf(firstTime, slots);
    lastTime = lastTime == null ? new long[slots] : Arrays.copyOf(lastTime, slots);
  }

  public long widthMs() {
    return widthMs;
  }

  public int size() {
    return count;
  }

  public long lateDropped() {
    return lateDropped;
  }

  private int slot(int logical) {
    int s = start + logical;
    return s >= bucket.length ? s - bucket.length : s;
  }

  /** Adds one trade; false when it was too old for any kept bar. */
  public boolean add(long timeMs, double price, double size, Side takerSide) {
    long b = Math.floorDiv(timeMs, widthMs);
    if (count == 0) {
      append(b, price);
      trade(count - 1, timeMs, price, size, takerSide);
      return true;
    }
    long current = bucket[slot(count - 1)];
    if (b > current) {
      double previousClose = close[slot(count - 1)];
      for (long k = Math.max(current + 1, b - capacity + 1); k < b; k++) {
        append(k, previousClose);
      }
      append(b, price);
      trade(count - 1, timeMs, price, size, takerSide);
      return true;
    }
    int index = count - 1 - (int) Math.min(current - b, Integer.MAX_VALUE);
    if (index < 0) {
      lateDropped++;
      return false;
    }
    double closeBefore = close[slot(index)];
    trade(index, timeMs, price, size, takerSide);
    double closeAfter = close[slot(index)];
    if (closeAfter != closeBefore) {
      for (int i = index + 1; i < count && trades[slot(i)] == 0; i++) {
        flat(slot(i), closeAfter);
      }
    }
    return true;
  }

  /**
   * Seeds a bar from an exchange candle (warm-up before the first live trade); Σprice·size is taken at the
   * candle's typical price (h+l+c)/3 as candles carry no VWAP. Candles must come oldest first and after every kept
   * bar; others are ignored. Candles carry no taker side, so their signed volume is 0.
   */
  public void seedCandle(long bucketStartMs, double o, double h, double l, double c, double v) {
    long b = Math.floorDiv(bucketStartMs, widthMs);
    if (count > 0) {
      long current = bucket[slot(count - 1)];
      if (b <= current) {
        return;
      }
      double previousClose = close[slot(count - 1)];
      for (long k = Math.max(current + 1, b - capacity + 1); k < b; k++) {
        append(k, previousClose);
      }
    }
    append(b, c);
    int s = slot(count - 1);
    open[s] = o;
    high[s] = h;
    low[s] = l;
    close[s] = c;
    volume[s] = v;
    priceVolume[s] = v * (h + l + c) / 3.0;
    signedVolume[s] = 0;
    trades[s] = 0;
  }

  /**
   * Restores a stored minute bar into this series (a minute, five or fifteen wide) at start-up: bars must come oldest
   * first and after every kept bucket but the newest, into which a bar of the same bucket is merged; older ones are
   * ignored. Unlike a candle, the stored bar carries its VWAP sum, signed volume and trade times, so the baselines
   * come back as they were.
   */
  public void restore(MinuteBar m) {
    long b = Math.floorDiv(m.startMs(), widthMs);
    int s;
    if (count > 0 && bucket[slot(count - 1)] == b) {
      s = slot(count - 1);
      if (trades[s] == 0 && volume[s] == 0) {
        set(s, m);
        return;
      }
      high[s] = Math.max(high[s], m.high());
      low[s] = Math.min(low[s], m.low());
      if (m.firstMs() < firstTime[s]) {
        open[s] = m.open();
        firstTime[s] = m.firstMs();
      }
      if (m.lastMs() >= lastTime[s]) {
        close[s] = m.close();
        lastTime[s] = m.lastMs();
      }
      volume[s] += m.volume();
      priceVolume[s] += m.priceVolume();
      signedVolume[s] += m.signedVolume();
      trades[s] += m.trades();
      return;
    }
    if (count > 0) {
      long current = bucket[slot(count - 1)];
      if (b < current) {
        return;
      }
      double previousClose = close[slot(count - 1)];
      for (long k = Math.max(current + 1, b - capacity + 1); k < b; k++) {
        append(k, previousClose);
      }
    }
    append(b, m.close());
    set(slot(count - 1), m);
  }

  private void set(int s, MinuteBar m) {
    open[s] = m.open();
    high[s] = m.high();
    low[s] = m.low();
    close[s] = m.close();
    volume[s] = m.volume();
    priceVolume[s] = m.priceVolume();
    signedVolume[s] = m.signedVolume();
    trades[s] = m.trades();
    firstTime[s] = m.firstMs();
    lastTime[s] = m.lastMs();
  }

  /** Bar i as a stored minute bar of {@code symbol}. */
  public MinuteBar minuteBar(String symbol, int i) {
    int s = slot(i);
    return new MinuteBar(symbol, bucket[s] * widthMs, open[s], high[s], low[s], close[s], volume[s], priceVolume[s],
        signedVolume[s], trades[s], firstTime[s], lastTime[s]);
  }

  private void append(long b, double flatPrice) {
    if (count == capacity) {
      start = slot(1);
      count--;
    } else if (count == bucket.length) {
      // Not yet full, so the bars start at slot 0 and stay where they are.
      allocate(Math.min(capacity, 2 * bucket.length));
    }
    int s = slot(count);
    count++;
    bucket[s] = b;
    flat(s, flatPrice);
    volume[s] = 0;
    priceVolume[s] = 0;
    signedVolume[s] = 0;
    trades[s] = 0;
  }

  private void flat(int s, double price) {
    open[s] = price;
    high[s] = price;
    low[s] = price;
    close[s] = price;
  }

  private void trade(int index, long timeMs, double price, double size, Side takerSide) {
    int s = slot(index);
    if (trades[s] == 0) {
      flat(s, price);
      firstTime[s] = timeMs;
      lastTime[s] = timeMs;
    } else {
      if (price > high[s]) {
        high[s] = price;
      }
      if (price < low[s]) {
        low[s] = price;
      }
      if (timeMs < firstTime[s]) {
        open[s] = price;
        firstTime[s] = timeMs;
      }
      if (timeMs >= lastTime[s]) {
        close[s] = price;
        lastTime[s] = timeMs;
      }
    }
    volume[s] += size;
    priceVolume[s] += price * size;
    signedVolume[s] += takerSide == Side.BUY ? size : -size;
    trades[s]++;
  }

  public long startMs(int i) {
    return bucket[slot(i)] * widthMs;
  }

  public double open(int i) {
    return open[slot(i)];
  }

  public double high(int i) {
    return high[slot(i)];
  }

  public double low(int i) {
    return low[slot(i)];
  }

  public double close(int i) {
    return close[slot(i)];
  }

  public double volume(int i) {
    return volume[slot(i)];
  }

  /** Σ price·size of the bar's trades. */
  public double priceVolume(int i) {
    return priceVolume[slot(i)];
  }

  /** Taker-buy volume minus taker-sell volume. */
  public double signedVolume(int i) {
    return signedVolume[slot(i)];
  }

  public int trades(int i) {
    return trades[slot(i)];
  }
}
