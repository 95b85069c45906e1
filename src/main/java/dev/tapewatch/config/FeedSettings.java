package dev.tapewatch.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where market data comes from and how it is fetched: the mode ({@code FEED}), the replay pace, the simulator's seed,
 * the Coinbase Exchange and Advanced Trade endpoints with the heartbeat timeout of the websocket and the optional CDP
 * API key of Advanced Trade, how far a trade's time and id may run ahead of its product's before the trade is held
 * back as a possible bad print, and where the live feed records its raw messages ({@code RECORD_DIR}, empty when it
 * does not).
 */
public record FeedSettings(
    FeedMode mode,
    double replaySpeed,
    Optional<Long> simSeed,
    URI coinbaseWsUrl,
    URI coinbaseRestUrl,
    URI coinbaseAdvancedWsUrl,
    URI coinbaseAdvancedRestUrl,
    Optional<CdpKey> cdpKey,
    int coinbaseHeartbeatTimeoutSec,
    int maxClockSkewSec,
    int maxTradeIdJump,
    Optional<Path> recordDir) {

  /** {@code clustered}: a replay file belongs to one node, so cluster mode refuses it. */
  static FeedSettings read(ConfigReader r, boolean clustered) {
    FeedMode mode = FeedMode.parse(r.raw("FEED"));
    if (clustered && mode.kind() == FeedMode.Kind.REPLAY) {
      throw new ConfigException("FEED", ConfigException.quote(r.raw("FEED")),
          "sim, coinbase or coinbase-advanced when CLUSTER=true (a replay file belongs to one node)");
    }
    if (mode.kind() == FeedMode.Kind.REPLAY) {
      unreadable(mode.replayPath()).ifPresent(why -> {
        throw new ConfigException("FEED", ConfigException.quote(r.raw("FEED")),
            "replay:<path> of a readable ndjson or .gz file (" + why + ")");
      });
    }
    return new FeedSettings(
        mode,
        r.decimal("REPLAY_SPEED", 0.0, 1_000_000.0),
        r.optionalLong("SIM_SEED"),
        r.uri("COINBASE_WS_URL", List.of("wss", "ws")),
        r.uri("COINBASE_REST_URL", List.of("https", "http")),
        r.uri("COINBASE_ADVANCED_WS_URL", List.of("wss", "ws")),
        r.uri("COINBASE_ADVANCED_REST_URL", List.of("https", "http")),
        CdpKey.read(r),
        r.integer("COINBASE_HEARTBEAT_TIMEOUT_SEC", 2, 300),
        r.integer("MAX_CLOCK_SKEW_SEC", 1, 86_400),
        r.integer("MAX_TRADE_ID_JUMP", 1, 1_000_000_000),
        recordDir(r.raw("RECORD_DIR")));
  }

  /** Checked at start so a recording that could never be written stops the service rather than drops every hour. */
  private static Optional<Path> recordDir(String raw) {
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    Path dir = Path.of(raw);
    String why = !Files.exists(dir) ? "no such directory"
        : !Files.isDirectory(dir) ? "not a directory"
        : !Files.isWritable(dir) ? "not writable"
        : null;
    if (why != null) {
      throw new ConfigException("RECORD_DIR", ConfigException.quote(raw), "a writable directory, or empty (" + why
          + ")");
    }
    return Optional.of(dir);
  }

  /** Why a replay could not read {@code path}, checked before anything starts; empty when it can. */
  private static Optional<String> unreadable(Path path) {
    if (Files.isDirectory(path)) {
      return Optional.of("a directory");
    }
    if (!Files.exists(path)) {
      return Optional.of("no such file");
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      return Optional.of("not a readable file");
    }
    return Optional.empty();
  }
}
