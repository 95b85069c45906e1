package dev.tapewatch.market;

import java.util.Arrays;

/**
 * One side of an {@link OrderBook}: at most {@code depth} levels in primitive arrays sorted by key, best (the largest
 * key) last, so that the changes near the top of the book, the most frequent, move few elements. A bid's key is its
 * price, an ask's the negated price, so one ordering serves both sides. The levels occupy {@code [lo, hi)} of arrays
 * twice the depth: dropping the worst level is {@code lo++}, and an insertion moves the shorter part of the side,
 * re-centring the levels first when that part has no room left.
 *
 * <p>Once a level has been dropped to keep the depth, the levels beyond it are unknown: a change at or beyond the
 * {@code cutoff} is ignored, so every level kept is exact, and the side may hold fewer than {@code depth} levels after
 * levels near the top are removed, until the next snapshot.
 */
final class BookSide {
  private final int depth;
  private final long[] keys;
  private final double[] sizes;
  private int lo;
  private int hi;
  private long cutoff = Long.MIN_VALUE;

  BookSide(int depth) {
    this.depth = depth;
    this.keys = new long[2 * depth + 2];
    this.sizes = new double[keys.length];
    clear();
  }

  void clear() {
    lo = keys.length / 2;
    hi = lo;
    cutoff = Long.MIN_VALUE;
  }

  int size() {
    return hi - lo;
  }

  /** The key of the i-th best level, 0 the best. */
  long key(int i) {
    return keys[hi - 1 - i];
  }

  double quantity(int i) {
    return sizes[hi - 1 - i];
  }

  /**
   * Replaces the side with these levels (any order; a quantity that is not positive is no level, and of a key given
   * twice the last stands), keeping the best {@code depth}.
   */
  void replace(long[] levelKeys, double[] quantities, int sign) {
    clear();
    int n = levelKeys.length;
    if (bestFirst(levelKeys, quantities, sign)) {
      int kept = Math.min(n, depth);
      lo = (keys.length - kept) / 2;
      hi = lo + kept;
      for (int i = 0; i < kept; i++) {
        keys[hi - 1 - i] = sign * levelKeys[i];
        sizes[hi - 1 - i] = quantities[i];
      }
      if (n > depth) {
        cutoff = sign * levelKeys[depth];
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      set(sign * levelKeys[i], quantities[i]);
    }
  }

  /** Whether the levels are strictly best first, every quantity positive: how both Coinbase feeds send snapshots. */
  private static boolean bestFirst(long[] levelKeys, double[] quantities, int sign) {
    for (int i = 0; i < levelKeys.length; i++) {
      if (!(quantities[i] > 0) || i > 0 && sign * levelKeys[i] >= sign * levelKeys[i - 1]) {
        return false;
      }
    }
    return true;
  }

  /** Sets the level at {@code key} to {@code quantity}; a quantity that is not positive removes it. */
  void set(long key, double quantity) {
    if (key <= cutoff) {
      return;
    }
    int at = Arrays.binarySearch(keys, lo, hi, key);
    if (at >= 0) {
      if (quantity > 0) {
        sizes[at] = quantity;
      } else {
        remove(at);
      }
      return;
    }
    if (!(quantity > 0)) {
      return;
    }
    int insertion = -at - 1;
    if (hi - lo == depth) {
      if (insertion == lo) {
        cutoff = key;
        return;
      }
      cutoff = keys[lo++];
    }
    insert(insertion, key, quantity);
  }

  private void insert(int at, long key, double quantity) {
    boolean upward = hi - at <= at - lo;
    if (upward ? hi == keys.length : lo == 0) {
      at += recentre();
    }
    if (upward) {
      System.arraycopy(keys, at, keys, at + 1, hi - at);
      System.arraycopy(sizes, at, sizes, at + 1, hi - at);
      hi++;
    } else {
      System.arraycopy(keys, lo, keys, lo - 1, at - lo);
      System.arraycopy(sizes, lo, sizes, lo - 1, at - lo);
      lo--;
      at--;
    }
    keys[at] = key;
    sizes[at] = quantity;
  }

  /** Moves the levels to the middle of the arrays; returns how far they moved. */
  private int recentre() {
    int n = hi - lo;
    int to = (keys.length - n) / 2;
    System.arraycopy(keys, lo, keys, to, n);
    System.arraycopy(sizes, lo, sizes, to, n);
    int moved = to - lo;
    lo = to;
    hi = to + n;
    return moved;
  }

  private void remove(int at) {
    if (at - lo < hi - 1 - at) {
      System.arraycopy(keys, lo, keys, lo + 1, at - lo);
      System.arraycopy(sizes, lo, sizes, lo + 1, at - lo);
      lo++;
    } else {
      System.arraycopy(keys, at + 1, keys, at, hi - 1 - at);
      System.arraycopy(sizes, at + 1, sizes, at, hi - 1 - at);
      hi--;
    }
  }
}
