package dev.tapewatch.agents;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import dev.tapewatch.market.TimeframeFeatures;
import dev.tapewatch.agents.LabelSpec.Direction;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code reversal}: mom_bps_1m against the sign of mom_bps_15m by more than REVERSAL_ATR_K × the 1m ATR (in bps of
 * the last price), with rvol_1m ≥ REVERSAL_RVOL_MIN. Label {@code reversal_up} when the 1m move is up; score =
 * |mom_bps_1m| / ATR_1m in bps.
 */
public final class ReversalAgent extends CooldownAgent {
  public static final AgentDescriptor DESCRIPTOR = new AgentDescriptor("reversal",
      "a sharp 1m move against the 15m trend on high volume", List.of(
          LabelSpec.signal("reversal_up", Direction.UP, "sharp 1m move up against the 15m trend"),
          LabelSpec.signal("reversal_down", Direction.DOWN, "sharp 1m move down against the 15m trend")),
      "REVERSAL_INTERVAL_SEC", "FEATURE_REVERSAL", 1.0, false, false);
  private final double atrMultiple;
  private final double minRvol;

  public ReversalAgent(double atrMultiple, double minRvol, long cooldownSec) {
    super(DESCRIPTOR, cooldownSec);
    this.atrMultiple = atrMultiple;
    this.minRvol = minRvol;
  }

  @Override
  List<Hit> check(AgentInput input) {
    MarketSnapshot m = input.market();
    TimeframeFeatures f1 = m.tf(Timeframe.M1);
    double mom1 = f1.momBps();
    double mom15 = m.tf(Timeframe.M15).momBps();
    if (m.lastPrice() == null || mom1 == 0 || Math.signum(mom1) == Math.signum(mom15) || mom15 == 0
        || f1.rvol() < minRvol) {
      return List.of();
    }
    double atrBps = f1.atr() / m.lastPrice() * 1e4;
    if (atrBps <= 0 || Math.abs(mom1) <= atrMultiple * atrBps) {
      return List.of();
    }
    return List.of(new Hit(DESCRIPTOR.labels().get(mom1 > 0 ? 0 : 1).label(), Math.abs(mom1) / atrBps, new JsonObject()
        .put("mom_bps_1m", mom1)
        .put("mom_bps_15m", mom15)
        .put("atr_bps_1m", atrBps)
        .put("rvol_1m", f1.rvol())));
  }
}
