package dev.tapewatch.tape;

/** Decimal text read to a double the quick way, where that is exact: what the feeds and the scorecard read most. */
public final class Decimals {
  private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
      1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  private static final long EXACT_IN_A_DOUBLE = 1L << 53;

  private Decimals() {
  }

  /**
   * The unsigned decimal of {@code s} from {@code from} to {@code to} (exclusive), such as {@code 0.20371215}: digits
   * with at most one point, at most 2^53 as a whole number and at most 22 after the point. Then the digits and the
   * power of ten are both exact doubles and one division is correctly rounded: the same double
   * {@link Double#parseDouble} gives, without the string and buffers it makes. NaN for anything else, which is left
   * to it.
   */
  public static double exactUnsigned(CharSequence s, int from, int to) {
    long digits = 0;
    int after = -1;
    boolean any = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '.' && after < 0) {
        after = 0;
      } else if (c >= '0' && c <= '9') {
        digits = digits * 10 + (c - '0');
        any = true;
        if (digits > EXACT_IN_A_DOUBLE) {
          return Double.NaN;
        }
        if (after >= 0 && ++after >= POWERS_OF_TEN.length) {
          return Double.NaN;
        }
      } else {
        return Double.NaN;
      }
    }
    return any ? digits / POWERS_OF_TEN[Math.max(after, 0)] : Double.NaN;
  }
}
