package dev.tapewatch.config;

/**
 * Periods (seconds), thresholds, cooldowns and switches of the agents; README's agent rules say how each is used.
 * The trend score and the macro watcher have settings of their own.
 */
public record AgentSettings(
    int cooldownSec,
    int rvolIntervalSec,
    double rvolSpikeMin,
    int rvolCooldownSec,
    int cvdIntervalSec,
    double cvdMomMinBps,
    boolean newTrendEnabled,
    int newTrendIntervalSec,
    double newTrendMinBps,
    boolean reversalEnabled,
    int reversalIntervalSec,
    double reversalAtrK,
    double reversalRvolMin,
    boolean liquidityEnabled,
    int liqIntervalSec,
    double liqSpreadBps,
    int liqStaleSec,
    TrendSettings trend,
    MacroSettings macro) {

  static AgentSettings read(ConfigReader r) {
    TrendSettings trend = TrendSettings.read(r);
    return new AgentSettings(
        r.integer("AGENT_COOLDOWN_SEC", 0, 86_400),
        r.integer("RVOL_INTERVAL_SEC", 1, 86_400),
        r.decimal("RVOL_SPIKE_MIN", 0.0, 1_000_000.0),
        r.integer("RVOL_COOLDOWN_SEC", 0, 86_400),
        r.integer("CVD_INTERVAL_SEC", 1, 86_400),
        r.decimal("CVD_MOM_MIN_BPS", 0.0, 100_000.0),
        r.bool("FEATURE_NEW_TREND"),
        r.integer("NEW_TREND_INTERVAL_SEC", 1, 86_400),
        r.decimal("NEW_TREND_MIN_BPS", 0.0, 100_000.0),
        r.bool("FEATURE_REVERSAL"),
        r.integer("REVERSAL_INTERVAL_SEC", 1, 86_400),
        r.decimal("REVERSAL_ATR_K", 0.0, 1000.0),
        r.decimal("REVERSAL_RVOL_MIN", 0.0, 1_000_000.0),
        r.bool("FEATURE_LIQUIDITY"),
        r.integer("LIQ_INTERVAL_SEC", 1, 86_400),
        r.decimal("LIQ_SPREAD_BPS", 0.0, 100_000.0),
        r.integer("LIQ_STALE_SEC", 1, 86_400),
        trend,
        MacroSettings.read(r));
  }
}
