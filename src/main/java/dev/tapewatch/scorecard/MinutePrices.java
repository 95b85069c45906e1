package dev.tapewatch.scorecard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A symbol's price at each minute boundary: the close of the 1-minute bar that ends there. A bar that has not ended
 * by {@code nowMs} gives no price.
 */
public final class MinutePrices {
  static final long MINUTE_MS = 60_000;
  private final TreeMap<Long, Double> closeAt = new TreeMap<>();

  /** From the {@code bars} array of a {@code market.<symbol>.bars} reply of 1m bars ({@code ts_utc} is a bar's start). */
  public static MinutePrices fromBars(JsonArray bars, long nowMs) {
    MinutePrices p = new MinutePrices();
    for (Object o : bars) {
      JsonObject bar = (JsonObject) o;
      long end = Instant.parse(bar.getString("ts_utc")).toEpochMilli() + MINUTE_MS;
      Double close = bar.getDouble("close");
      if (end <= nowMs && close != null && close > 0) {
        p.closeAt.put(end, close);
      }
    }
    return p;
  }

  /** From closes keyed by the minute boundary at which each bar ends. */
  public static MinutePrices of(Map<Long, Double> closes) {
    MinutePrices p = new MinutePrices();
    p.closeAt.putAll(closes);
    return p;
  }

  /** The horizon in whole minutes, rounded down, at least one. */
  static long minutes(long horizonMs) {
    return Math.max(1, horizonMs / MINUTE_MS);
  }

  /**
   * The base returns (price(m + h) / price(m) − 1)·10⁴ of every minute boundary m at or after {@code fromMs} with a
   * price at m and at m + h, h rounded down to whole minutes (at least one).
   */
  public List<Double> baseReturns(long fromMs, long horizonMs) {
    long h = minutes(horizonMs) * MINUTE_MS;
    List<Double> out = new ArrayList<>();
    for (Map.Entry<Long, Double> e : closeAt.tailMap(fromMs, true).entrySet()) {
      Double later = closeAt.get(e.getKey() + h);
      if (later != null) {
        out.add((later / e.getValue() - 1) * 10_000);
      }
    }
    return out;
  }
}
