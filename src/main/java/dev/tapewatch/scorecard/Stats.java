package dev.tapewatch.scorecard;

import java.util.Arrays;

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
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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
