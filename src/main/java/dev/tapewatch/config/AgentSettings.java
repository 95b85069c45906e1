package dev.tapewatch.config;

/** Periods (seconds), thresholds and cooldowns of the agents; README's agent rules say how each is used. */
public record AgentSettings(
    int cooldownSec,
    int rvolIntervalSec,
    double rvolSpikeMin,
    int rvolCooldownSec,
    double tsQty,
    int cvdIntervalSec,
    double cvdMomMinBps,
    int newTrendIntervalSec,
    double newTrendMinBps,
    int reversalIntervalSec,
    double reversalAtrK,
    double reversalRvolMin,
    int liqIntervalSec,
    double liqSpreadBps,
    int liqStaleSec) {

  static AgentSettings read(ConfigReader r) {
    return new AgentSettings(
        r.integer("AGENT_COOLDOWN_SEC", 0, 86_400),
        r.integer("RVOL_INTERVAL_SEC", 1, 86_400),
        r.decimal("RVOL_SPIKE_MIN", 0.0, 1_000_000.0),
        r.integer("RVOL_COOLDOWN_SEC", 0, 86_400),
        r.decimal("TS_QTY", 0.0, 1_000_000_000.0),
        r.integer("CVD_INTERVAL_SEC", 1, 86_400),
        r.decimal("CVD_MOM_MIN_BPS", 0.0, 100_000.0),
        r.integer("NEW_TREND_INTERVAL_SEC", 1, 86_400),
        r.decimal("NEW_TREND_MIN_BPS", 0.0, 100_000.0),
        r.integer("REVERSAL_INTERVAL_SEC", 1, 86_400),
        r.decimal("REVERSAL_ATR_K", 0.0, 1000.0),
        r.decimal("REVERSAL_RVOL_MIN", 0.0, 1_000_000.0),
        r.integer("LIQ_INTERVAL_SEC", 1, 86_400),
        r.decimal("LIQ_SPREAD_BPS", 0.0, 100_000.0),
        r.integer("LIQ_STALE_SEC", 1, 86_400));
  }
}
