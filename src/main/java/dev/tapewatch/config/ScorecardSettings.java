package dev.tapewatch.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How findings are judged: the forward horizons of their outcomes ({@code OUTCOME_HORIZONS}), shortest first, and
 * how often the scorecard gauges are refreshed ({@code SCORECARD_METRICS_SEC}).
 */
public record ScorecardSettings(List<Horizon> horizons, int metricsSec) {

  static ScorecardSettings read(ConfigReader r) {
    String accepted = "a comma list of distinct horizons <n>s, <n>m or <n>h, like 1m,5m,15m,60m";
    List<Horizon> out = new ArrayList<>();
    for (String part : r.raw("OUTCOME_HORIZONS").split(",", -1)) {
      Horizon h = Horizon.parse(part.trim());
      if (h == null || out.stream().anyMatch(o -> o.millis() == h.millis() || o.label().equals(h.label()))) {
        throw new ConfigException("OUTCOME_HORIZONS", ConfigException.quote(r.raw("OUTCOME_HORIZONS")), accepted);
      }
      out.add(h);
    }
    out.sort(Comparator.comparingLong(Horizon::millis));
    return new ScorecardSettings(List.copyOf(out), r.integer("SCORECARD_METRICS_SEC", 1, 86_400));
  }
}
