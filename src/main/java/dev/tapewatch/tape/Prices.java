package dev.tapewatch.tape;

/**
 * Exact decimal prices (and quantities) as longs scaled by {@link BookUpdate#PRICE_SCALE}: {@code "0.1"} is
 * 10,000,000, and {@link #format} gives back {@code "0.1"}. Every feed parses a book's prices with {@link #parse} so
 * that one price is one key whichever feed sent it.
 */
public final class Prices {
  /** What {@link #parse} returns for text that is not an exact decimal it can hold. */
  public static final long INVALID = Long.MIN_VALUE;
  /**
   * The largest value parsed, about 2.3·10¹⁰: the sum of any two (a mid, the width of a spread) still fits a long.
   */
  public static final long MAX = Long.MAX_VALUE / 4;
  private static final int DECIMALS = 8;
  private static final long[] SCALE_OF_DIGITS = {100_000_000L, 10_000_000L, 1_000_000L, 100_000L, 10_000L, 1_000L,
      100L, 10L, 1L};

  private Prices() {
  }

  /** {@link #parse(char[], int, int)} of a string. */
  public static long parse(CharSequence s) {
    int n = s.length();
    char[] chars = new char[n];
    for (int i = 0; i < n; i++) {
      chars[i] = s.charAt(i);
    }
    return parse(chars, 0, n);
  }

  /**
   * A plain decimal ({@code 95012.5}, {@code -3}, {@code .5}, {@code 7.}) scaled by 10⁸ exactly, or {@link #INVALID}:
   * for an exponent, a sign other than a leading minus, no digit, a digit below 10⁻⁸ other than a trailing zero, or a
   * magnitude above {@link #MAX}. Reads {@code length} chars from {@code offset}, as Jackson hands out a string's
   * text without copying it.
   */
  public static long parse(char[] chars, int offset, int length) {
    int i = offset;
    int end = offset + length;
    boolean negative = i < end && chars[i] == '-';
    if (negative) {
      i++;
    }
    long whole = 0;
    boolean digits = false;
    for (; i < end && chars[i] != '.'; i++) {
      int d = chars[i] - '0';
      if (d < 0 || d > 9 || whole > MAX / 10) {
        return INVALID;
      }
      whole = whole * 10 + d;
      digits = true;
    }
    long fraction = 0;
    int decimals = 0;
    if (i < end) {
      for (i++; i < end; i++) {
        int d = chars[i] - '0';
        if (d < 0 || d > 9) {
          return INVALID;
        }
        digits = true;
        if (decimals < DECIMALS) {
          fraction = fraction * 10 + d;
          decimals++;
        } else if (d != 0) {
          return INVALID;
        }
      }
    }
    if (!digits || whole > (MAX - fraction * SCALE_OF_DIGITS[decimals]) / BookUpdate.PRICE_SCALE) {
      return INVALID;
    }
    long scaled = whole * BookUpdate.PRICE_SCALE + fraction * SCALE_OF_DIGITS[decimals];
    return negative ? -scaled : scaled;
  }

  /** The plain decimal of a scaled value, without trailing zeros: 10,000,000 is {@code "0.1"}, 5·10⁸ {@code "5"}. */
  public static String format(long scaled) {
    StringBuilder out = new StringBuilder(24);
    if (scaled < 0) {
      out.append('-');
    }
    long abs = Math.abs(scaled);
    out.append(abs / BookUpdate.PRICE_SCALE);
    long fraction = abs % BookUpdate.PRICE_SCALE;
    if (fraction != 0) {
      out.append('.');
      String digits = Long.toString(fraction + BookUpdate.PRICE_SCALE);
      int last = digits.length() - 1;
      while (digits.charAt(last) == '0') {
        last--;
      }
      out.append(digits, 1, last + 1);
    }
    return out.toString();
  }

  /**
   * The double nearest the decimal: below 2⁵³ both the scaled value and 10⁸ are exact doubles, so their quotient is
   * rounded once, as {@code Double.parseDouble} of the decimal text would be.
   */
  public static double toDouble(long scaled) {
    return scaled / (double) BookUpdate.PRICE_SCALE;
  }
}
