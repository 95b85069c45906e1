package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.market.BookFeatures;
import dev.tapewatch.market.LegacySignals;
import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import dev.tapewatch.market.TimeframeFeatures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scripted {@link MarketSnapshot} inputs for the agent tests. A fresh builder is a quiet market: every feature 0,
 * VWAP 100 on every timeframe, last trade at {@link #T0} at price 100, quote 99.99 / 100.01, no CVD, four 1m closes
 * of 100, no book. Each test changes only what its rule reads.
 */
final class Snapshots {
  static final String SYM = "BTC-USD";
  static final String OTHER = "ETH-USD";
  /** A whole second, so that offsets in seconds stay exact. */
  static final long T0 = 1_700_000_000_000L;

  private Snapshots() {
  }

  static Builder snap() {
    return new Builder();
  }

  /** The input of one evaluation at {@code nowMs}, the feed connected. */
  static AgentInput at(MarketSnapshot m, long nowMs) {
    return new AgentInput(m, nowMs, true);
  }

  static AgentInput at(MarketSnapshot m, long nowMs, boolean feedConnected) {
    return new AgentInput(m, nowMs, feedConnected);
  }

  /** The configuration of the packaged defaults, with {@code kv} (name, value, ...) overriding them. */
  static TapewatchConfig config(String... kv) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return TapewatchConfig.load(env);
  }

  /** The agent called {@code name} as {@link AgentCatalog} builds it from the given configuration. */
  static Agent catalogAgent(TapewatchConfig c, String name) {
    return AgentCatalog.build(c.agents()).stream().filter(e -> e.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no agent " + name)).agent();
  }

  /** The agent called {@code name} built from the packaged defaults. */
  static Agent defaultAgent(String name) {
    return catalogAgent(config(), name);
  }

  /** The one finding of {@code findings}, checked to be entirely finite and to carry the expected label. */
  static Finding single(List<Finding> findings, String label) {
    assertEquals(1, findings.size(), "expected exactly one finding, got " + findings);
    Finding f = findings.get(0);
    assertEquals(label, f.label());
    assertAllFinite(f);
    return f;
  }

  /** Score and every number in the details (nested objects and arrays too) are finite. */
  static void assertAllFinite(Finding f) {
    assertTrue(Double.isFinite(f.score()), "score not finite: " + f);
    assertNotNull(f.details(), "details missing: " + f);
    assertFiniteJson(f.details(), f.label());
    // and the finding survives its JSON form
    JsonObject json = f.toJson();
    assertEquals(f.score(), json.getDouble("score"));
  }

  private static void assertFiniteJson(Object value, String where) {
    if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        assertFiniteJson(e.getValue(), where + "." + e.getKey());
      }
    } else if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        assertFiniteJson(a.getValue(i), where + "[" + i + "]");
      }
    } else if (value instanceof Double d) {
      assertTrue(Double.isFinite(d), where + " not finite: " + d);
    } else if (value instanceof Float d) {
      assertTrue(Float.isFinite(d), where + " not finite: " + d);
    } else if (value != null && !(value instanceof Number) && !(value instanceof String)
        && !(value instanceof Boolean)) {
      fail(where + " has an unexpected value type " + value.getClass());
    }
  }

  static final class Builder {
    private String symbol = SYM;
    private long asOfMs = T0;
    private Long lastTradeMs = T0;
    private Double lastPrice = 100.0;
    private Double bid = 99.99;
    private Double ask = 100.01;
    private final Map<Timeframe, TimeframeFeatures> features = new EnumMap<>(Timeframe.class);
    private final Map<Timeframe, Double> vwap = new EnumMap<>(Timeframe.class);
    private double cvd2m;
    private double cvd5m;
    private List<Double> closes = new ArrayList<>(List.of(100.0, 100.0, 100.0, 100.0));
    private BookFeatures book;

    private Builder() {
      for (Timeframe tf : Timeframe.values()) {
        features.put(tf, TimeframeFeatures.EMPTY);
        vwap.put(tf, 100.0);
      }
    }

    Builder symbol(String s) {
      symbol = s;
      return this;
    }

    Builder asOf(long ms) {
      asOfMs = ms;
      return this;
    }

    /** Time of the latest trade; null: never traded (then the last price is null too). */
    Builder lastTrade(Long ms) {
      lastTradeMs = ms;
      if (ms == null) {
        lastPrice = null;
      }
      return this;
    }

    Builder price(Double p) {
      lastPrice = p;
      return this;
    }

    Builder quote(Double b, Double a) {
      bid = b;
      ask = a;
      return this;
    }

    /** All six features of one timeframe: momBps, pxVsVwapBps, rvol, atr, volume, signedVolume. */
    Builder tf(Timeframe tf, double momBps, double pxVsVwapBps, double rvol, double atr, double volume,
        double signedVolume) {
      features.put(tf, new TimeframeFeatures(momBps, pxVsVwapBps, rvol, atr, volume, signedVolume));
      return this;
    }

    Builder mom(Timeframe tf, double momBps) {
      TimeframeFeatures f = features.get(tf);
      return tf(tf, momBps, f.pxVsVwapBps(), f.rvol(), f.atr(), f.volume(), f.signedVolume());
    }

    Builder rvol(Timeframe tf, double rvol) {
      TimeframeFeatures f = features.get(tf);
      return tf(tf, f.momBps(), f.pxVsVwapBps(), rvol, f.atr(), f.volume(), f.signedVolume());
    }

    Builder atr(Timeframe tf, double atr) {
      TimeframeFeatures f = features.get(tf);
      return tf(tf, f.momBps(), f.pxVsVwapBps(), f.rvol(), atr, f.volume(), f.signedVolume());
    }

    Builder volume(Timeframe tf, double volume) {
      TimeframeFeatures f = features.get(tf);
      return tf(tf, f.momBps(), f.pxVsVwapBps(), f.rvol(), f.atr(), volume, f.signedVolume());
    }

    Builder vwap(Timeframe tf, double v) {
      vwap.put(tf, v);
      return this;
    }

    Builder cvd(double twoMin, double fiveMin) {
      cvd2m = twoMin;
      cvd5m = fiveMin;
      return this;
    }

    /** 1m closes, oldest first, current bar last. */
    Builder closes(Double... c) {
      closes = new ArrayList<>(Arrays.asList(c));
      return this;
    }

    /** The book's features; null (the default): no book. */
    Builder book(BookFeatures b) {
      book = b;
      return this;
    }

    MarketSnapshot build() {
      return new MarketSnapshot(symbol, asOfMs, lastTradeMs, lastPrice, bid, ask, new EnumMap<>(features),
          new EnumMap<>(vwap), LegacySignals.EMPTY, cvd2m, cvd5m, List.copyOf(closes), book);
    }
  }
}
