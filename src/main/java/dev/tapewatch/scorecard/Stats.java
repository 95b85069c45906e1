package dev.tapewatch.scorecard;

/** The statistics of a track record, free of any I/O. */
public final class Stats {
  /** The two-sided 95% quantile of the standard normal distribution. */
  static final double Z95 = 1.959963984540054;

  private Stats() {
  }

  /**
   * The Wilson score interval at 95% for {@code hits} successes in {@code n} trials: unlike the normal
   * approximation it stays inside [0, 1] and is honest for small n and rates near 0 or 1. Null when n is 0.
   */
  public static double[] wilson(long hits, long n) {
    if (n <= 0) {
      return null;
    }
    double p = (double) hits / n;
    double z2 = Z95 * Z95;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  /** The median (the mean of the middle two for an even count); null for no values. */
  public static Double median(double[] values) {
    if (values.length == 0) {
      return null;
    }
    // Selected rather than sorted: a group holds up to 100,000 returns, and only the middle is wanted.
    double[] v = values.clone();
    int mid = v.length / 2;
    select(v, mid);
    if (v.length % 2 == 1) {
      return v[mid];
    }
    double below = v[0];
    for (int i = 1; i < mid; i++) {
      below = Double.compare(v[i], below) > 0 ? v[i] : below;
    }
    return (below + v[mid]) / 2;
  }

  /**
   * Puts at {@code k} the value that sorting would put there, none greater before it and none less after it, in the
   * order of {@link Double#compare}, as {@link java.util.Arrays#sort(double[])} orders.
   */
  private static void select(double[] v, int k) {
    int lo = 0;
    int hi = v.length - 1;
    while (lo < hi) {
      double pivot = v[lo + (hi - lo) / 2];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (Double.compare(v[i], pivot) < 0) {
          i++;
        }
        while (Double.compare(v[j], pivot) > 0) {
          j--;
        }
        if (i <= j) {
          double t = v[i];
          v[i++] = v[j];
          v[j--] = t;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  /** The arithmetic mean; null for no values. */
  public static Double mean(double[] values) {
    if (values.length == 0) {
      return null;
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
