package dev.tapewatch.market;

import dev.tapewatch.tape.Timeframe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What an agent reads about one symbol in one request: every timeframe's features and VWAP, the legacy signals, the
 * quote, taker signed volume (CVD) over the last 2 and 5 minutes, the closes of the last
 * {@value #RECENT_1M_CLOSES} one-minute bars and the order book's features. Travels as JSON (see {@link #toJson()})
 * so that it can cross a cluster.
 *
 * @param lastTradeMs    time of the latest trade, or null
 * @param lastPrice      price of the latest trade, or null
 * @param cvd2m          taker-buy minus taker-sell size of the trades in the 2 minutes up to the latest trade
 * @param recent1mCloses closes of the last 1m bars, oldest first, current bar last
 * @param book           the book's features, or null while the symbol has no book it can trust
 */
public record MarketSnapshot(String symbol, long asOfMs, Long lastTradeMs, Double lastPrice, Double bid, Double ask,
    Map<Timeframe, TimeframeFeatures> features, Map<Timeframe, Double> vwap, LegacySignals legacy, double cvd2m,
    double cvd5m, List<Double> recent1mCloses, BookFeatures book) {

  public static final int RECENT_1M_CLOSES = 4;

  public TimeframeFeatures tf(Timeframe timeframe) {
    return features.get(timeframe);
  }

  public static MarketSnapshot of(SymbolState s, long nowMs) {
    Map<Timeframe, TimeframeFeatures> features = new EnumMap<>(Timeframe.class);
    Map<Timeframe, Double> vwap = new EnumMap<>(Timeframe.class);
    for (Timeframe tf : Timeframe.values()) {
      features.put(tf, s.features(tf));
      vwap.put(tf, TimeframeFeatures.vwap(s.bars(tf)));
    }
    BarSeries m1 = s.bars(Timeframe.M1);
    List<Double> closes = new ArrayList<>();
    for (int i = Math.max(0, m1.size() - RECENT_1M_CLOSES); i < m1.size(); i++) {
      closes.add(m1.close(i));
    }
    boolean traded = s.hasTrades();
    long t = traded ? s.lastTradeTimeMs() : 0;
    TradeRing ring = s.trades();
    return new MarketSnapshot(s.symbol(), nowMs, traded ? t : null, traded ? s.lastPrice() : null,
        s.quote() == null ? null : s.quote().bid(), s.quote() == null ? null : s.quote().ask(), features, vwap,
        s.legacySignals(), traded ? ring.signedVolumeAfter(t - 120_000) : 0.0,
        traded ? ring.signedVolumeAfter(t - 300_000) : 0.0, closes, s.bookFeatures());
  }

  /**
   * {@code {symbol, as_of_ms, last_trade_ms, last_price, best_bid, best_ask, tf: {1m: {mom_bps, px_vs_vwap_bps,
   * rvol, atr, volume, signed_volume, vwap}, 5m: .., 15m: ..}, legacy: {mom1_bps, mom5_bps, rvol_vs_recent,
   * px_vs_vwap_bps, volume_5m}, cvd_2m, cvd_5m, closes_1m: [..], book: null | {best_bid, best_ask, mid, spread_bps,
   * microprice, imbalance_1, imbalance_5, imbalance_10, depth_bps: {"10": {bid, ask}, "25": .., "50": ..},
   * time_ms}}}.
   */
  public JsonObject toJson() {
    JsonObject tfs = new JsonObject();
    for (Timeframe tf : Timeframe.values()) {
      TimeframeFeatures f = features.get(tf);
      tfs.put(tf.label(), new JsonObject()
          .put("mom_bps", f.momBps())
          .put("px_vs_vwap_bps", f.pxVsVwapBps())
          .put("rvol", f.rvol())
          .put("atr", f.atr())
          .put("volume", f.volume())
          .put("signed_volume", f.signedVolume())
          .put("vwap", vwap.get(tf)));
    }
    return new JsonObject()
        .put("symbol", symbol)
        .put("as_of_ms", asOfMs)
        .put("last_trade_ms", lastTradeMs)
        .put("last_price", lastPrice)
        .put("best_bid", bid)
        .put("best_ask", ask)
        .put("tf", tfs)
        .put("legacy", new JsonObject()
            .put("mom1_bps", legacy.mom1Bps())
            .put("mom5_bps", legacy.mom5Bps())
            .put("rvol_vs_recent", legacy.rvolVsRecent())
            .put("px_vs_vwap_bps", legacy.pxVsVwapBps())
            .put("volume_5m", legacy.volume5m()))
        .put("cvd_2m", cvd2m)
        .put("cvd_5m", cvd5m)
        .put("closes_1m", new JsonArray(new ArrayList<>(recent1mCloses)))
        .put("book", book == null ? null : book.toJson());
  }

  public static MarketSnapshot fromJson(JsonObject j) {
    Map<Timeframe, TimeframeFeatures> features = new EnumMap<>(Timeframe.class);
    Map<Timeframe, Double> vwap = new EnumMap<>(Timeframe.class);
    JsonObject tfs = j.getJsonObject("tf");
    for (Timeframe tf : Timeframe.values()) {
      JsonObject f = tfs.getJsonObject(tf.label());
      features.put(tf, new TimeframeFeatures(f.getDouble("mom_bps"), f.getDouble("px_vs_vwap_bps"),
          f.getDouble("rvol"), f.getDouble("atr"), f.getDouble("volume"), f.getDouble("signed_volume")));
      vwap.put(tf, f.getDouble("vwap"));
    }
    JsonObject l = j.getJsonObject("legacy");
    List<Double> closes = new ArrayList<>();
    j.getJsonArray("closes_1m").forEach(c -> closes.add(((Number) c).doubleValue()));
    return new MarketSnapshot(j.getString("symbol"), j.getLong("as_of_ms"), j.getLong("last_trade_ms"),
        j.getDouble("last_price"), j.getDouble("best_bid"), j.getDouble("best_ask"), features, vwap,
        new LegacySignals(l.getDouble("mom1_bps"), l.getDouble("mom5_bps"), l.getDouble("rvol_vs_recent"),
            l.getDouble("px_vs_vwap_bps"), l.getDouble("volume_5m")),
        j.getDouble("cvd_2m"), j.getDouble("cvd_5m"), closes,
        j.getJsonObject("book") == null ? null : BookFeatures.fromJson(j.getJsonObject("book")));
  }
}
