package dev.tapewatch.config;

import java.nio.file.Path;

/** Where market data comes from: {@code sim}, {@code coinbase} or {@code replay:<path>}. */
public record FeedMode(Kind kind, Path replayPath) {
  public enum Kind { SIM, COINBASE, REPLAY }

  static final String ACCEPTED = "one of sim, coinbase, replay:<path to an ndjson or .gz file>";

  public static FeedMode parse(String raw) {
    String v = raw.trim();
    if (v.equals("sim")) {
      return new FeedMode(Kind.SIM, null);
    }
    if (v.equals("coinbase")) {
      return new FeedMode(Kind.COINBASE, null);
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
    return kind == Kind.COINBASE;
  }

  /** The name shown in /health: sim, coinbase or replay. */
  public String label() {
    return kind.name().toLowerCase();
  }
}
