package dev.tapewatch.agents;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.market.Timeframe;
import dev.tapewatch.market.TimeframeFeatures;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** {@code rvol_spike}: rvol_5m ≥ RVOL_SPIKE_MIN; score = rvol_5m; once per symbol per RVOL_COOLDOWN_SEC. */
public final class RvolSpikeAgent extends CooldownAgent {
  public static final String NAME = "rvol_spike";
  private final double minRvol;

  public RvolSpikeAgent(double minRvol, long cooldownSec) {
    super(NAME, cooldownSec);
    this.minRvol = minRvol;
  }

  @Override
  List<Hit> check(AgentInput input) {
    MarketSnapshot m = input.market();
    TimeframeFeatures f5 = m.tf(Timeframe.M5);
    if (f5.rvol() < minRvol) {
      return List.of();
    }
    return List.of(new Hit(NAME, f5.rvol(), new JsonObject()
        .put("rvol", f5.rvol())
        .put("volume_5m", f5.volume())
        .put("best_bid", m.bid())
        .put("best_ask", m.ask())));
  }
}
