package dev.tapewatch.config;

import java.util.Locale;

/**
 * Periods (seconds), thresholds, cooldowns and switches of the agents; README's agent rules say how each is used.
 * The trend score, the macro watcher and the book-imbalance agent have settings of their own.
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
    MacroSettings macro,
    BookImbalanceSettings bookImbalance,
    AgentClock clock) {

  /**
   * When agents run: on the wall clock, every interval; or on the tape's clock, at every tape time that is a multiple
   * of the interval, the replay holding later messages back until those runs have finished.
   */
  public enum AgentClock { WALL, TAPE }

  static AgentSettings read(ConfigReader r, FeedMode feed) {
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
        MacroSettings.read(r),
        BookImbalanceSettings.read(r),
        clock(r, feed));
  }

  private static AgentClock clock(ConfigReader r, FeedMode feed) {
    boolean replay = feed.kind() == FeedMode.Kind.REPLAY;
    return switch (r.raw("AGENT_CLOCK").toLowerCase(Locale.ROOT)) {
      case "" -> replay ? AgentClock.TAPE : AgentClock.WALL;
      case "wall" -> AgentClock.WALL;
      case "tape" -> {
        if (!replay) {
          throw new ConfigException("AGENT_CLOCK", ConfigException.quote(r.raw("AGENT_CLOCK")),
              "wall, or tape with FEED=replay:<path> (only a replay has a tape to keep time by)");
        }
        yield AgentClock.TAPE;
      }
      default -> throw new ConfigException("AGENT_CLOCK", ConfigException.quote(r.raw("AGENT_CLOCK")),
          "tape or wall (empty: tape for a replay, wall otherwise)");
    };
  }
}
