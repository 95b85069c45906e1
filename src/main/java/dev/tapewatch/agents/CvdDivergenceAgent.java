package dev.tapewatch.agents;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.market.Timeframe;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code cvd_divergence}: taker signed volume of the last 2 minutes and of the last 5 minutes have opposite signs
 * while |mom_bps_5m| &gt; CVD_MOM_MIN_BPS. The label follows the recent (2-minute) flow: {@code cvd_divergence_up}
 * when buyers took over, {@code _down} when sellers did; score = |mom_bps_5m|, the move the flow is turning against.
 */
public final class CvdDivergenceAgent extends CooldownAgent {
  public static final String NAME = "cvd_divergence";
  private final double minMomBps;

  public CvdDivergenceAgent(double minMomBps, long cooldownSec) {
    super(NAME, cooldownSec);
    this.minMomBps = minMomBps;
  }

  @Override
  List<Hit> check(AgentInput input) {
    MarketSnapshot m = input.market();
    double mom5 = m.tf(Timeframe.M5).momBps();
    if (Math.abs(mom5) <= minMomBps || Math.signum(m.cvd2m()) * Math.signum(m.cvd5m()) >= 0) {
      return List.of();
    }
    String label = m.cvd2m() > 0 ? "cvd_divergence_up" : "cvd_divergence_down";
    return List.of(new Hit(label, Math.abs(mom5), new JsonObject()
        .put("cvd_2m", m.cvd2m())
        .put("cvd_5m", m.cvd5m())
        .put("mom_bps_5m", mom5)));
  }
}
