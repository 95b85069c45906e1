package dev.tapewatch.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trend score and its posture: on ({@code FEATURE_BARS}), its period, the entry and exit thresholds on p_up with
 * the runs needed to change posture, the feature and timeframe weights (the latter normalised to sum 1), and the
 * quantity written to position_state on entry.
 */
public record TrendSettings(
    boolean enabled,
    int intervalSec,
    double entry,
    double exit,
    int persist,
    Map<String, Double> weights,
    Map<String, Double> timeframeWeights,
    double qty) {

  static final List<String> WEIGHT_KEYS = List.of("mom", "vwap", "rvol", "flow");
  static final List<String> TIMEFRAME_KEYS = List.of("1m", "5m", "15m");

  static TrendSettings read(ConfigReader r) {
    double entry = r.decimal("TS_ENTRY", 0.0, 1.0);
    double exit = r.decimal("TS_EXIT", 0.0, 1.0);
    if (exit >= entry) {
      throw new ConfigException("TS_EXIT", ConfigException.quote(r.raw("TS_EXIT")),
          "a number below TS_ENTRY (" + entry + ")");
    }
    return new TrendSettings(
        r.bool("FEATURE_BARS"),
        r.integer("TS_INTERVAL", 1, 86_400),
        entry,
        exit,
        r.integer("TS_PERSIST", 1, 1000),
        r.weights("TS_WEIGHTS", WEIGHT_KEYS),
        normalised(r, "TS_MTF_WEIGHTS", r.weights("TS_MTF_WEIGHTS", TIMEFRAME_KEYS)),
        r.decimal("TS_QTY", 0.0, 1_000_000_000.0));
  }

  private static Map<String, Double> normalised(ConfigReader r, String name, Map<String, Double> weights) {
    double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    if (!(sum > 0)) {
      throw new ConfigException(name, ConfigException.quote(r.raw(name)), "weights with a positive sum");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    weights.forEach((k, w) -> out.put(k, w / sum));
    return Collections.unmodifiableMap(out);
  }
}
