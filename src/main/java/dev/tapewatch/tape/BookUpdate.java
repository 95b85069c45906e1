package dev.tapewatch.tape;

/**
 * Level-2 changes of one product from one feed message. A snapshot replaces the whole book; an update sets each
 * listed level's quantity, and a quantity of 0 removes the level. Prices are exact: decimal strings scaled by
 * {@link #PRICE_SCALE} into longs, so a level's key never passes through a double. Sides are parallel arrays
 * (price i goes with size i) because a snapshot can hold tens of thousands of levels.
 */
public record BookUpdate(String symbol, long timeMs, boolean snapshot,
                         long[] bidPrices, double[] bidSizes, long[] askPrices, double[] askSizes) {
  /** Prices are held in units of 1e-8, the finest increment Coinbase quotes. */
  public static final long PRICE_SCALE = 100_000_000L;
  /** The arrays of a {@link #lost} notice, told apart by identity: no feed message can produce them. */
  private static final long[] NO_PRICES = new long[0];
  private static final double[] NO_SIZES = new double[0];

  /**
   * Not a change but a notice: the feed lost messages that may have changed this product's book, and has asked for
   * a fresh snapshot. Until it comes the book is not to be served.
   */
  public static BookUpdate lost(String symbol, long timeMs) {
    return new BookUpdate(symbol, timeMs, false, NO_PRICES, NO_SIZES, NO_PRICES, NO_SIZES);
  }

  public boolean isLost() {
    return bidPrices == NO_PRICES;
  }
}
