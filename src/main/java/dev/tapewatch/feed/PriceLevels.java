package dev.tapewatch.feed;

import java.util.Arrays;

/**
 * One book side's levels as they are read or found, in that order: prices (exact, ×10⁸, or a simulator's ticks)
 * and sizes in arrays that grow as levels come, a message's few changes or a snapshot's thousands alike.
 */
final class PriceLevels {
  private long[] prices = new long[8];
  private double[] sizes = new double[8];
  private int n;

  void add(long price, double size) {
    if (n == prices.length) {
      prices = Arrays.copyOf(prices, 2 * n);
      sizes = Arrays.copyOf(sizes, 2 * n);
    }
    prices[n] = price;
    sizes[n++] = size;
  }

  int size() {
    return n;
  }

  long[] prices() {
    return Arrays.copyOf(prices, n);
  }

  double[] sizes() {
    return Arrays.copyOf(sizes, n);
  }
}
