package dev.tapewatch.agents;

import dev.tapewatch.config.AgentSettings;
import dev.tapewatch.config.AlertSettings;
import dev.tapewatch.config.BookImbalanceSettings;
import dev.tapewatch.config.ConfigException;
import dev.tapewatch.config.MacroSettings;
import dev.tapewatch.config.TrendSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every agent the service knows: their descriptors (the one list that surfaces read to learn names, labels and what
 * each label means) and the timed agents built from the configuration, each with its period and the setting that
 * switched it off.
 */
public final class AgentCatalog {

  /** Every agent a finding can come from: the timed agents in catalogue order, then the LLM analyst. */
  public static final List<AgentDescriptor> DESCRIPTORS = List.of(RvolSpikeAgent.DESCRIPTOR,
      TrendScoreAgent.DESCRIPTOR, CvdDivergenceAgent.DESCRIPTOR, NewTrendAgent.DESCRIPTOR, ReversalAgent.DESCRIPTOR,
      LiquidityAgent.DESCRIPTOR, MacroWatchAgent.DESCRIPTOR, BookImbalanceAgent.DESCRIPTOR,
      LlmAnalystAgent.DESCRIPTOR);

  /**
   * Each agent's labels by name, the first of a name as {@link #descriptor} and {@link AgentDescriptor#label} find
   * it: looked up for every one of the 100,000 findings a scorecard reads. Never changed after it is built, so that
   * any thread may read it; a null agent or label finds nothing, as in the descriptors.
   */
  private static final Map<String, Map<String, LabelSpec>> LABELS = labels();

  private static Map<String, Map<String, LabelSpec>> labels() {
    Map<String, Map<String, LabelSpec>> byAgent = new HashMap<>();
    for (AgentDescriptor d : DESCRIPTORS) {
      if (!byAgent.containsKey(d.name())) {
        Map<String, LabelSpec> byLabel = new HashMap<>();
        d.labels().forEach(l -> byLabel.putIfAbsent(l.label(), l));
        byAgent.put(d.name(), byLabel);
      }
    }
    return byAgent;
  }

  /** One timed agent: {@code disabledBy} says which setting turned it off ({@code FEATURE_REVERSAL=false}), or null. */
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

  public static List<Entry> build(AgentSettings a) {
    TrendSettings t = a.trend();
    MacroSettings m = a.macro();
    BookImbalanceSettings b = a.bookImbalance();
    return List.of(
        new Entry(new RvolSpikeAgent(a.rvolSpikeMin(), a.rvolCooldownSec()), a.rvolIntervalSec(), null),
        entry(new TrendScoreAgent(t.weights(), t.timeframeWeights(), t.entry(), t.exit(), t.persist(), t.qty()),
            t.intervalSec(), t.enabled()),
        new Entry(new CvdDivergenceAgent(a.cvdMomMinBps(), a.cooldownSec()), a.cvdIntervalSec(), null),
        entry(new NewTrendAgent(a.newTrendMinBps(), a.cooldownSec()), a.newTrendIntervalSec(), a.newTrendEnabled()),
        entry(new ReversalAgent(a.reversalAtrK(), a.reversalRvolMin(), a.cooldownSec()), a.reversalIntervalSec(),
            a.reversalEnabled()),
        entry(new LiquidityAgent(a.liqSpreadBps(), a.liqStaleSec(), a.cooldownSec()), a.liqIntervalSec(),
            a.liquidityEnabled()),
        new Entry(new MacroWatchAgent(m.windows(), m.windowMinutes(), m.rvolMin()), m.intervalSec(),
            m.windows().isEmpty() ? MacroWatchAgent.DESCRIPTOR.switchSetting() + " is empty" : null),
        entry(new BookImbalanceAgent(b.intervalSec(), b.levels(), b.threshold(), b.persistSec(), b.maxSpreadBps(),
            b.cooldownSec()), b.intervalSec(), b.enabled()));
  }

  private static Entry entry(Agent agent, int intervalSec, boolean switchedOn) {
    return new Entry(agent, intervalSec, switchedOn ? null : agent.descriptor().switchSetting() + "=false");
  }

  /** The names of the timed agents, in catalogue order: what run-now accepts. */
  public static List<String> timedNames() {
    return DESCRIPTORS.stream().filter(d -> !d.needsLlm()).map(AgentDescriptor::name).toList();
  }

  /** Every agent a finding can come from. */
  public static List<String> names() {
    return DESCRIPTORS.stream().map(AgentDescriptor::name).toList();
  }

  public static Optional<AgentDescriptor> descriptor(String agent) {
    return DESCRIPTORS.stream().filter(d -> d.name().equals(agent)).findFirst();
  }

  /** What a finding's label means; empty for an agent or label no agent declares. */
  public static Optional<LabelSpec> label(String agent, String label) {
    return Optional.ofNullable(LABELS.getOrDefault(agent, Map.of()).get(label));
  }

  /** The side a finding of this agent and label calls for its score; 0 for a label no agent declares. */
  public static int direction(String agent, String label, double score) {
    return label(agent, label).map(l -> l.direction().of(score)).orElse(0);
  }

  /**
   * The floor of each agent's signals for an alert: its descriptor's default, overridden by ALERT_MIN_SCORES, whose
   * keys must be agents that have a floor.
   *
   * @throws ConfigException naming ALERT_MIN_SCORES when it names another agent
   */
  public static Map<String, Double> alertMinScores(AlertSettings alerts) {
    Map<String, Double> overrides = alerts.minScoreOverrides();
    Map<String, Double> floors = new LinkedHashMap<>();
    DESCRIPTORS.stream().filter(d -> d.alertMinScore() != null)
        .forEach(d -> floors.put(d.name(), d.alertMinScore()));
    for (Map.Entry<String, Double> o : overrides.entrySet()) {
      if (!floors.containsKey(o.getKey())) {
        throw new ConfigException("ALERT_MIN_SCORES", ConfigException.quote(alerts.minScoresSpec()),
            "comma list of key=<number ≥ 0> with keys from " + String.join(",", floors.keySet())
                + ", each at most once");
      }
      floors.put(o.getKey(), o.getValue());
    }
    return Map.copyOf(floors);
  }
}
