package dev.tapewatch.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where market data comes from and how it is fetched: the mode ({@code FEED}), the replay pace, the simulator's seed,
 * the Coinbase Exchange endpoints with the heartbeat timeout of the websocket, and how far a trade's time and id may
 * run ahead of its product's before the trade is held back as a possible bad print.
 */
public record FeedSettings(
    FeedMode mode,
    double replaySpeed,
    Optional<Long> simSeed,
    URI coinbaseWsUrl,
    URI coinbaseRestUrl,
    int coinbaseHeartbeatTimeoutSec,
    int maxClockSkewSec,
    int maxTradeIdJump) {

  static FeedSettings read(ConfigReader r) {
    return new FeedSettings(
        FeedMode.parse(r.raw("FEED")),
        r.decimal("REPLAY_SPEED", 0.0, 1_000_000.0),
        r.optionalLong("SIM_SEED"),
        r.uri("COINBASE_WS_URL", List.of("wss", "ws")),
        r.uri("COINBASE_REST_URL", List.of("https", "http")),
        r.integer("COINBASE_HEARTBEAT_TIMEOUT_SEC", 2, 300),
        r.integer("MAX_CLOCK_SKEW_SEC", 1, 86_400),
        r.integer("MAX_TRADE_ID_JUMP", 1, 1_000_000_000));
  }
}
