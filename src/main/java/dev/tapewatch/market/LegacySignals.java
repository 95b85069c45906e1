package dev.tapewatch.market;

/**
 * The seed's trade-based tile signals, computed from the cached trades (see README, "Market math"); t is the time of
 * the latest trade and P its price.
 *
 * @param mom1Bps       (P / price of the last trade at or before t − 60 s − 1)·10⁴; 0 if there is none
 * @param mom5Bps       the same against t − 300 s
 * @param rvolVsRecent  volume after t − 300 s / (cached volume · 300 / max(span_s, 300)); 0 without volume
 * @param pxVsVwapBps   (P / VWAP of all cached trades − 1)·10⁴
 * @param volume5m      volume of the trades after t − 300 s
 */
public record LegacySignals(double mom1Bps, double mom5Bps, double rvolVsRecent, double pxVsVwapBps,
    double volume5m) {

  public static final LegacySignals EMPTY = new LegacySignals(0, 0, 0, 0, 0);
  private static final long RECENT_MS = 300_000;

  public static LegacySignals of(TradeRing ring) {
    int n = ring.size();
    if (n == 0) {
      return EMPTY;
    }
    long t = ring.time(n - 1);
    double p = ring.price(n - 1);
    double totalVolume = ring.sizeFrom(0);
    double totalPriceVolume = ring.priceSizeFrom(0);
    double recentVolume = ring.sizeFrom(ring.lastAtOrBefore(t - RECENT_MS) + 1);
    double spanS = (t - ring.time(0)) / 1000.0;
    double expected = totalVolume * 300.0 / Math.max(spanS, 300.0);
    double rvol = totalVolume > 0 ? recentVolume / expected : 0.0;
    double vwapBps = totalVolume > 0 ? (p / (totalPriceVolume / totalVolume) - 1) * 1e4 : 0.0;
    return new LegacySignals(TimeframeFeatures.finite(momentum(ring, p, t - 60_000)),
        TimeframeFeatures.finite(momentum(ring, p, t - RECENT_MS)), TimeframeFeatures.finite(rvol),
        TimeframeFeatures.finite(vwapBps), TimeframeFeatures.finite(recentVolume));
  }

  private static double momentum(TradeRing ring, double p, long at) {
    int i = ring.lastAtOrBefore(at);
    return i < 0 ? 0.0 : (p / ring.price(i) - 1) * 1e4;
  }
}
