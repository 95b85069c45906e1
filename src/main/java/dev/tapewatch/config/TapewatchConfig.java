package dev.tapewatch.config;

import java.util.List;
import java.util.Map;

/**
 * The whole configuration, parsed and validated once at start and handed to the verticles; nothing else reads the
 * environment. One record per concern, each parsed and checked in its own {@code read}.
 */
public record TapewatchConfig(
    MarketSettings market,
    FeedSettings feed,
    AgentSettings agents,
    StoreSettings store,
    HttpSettings http,
    AlertSettings alerts,
    LlmSettings llm,
    ScorecardSettings scorecard,
    ClusterSettings cluster,
    LogSettings logs) {

  /** Reads the process environment over the packaged defaults. */
  public static TapewatchConfig fromEnvironment() {
    return load(System.getenv());
  }

  /** Reads {@code env} over the packaged defaults; throws {@link ConfigException} on the first bad value. */
  public static TapewatchConfig load(Map<String, String> env) {
    ConfigReader r = new ConfigReader(ConfigReader.loadDefaults(), env);
    ClusterSettings cluster = ClusterSettings.read(r);
    FeedSettings feed = FeedSettings.read(r, cluster.enabled());
    AgentSettings agents = AgentSettings.read(r, feed.mode());
    return new TapewatchConfig(MarketSettings.read(r), feed, agents, StoreSettings.read(r), HttpSettings.read(r),
        AlertSettings.read(r), LlmSettings.read(r), ScorecardSettings.read(r), cluster,
        LogSettings.read(r));
  }

  /**
   * The products watched, in the order configured.
   *
   * @throws IllegalStateException while {@code SYMBOL} has a pattern not yet resolved
   */
  public List<String> symbols() {
    if (market.symbols().isEmpty()) {
      throw new IllegalStateException("SYMBOL " + market.selection().raw() + " is not resolved yet");
    }
    return market.symbols();
  }

  /** The same configuration watching {@code resolved}: a selection with patterns once resolved. */
  public TapewatchConfig withSymbols(List<String> resolved) {
    return new TapewatchConfig(new MarketSettings(market.selection(), List.copyOf(resolved), market.tradesMax(),
        market.bookDepth()), feed, agents, store, http, alerts, llm, scorecard, cluster, logs);
  }

  /** The first configured symbol: the default of every {@code ?symbol=} parameter. */
  public String defaultSymbol() {
    return symbols().get(0);
  }
}
