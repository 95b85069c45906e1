package dev.tapewatch.agents;

import dev.tapewatch.config.AgentSettings;
import dev.tapewatch.config.TapewatchConfig;
import java.util.List;

/** Every agent the service runs, built from the configuration, with its period and the flag that switches it off. */
public final class AgentCatalog {

  /** One agent: {@code disabledBy} names the feature flag that turned it off, or is null. */
  public record Entry(Agent agent, int intervalSec, String disabledBy) {
    public String name() {
      return agent.name();
    }

    public boolean enabled() {
      return disabledBy == null;
    }
  }

  private AgentCatalog() {
  }

  public static List<Entry> build(TapewatchConfig c) {
    AgentSettings a = c.agents();
    return List.of(
        new Entry(new RvolSpikeAgent(a.rvolSpikeMin(), a.rvolCooldownSec()), a.rvolIntervalSec(), null),
        new Entry(new TrendScoreAgent(c.tsWeights(), c.tsMtfWeights(), c.tsEntry(), c.tsExit(), c.tsPersist(),
            a.tsQty()), c.tsIntervalSec(), c.featureBars() ? null : "FEATURE_BARS"),
        new Entry(new CvdDivergenceAgent(a.cvdMomMinBps(), a.cooldownSec()), a.cvdIntervalSec(), null),
        new Entry(new NewTrendAgent(a.newTrendMinBps(), a.cooldownSec()), a.newTrendIntervalSec(),
            c.featureNewTrend() ? null : "FEATURE_NEW_TREND"),
        new Entry(new ReversalAgent(a.reversalAtrK(), a.reversalRvolMin(), a.cooldownSec()),
            a.reversalIntervalSec(), c.featureReversal() ? null : "FEATURE_REVERSAL"),
        new Entry(new LiquidityAgent(a.liqSpreadBps(), a.liqStaleSec(), a.cooldownSec()), a.liqIntervalSec(),
            c.featureLiquidity() ? null : "FEATURE_LIQUIDITY"));
  }

  public static List<String> names(TapewatchConfig c) {
    return build(c).stream().map(Entry::name).toList();
  }
}
