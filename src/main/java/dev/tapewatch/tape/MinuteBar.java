package dev.tapewatch.tape;

import io.vertx.core.json.JsonObject;

/**
 * A closed one-minute bar of one symbol as kept by the store, with everything a restarted node needs to rebuild
 * its baselines exactly: Σprice·size for the VWAP, the signed (taker buy minus sell) volume, the trade count and
 * the times of the first and last trade. On the bus as {@link #toJson()}.
 */
public record MinuteBar(String symbol, long startMs, double open, double high, double low, double close,
                        double volume, double priceVolume, double signedVolume, int trades, long firstMs,
                        long lastMs) {

  public JsonObject toJson() {
    return new JsonObject().put("symbol", symbol).put("start_ms", startMs).put("open", open).put("high", high)
        .put("low", low).put("close", close).put("volume", volume).put("price_volume", priceVolume)
        .put("signed_volume", signedVolume).put("trades", trades).put("first_ms", firstMs).put("last_ms", lastMs);
  }

  public static MinuteBar fromJson(JsonObject j) {
    return new MinuteBar(j.getString("symbol"), j.getLong("start_ms"), j.getDouble("open"), j.getDouble("high"),
        j.getDouble("low"), j.getDouble("close"), j.getDouble("volume"), j.getDouble("price_volume"),
        j.getDouble("signed_volume"), j.getInteger("trades"), j.getLong("first_ms"), j.getLong("last_ms"));
  }
}
