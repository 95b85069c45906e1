package dev.tapewatch.agents;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.json.JsonArray;
import dev.tapewatch.agents.LabelSpec.Direction;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code new_trend}: mom_bps_5m and mom_bps_15m have the same sign, |mom_bps_15m| ≥ NEW_TREND_MIN_BPS, and price
 * crossed the 15m VWAP within the last 3 one-minute bars in that direction: the last price is beyond the VWAP and at
 * least one of the three previous 1m closes was on the other side (or on it). Score = |mom_bps_15m| / ATR_15m in bps
 * (0 while the ATR is 0).
 */
public final class NewTrendAgent extends CooldownAgent {
  public static final AgentDescriptor DESCRIPTOR = new AgentDescriptor("new_trend",
      "price crossing the 15m VWAP with 5m and 15m momentum behind it", List.of(
          LabelSpec.signal("new_trend_up", Direction.UP,
              "price broke above the 15m VWAP with 5m and 15m momentum up"),
          LabelSpec.signal("new_trend_down", Direction.DOWN,
              "price broke below the 15m VWAP with 5m and 15m momentum down")),
      "NEW_TREND_INTERVAL_SEC", "FEATURE_NEW_TREND", 1.0, false, false);
  private final double minMomBps;

  public NewTrendAgent(double minMomBps, long cooldownSec) {
    super(DESCRIPTOR, cooldownSec);
    this.minMomBps = minMomBps;
  }

  @Override
  List<Hit> check(AgentInput input) {
    MarketSnapshot m = input.market();
    double mom5 = m.tf(Timeframe.M5).momBps();
    double mom15 = m.tf(Timeframe.M15).momBps();
    double vwap15 = m.vwap().get(Timeframe.M15);
    List<Double> closes = m.recent1mCloses();
    if (m.lastPrice() == null || vwap15 <= 0 || closes.size() < 2 || Math.abs(mom15) < minMomBps
        || Math.signum(mom5) != Math.signum(mom15) || mom15 == 0) {
      return List.of();
    }
    double p = m.lastPrice();
    List<Double> previous = new ArrayList<>(closes.subList(Math.max(0, closes.size() - 4), closes.size() - 1));
    boolean up = mom15 > 0;
    boolean crossed = up
        ? p > vwap15 && previous.stream().anyMatch(c -> c <= vwap15)
        : p < vwap15 && previous.stream().anyMatch(c -> c >= vwap15);
    if (!crossed) {
      return List.of();
    }
    double atrBps = m.tf(Timeframe.M15).atr() / p * 1e4;
    double score = atrBps > 0 ? Math.abs(mom15) / atrBps : 0.0;
    return List.of(new Hit(DESCRIPTOR.labels().get(up ? 0 : 1).label(), score, new JsonObject()
        .put("mom_bps_5m", mom5)
        .put("mom_bps_15m", mom15)
        .put("vwap_15m", vwap15)
        .put("price", p)
        .put("atr_bps_15m", atrBps)
        .put("previous_1m_closes", new JsonArray(new ArrayList<>(previous)))));
  }
}
