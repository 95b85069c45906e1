package dev.tapewatch.agents;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import dev.tapewatch.market.TimeframeFeatures;
import dev.tapewatch.agents.LabelSpec.Direction;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** {@code rvol_spike}: rvol_5m ≥ RVOL_SPIKE_MIN; score = rvol_5m; once per symbol per RVOL_COOLDOWN_SEC. */
public final class RvolSpikeAgent extends CooldownAgent {
  private static final String NAME = "rvol_spike";
  public static final AgentDescriptor DESCRIPTOR = new AgentDescriptor(NAME,
      "5m volume far above its recent average", List.of(LabelSpec.signal(NAME, Direction.NONE,
          "rvol_5m at or above RVOL_SPIKE_MIN; score = rvol_5m",
          (score, d) -> "5m volume " + LabelSpec.number(LabelSpec.field(d, "rvol") == null ? score
              : LabelSpec.field(d, "rvol")) + "× its recent average")),
      "RVOL_INTERVAL_SEC", null, 3.0, false, false);
  private final double minRvol;

  public RvolSpikeAgent(double minRvol, long cooldownSec) {
    super(DESCRIPTOR, cooldownSec);
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
