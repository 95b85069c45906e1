package dev.tapewatch.scorecard;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.config.Horizon;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The track record of every (symbol, agent, label, horizon) and of the same over all symbols ({@code "*"}), against
 * what a random entry at every minute of the same symbols and period would have done. Plain and free of I/O: README,
 * "Did it work? The scorecard", defines every field.
 */
public final class Scorecard {
  /** The symbol of the rows pooled over every symbol. */
  public static final String ALL = "*";

  private record Key(String symbol, String agent, String label, String horizon) {
  }

  private Scorecard() {
  }

  /**
   * The rows of {@code samples}: per symbol (sorted), then {@code *}; within each, agents in catalogue order, labels
   * by name, horizons as configured. {@code prices} holds the symbols' minute prices (a symbol missing there gives
   * its rows no baseline); the baseline period of a symbol starts at {@code sinceMs}, or when null at its earliest
   * sample.
   */
  public static JsonArray rows(List<Sample> samples, List<Horizon> horizons, Map<String, MinutePrices> prices,
      Long sinceMs) {
    List<String> agents = AgentCatalog.names();
    List<String> horizonLabels = horizons.stream().map(Horizon::label).toList();
    Comparator<Key> order = Comparator.<Key, Boolean>comparing(k -> k.symbol().equals(ALL))
        .thenComparing(Key::symbol)
        .thenComparing(k -> agents.contains(k.agent()) ? agents.indexOf(k.agent()) : agents.size())
        .thenComparing(Key::agent)
        .thenComparing(Key::label)
        .thenComparing(k -> horizonLabels.indexOf(k.horizon()));
    // Grouped by hash and ordered once at the end: ordering every sample's key on its way in cost more than the
    // statistics. Each group keeps its samples in the order given, so its sums add up alike.
    Map<Key, Group> groups = new HashMap<>();
    // A holder per symbol rather than a boxed time per sample.
    Map<String, long[]> periodStart = new HashMap<>();
    // A finding's samples come one after another, one per horizon: their groups are looked up once per finding.
    Map<String, Integer> horizonAt = new HashMap<>();
    horizonLabels.forEach(h -> horizonAt.put(h, horizonAt.size()));
    Group[] own = new Group[horizonLabels.size()];
    Group[] pooled = new Group[horizonLabels.size()];
    Sample previous = null;
    for (Sample s : samples) {
      if (previous == null || !s.symbol().equals(previous.symbol()) || !s.agent().equals(previous.agent())
          || !s.label().equals(previous.label())) {
        Arrays.fill(own, null);
        Arrays.fill(pooled, null);
      }
      previous = s;
      int h = horizonAt.get(s.horizon());
      if (own[h] == null) {
        own[h] = groups.computeIfAbsent(new Key(s.symbol(), s.agent(), s.label(), s.horizon()), k -> new Group());
        pooled[h] = groups.computeIfAbsent(new Key(ALL, s.agent(), s.label(), s.horizon()), k -> new Group());
      }
      own[h].add(s);
      pooled[h].add(s);
      long[] start = periodStart.computeIfAbsent(s.symbol(), k -> new long[] {Long.MAX_VALUE});
      start[0] = Math.min(start[0], sinceMs != null ? sinceMs : s.tsMs());
    }
    List<Key> keys = new ArrayList<>(groups.keySet());
    keys.sort(order);
    Map<String, Long> horizonMs = new HashMap<>();
    horizons.forEach(h -> horizonMs.put(h.label(), h.millis()));
    Map<String, List<Double>> ticks = new HashMap<>();
    JsonArray rows = new JsonArray();
    for (Key key : keys) {
      Group group = groups.get(key);
      List<Double> base = new ArrayList<>();
      for (String symbol : new TreeSet<>(group.symbols)) {
        MinutePrices p = prices.get(symbol);
        if (p != null) {
          base.addAll(ticks.computeIfAbsent(symbol + " " + key.horizon(),
              k -> p.baseReturns(periodStart.get(symbol)[0], horizonMs.get(key.horizon()))));
        }
      }
      rows.add(row(key, group.samples, base));
    }
    return rows;
  }

  /** The samples of one row, in the order given, and the symbols they come from. */
  private static final class Group {
    private final List<Sample> samples = new ArrayList<>();
    private final Set<String> symbols = new HashSet<>();

    void add(Sample s) {
      samples.add(s);
      symbols.add(s.symbol());
    }
  }

  private static JsonObject row(Key key, List<Sample> group, List<Double> base) {
    // One pass over a group of up to 100,000 samples for all of its sums, each list of values in the samples' order.
    double[] rets = new double[group.size()];
    double[] signed = new double[group.size()];
    double[] directions = new double[group.size()];
    int directed = 0;
    long hits = 0;
    for (int i = 0; i < rets.length; i++) {
      Sample s = group.get(i);
      rets[i] = s.retBps();
      if (Boolean.TRUE.equals(s.hit())) {
        hits++;
      }
      if (s.direction() != 0) {
        signed[directed] = s.direction() * s.retBps();
        directions[directed] = s.direction();
        directed++;
      }
    }
    signed = Arrays.copyOf(signed, directed);
    directions = Arrays.copyOf(directions, directed);
    Double meanSigned = Stats.mean(signed);
    Double meanDirection = Stats.mean(directions);
    Double baseMean = Stats.mean(base.stream().mapToDouble(Double::doubleValue).toArray());
    Double baseHitRate = null;
    if (directed > 0 && !base.isEmpty()) {
      double up = base.stream().filter(b -> b > 0).count() / (double) base.size();
      double down = base.stream().filter(b -> b < 0).count() / (double) base.size();
      baseHitRate = Stats.mean(Arrays.stream(directions).map(d -> d > 0 ? up : down).toArray());
    }
    double[] ci = Stats.wilson(hits, directed);
    return new JsonObject()
        .put("symbol", key.symbol())
        .put("agent", key.agent())
        .put("label", key.label())
        .put("horizon", key.horizon())
        .put("n", group.size())
        .put("hits", hits)
        .put("hit_rate", directed == 0 ? null : (double) hits / directed)
        .put("hit_rate_ci95", ci == null ? null : new JsonArray().add(ci[0]).add(ci[1]))
        .put("mean_ret_bps", Stats.mean(rets))
        .put("mean_signed_ret_bps", meanSigned)
        .put("median_ret_bps", Stats.median(rets))
        .put("base_n", base.size())
        .put("base_hit_rate", baseHitRate)
        .put("base_mean_ret_bps", baseMean)
        .put("edge_bps", meanSigned == null || baseMean == null ? null : meanSigned - meanDirection * baseMean);
  }
}
