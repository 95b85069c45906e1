package dev.tapewatch.market;

/**
 * The bar features of one timeframe (see README, "Market math"). Every field is finite.
 *
 * @param momBps       (close of the current bar / close of the one before − 1)·10⁴; 0 with fewer than 2 bars
 * @param pxVsVwapBps  (last price / VWAP of the last 20 bars − 1)·10⁴; 0 when those bars have no volume
 * @param rvol         current bar volume / mean volume of the up to 20 bars before it; 0 when none or mean 0
 * @param atr          mean of the last up to 14 true ranges; 0 with fewer than 2 bars
 * @param volume       volume of the current bar
 * @param signedVolume taker-buy minus taker-sell volume of the current bar
 */
public record TimeframeFeatures(double momBps, double pxVsVwapBps, double rvol, double atr, double volume,
    double signedVolume) {

  public static final int VWAP_BARS = 20;
  public static final int RVOL_BASELINE_BARS = 20;
  public static final int ATR_PERIOD = 14;
  public static final TimeframeFeatures EMPTY = new TimeframeFeatures(0, 0, 0, 0, 0, 0);

  /** The features of {@code bars} with {@code lastPrice} the price of the latest trade. */
  public static TimeframeFeatures of(BarSeries bars, double lastPrice) {
    int n = bars.size();
    if (n == 0) {
      return EMPTY;
    }
    int cur = n - 1;
    double mom = n < 2 ? 0.0 : (bars.close(cur) / bars.close(cur - 1) - 1) * 1e4;

    double vwap = vwap(bars);
    double pxVsVwap = vwap > 0 ? (lastPrice / vwap - 1) * 1e4 : 0.0;

    int baselineFrom = Math.max(0, cur - RVOL_BASELINE_BARS);
    int baselineBars = cur - baselineFrom;
    double baselineVolume = 0;
    for (int i = baselineFrom; i < cur; i++) {
      baselineVolume += bars.volume(i);
    }
    double meanVolume = baselineBars == 0 ? 0 : baselineVolume / baselineBars;
    double rvol = meanVolume > 0 ? bars.volume(cur) / meanVolume : 0.0;

    double atr = 0.0;
    if (n >= 2) {
      int from = Math.max(1, n - ATR_PERIOD);
      double sum = 0;
      for (int i = from; i < n; i++) {
        double prevClose = bars.close(i - 1);
        double tr = Math.max(bars.high(i) - bars.low(i),
            Math.max(Math.abs(bars.high(i) - prevClose), Math.abs(bars.low(i) - prevClose)));
        sum += tr;
      }
      atr = sum / (n - from);
    }
    return new TimeframeFeatures(finite(mom), finite(pxVsVwap), finite(rvol), finite(atr),
        finite(bars.volume(cur)), finite(bars.signedVolume(cur)));
  }

  /** Σ(price·size) / Σsize over the last {@value #VWAP_BARS} bars, current included; 0 when they have no volume. */
  public static double vwap(BarSeries bars) {
    int n = bars.size();
    double pv = 0;
    double v = 0;
    for (int i = Math.max(0, n - VWAP_BARS); i < n; i++) {
      pv += bars.priceVolume(i);
      v += bars.volume(i);
    }
    return v > 0 ? finite(pv / v) : 0.0;
  }

  /** Last guard of the rule that no NaN or Infinity leaves the service. */
  static double finite(double d) {
    return Double.isFinite(d) ? d : 0.0;
  }
}
