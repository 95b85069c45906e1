package dev.tapewatch.tape;

/**
 * Exact prices: a decimal string to a long scaled by {@link BookUpdate#PRICE_SCALE} and back, digit by digit, never
 * through a double, so that two spellings of one price are one key and no level is lost to rounding.
 */
public final class Prices {
  /** What {@link #parse} answers for anything but an exact, unsigned plain decimal within range. */
  public static final long INVALID = -1;
  private static final int DECIMALS = 8;
  private static final int MAX_LENGTH = 40;

  private Prices() {
  }

  /**
   * {@code 65083.66} to {@code 6508366000000}: unsigned digits with an optional fraction, at least one digit, no
   * exponent; fraction digits past the eighth must be zeros (else the price is not exact at this scale). Anything
   * else, or a value above {@link Long#MAX_VALUE} units, is {@link #INVALID}.
   */
  public static long parse(CharSequence s) {
    int n = s.length();
    if (n == 0 || n > MAX_LENGTH) {
      return INVALID;
    }
    long whole = 0;
    long fraction = 0;
    int fractionDigits = 0;
    boolean digit = false;
    boolean point = false;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '.' && !point) {
        point = true;
        continue;
      }
      if (c < '0' || c > '9') {
        return INVALID;
      }
      digit = true;
      int d = c - '0';
      if (!point) {
        if (whole > Long.MAX_VALUE / BookUpdate.PRICE_SCALE) {
          return INVALID;
        }
        whole = whole * 10 + d;
      } else if (fractionDigits < DECIMALS) {
        fraction = fraction * 10 + d;
        fractionDigits++;
      } else if (d != 0) {
        return INVALID;
      }
    }
    if (!digit || whole > Long.MAX_VALUE / BookUpdate.PRICE_SCALE) {
      return INVALID;
    }
    for (int k = fractionDigits; k < DECIMALS; k++) {
      fraction *= 10;
    }
    long scaled = whole * BookUpdate.PRICE_SCALE;
    return scaled > Long.MAX_VALUE - fraction ? INVALID : scaled + fraction;
  }

  /** The shortest plain decimal of a scaled price ≥ 0: {@code 6508366000000} to {@code 65083.66}. */
  public static String format(long scaled) {
    if (scaled < 0) {
      throw new IllegalArgumentException("a price is never negative: " + scaled);
    }
    long whole = scaled / BookUpdate.PRICE_SCALE;
    long fraction = scaled % BookUpdate.PRICE_SCALE;
    if (fraction == 0) {
      return Long.toString(whole);
    }
    StringBuilder digits = new StringBuilder(Long.toString(fraction + BookUpdate.PRICE_SCALE)).deleteCharAt(0);
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + digits.substring(0, end);
  }
}
