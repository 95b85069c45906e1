package dev.tapewatch.agents;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import dev.tapewatch.agents.LabelSpec.Direction;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code cvd_divergence}: taker signed volume of the last 2 minutes and of the last 5 minutes have opposite signs
 * while |mom_bps_5m| &gt; CVD_MOM_MIN_BPS. The label follows the recent (2-minute) flow: {@code cvd_divergence_up}
 * when buyers took over, {@code _down} when sellers did; score = |mom_bps_5m|, the move the flow is turning against.
 */
public final class CvdDivergenceAgent extends CooldownAgent {
  public static final AgentDescriptor DESCRIPTOR = new AgentDescriptor("cvd_divergence",
      "2-minute taker flow turning against the 5-minute move", List.of(
          LabelSpec.signal("cvd_divergence_up", Direction.UP, "2-min taker flow buying against the 5-min move"),
          LabelSpec.signal("cvd_divergence_down", Direction.DOWN,
              "2-min taker flow selling against the 5-min move")),
      "CVD_INTERVAL_SEC", null, 10.0, false, false);
  private final double minMomBps;

  public CvdDivergenceAgent(double minMomBps, long cooldownSec) {
    super(DESCRIPTOR, cooldownSec);
    this.minMomBps = minMomBps;
  }

  @Override
  List<Hit> check(AgentInput input) {
    MarketSnapshot m = input.market();
    double mom5 = m.tf(Timeframe.M5).momBps();
    if (Math.abs(mom5) <= minMomBps || Math.signum(m.cvd2m()) * Math.signum(m.cvd5m()) >= 0) {
      return List.of();
    }
    String label = DESCRIPTOR.labels().get(m.cvd2m() > 0 ? 0 : 1).label();
    return List.of(new Hit(label, Math.abs(mom5), new JsonObject()
        .put("cvd_2m", m.cvd2m())
        .put("cvd_5m", m.cvd5m())
        .put("mom_bps_5m", mom5)));
  }
}
