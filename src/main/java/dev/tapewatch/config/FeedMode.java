package dev.tapewatch.config;

import java.nio.file.Path;

/** Where market data comes from: {@code sim}, {@code coinbase}, {@code coinbase-advanced} or {@code replay:<path>}. */
public record FeedMode(Kind kind, Path replayPath) {
  public enum Kind {
    SIM("sim"), COINBASE("coinbase"), COINBASE_ADVANCED("coinbase-advanced"), REPLAY("replay");

    private final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  static final String ACCEPTED = "one of sim, coinbase, coinbase-advanced, replay:<path to an ndjson or .gz file>";

  public static FeedMode parse(String raw) {
    String v = raw.trim();
    for (Kind k : Kind.values()) {
      if (k != Kind.REPLAY && v.equals(k.label)) {
        return new FeedMode(k, null);
      }
    }
    if (v.startsWith("replay:") && v.length() > "replay:".length()) {
      return new FeedMode(Kind.REPLAY, Path.of(v.substring("replay:".length())));
    }
    throw new ConfigException("FEED", ConfigException.quote(raw), ACCEPTED);
  }

  /**
   * A live exchange's market, whose closed bars are worth keeping: a simulator makes up a new history at each start
   * and a replay's bars belong to its tape, so splicing stored bars into either would mix two markets.
   */
  public boolean isLive() {
    return kind == Kind.COINBASE || kind == Kind.COINBASE_ADVANCED;
  }

  /** The name shown in /health and in the metrics: sim, coinbase, coinbase-advanced or replay. */
  public String label() {
    return kind.label;
  }
}
