package dev.tapewatch.agents;

import dev.tapewatch.config.AgentSettings;
import dev.tapewatch.config.TapewatchConfig;
import java.util.ArrayList;
import java.util.List;

/** Every agent the service runs, built from the configuration, with its period and the flag that switches it off. */
public final class AgentCatalog {

  /** One agent: {@code disabledBy} says which setting turned it off ({@code FEATURE_REVERSAL=false}), or is null. */
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
            a.tsQty()), c.tsIntervalSec(), c.featureBars() ? null : "FEATURE_BARS=false"),
        new Entry(new CvdDivergenceAgent(a.cvdMomMinBps(), a.cooldownSec()), a.cvdIntervalSec(), null),
        new Entry(new NewTrendAgent(a.newTrendMinBps(), a.cooldownSec()), a.newTrendIntervalSec(),
            c.featureNewTrend() ? null : "FEATURE_NEW_TREND=false"),
        new Entry(new ReversalAgent(a.reversalAtrK(), a.reversalRvolMin(), a.cooldownSec()),
            a.reversalIntervalSec(), c.featureReversal() ? null : "FEATURE_REVERSAL=false"),
        new Entry(new LiquidityAgent(a.liqSpreadBps(), a.liqStaleSec(), a.cooldownSec()), a.liqIntervalSec(),
            c.featureLiquidity() ? null : "FEATURE_LIQUIDITY=false"),
        new Entry(new MacroWatchAgent(c.macroWindows(), c.macroWindowMinutes(), c.macroRvolMin()),
            c.macroIntervalSec(), c.macroWindows().isEmpty() ? "MACRO_WINDOWS is empty" : null));
  }

  /** The agent the LLM analyst verticle writes its findings as; it runs on findings, not on a timer. */
  public static final String LLM_ANALYST = "llm_analyst";

  public static List<String> names(TapewatchConfig c) {
    return build(c).stream().map(Entry::name).toList();
  }

  /** Every agent a finding can come from: the timed agents and the LLM analyst. */
  public static List<String> findingAgents(TapewatchConfig c) {
    List<String> all = new ArrayList<>(names(c));
    all.add(LLM_ANALYST);
    return List.copyOf(all);
  }
}
