package dev.tapewatch.config;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration, parsed and validated once at start and handed to the verticles; nothing else reads the
 * environment.
 */
public record TapewatchConfig(
    List<String> symbols,
    int httpPort,
    FeedMode feed,
    double replaySpeed,
    Optional<Long> simSeed,
    int tradesMax,
    URI coinbaseWsUrl,
    URI coinbaseRestUrl,
    int coinbaseHeartbeatTimeoutSec,
    Optional<Secret> databaseUrl,
    AlertSettings alerts,
    LlmSettings llm,
    int tsIntervalSec,
    double tsEntry,
    double tsExit,
    int tsPersist,
    Map<String, Double> tsWeights,
    Map<String, Double> tsMtfWeights,
    boolean featureBars,
    boolean featureNewTrend,
    boolean featureReversal,
    boolean featureLiquidity,
    List<MacroWindow> macroWindows,
    int macroWindowMinutes,
    double macroRvolMin,
    int macroIntervalSec,
    AgentSettings agents,
    int recentFindings,
    Optional<Secret> adminToken,
    int shutdownGraceSec,
    LogSettings logs,
    ClusterSettings cluster) {

  public static final List<String> TS_WEIGHT_KEYS = List.of("mom", "vwap", "rvol", "flow");
  public static final List<String> TS_TIMEFRAME_KEYS = List.of("1m", "5m", "15m");

  /** Reads the process environment over the packaged defaults. */
  public static TapewatchConfig fromEnvironment() {
    return load(System.getenv());
  }

  /** Reads {@code env} over the packaged defaults; throws {@link ConfigException} on the first bad value. */
  public static TapewatchConfig load(Map<String, String> env) {
    ConfigReader r = new ConfigReader(ConfigReader.loadDefaults(), env);
    double tsEntry = r.decimal("TS_ENTRY", 0.0, 1.0);
    double tsExit = r.decimal("TS_EXIT", 0.0, 1.0);
    if (tsExit >= tsEntry) {
      throw new ConfigException("TS_EXIT", ConfigException.quote(r.raw("TS_EXIT")),
          "a number below TS_ENTRY (" + tsEntry + ")");
    }
    ClusterSettings cluster = ClusterSettings.read(r);
    FeedMode feed = FeedMode.parse(r.raw("FEED"));
    if (cluster.enabled() && feed.kind() == FeedMode.Kind.REPLAY) {
      throw new ConfigException("FEED", ConfigException.quote(r.raw("FEED")),
          "sim or coinbase when CLUSTER=true (a replay file belongs to one node)");
    }
    return new TapewatchConfig(
        r.symbols("SYMBOL"),
        r.integer("HTTP_PORT", 0, 65535),
        feed,
        r.decimal("REPLAY_SPEED", 0.0, 1_000_000.0),
        r.optionalLong("SIM_SEED"),
        r.integer("TRADES_MAX", 100, 10_000_000),
        r.uri("COINBASE_WS_URL", List.of("wss", "ws")),
        r.uri("COINBASE_REST_URL", List.of("https", "http")),
        r.integer("COINBASE_HEARTBEAT_TIMEOUT_SEC", 2, 300),
        databaseUrl(r),
        AlertSettings.read(r),
        LlmSettings.read(r),
        r.integer("TS_INTERVAL", 1, 86_400),
        tsEntry,
        tsExit,
        r.integer("TS_PERSIST", 1, 1000),
        r.weights("TS_WEIGHTS", TS_WEIGHT_KEYS),
        normalised(r, "TS_MTF_WEIGHTS", r.weights("TS_MTF_WEIGHTS", TS_TIMEFRAME_KEYS)),
        r.bool("FEATURE_BARS"),
        r.bool("FEATURE_NEW_TREND"),
        r.bool("FEATURE_REVERSAL"),
        r.bool("FEATURE_LIQUIDITY"),
        r.list("MACRO_WINDOWS").stream().map(MacroWindow::parse).toList(),
        r.integer("MACRO_WINDOW_MINUTES", 1, 720),
        r.decimal("MACRO_RVOL_MIN", 0.0, 1_000_000.0),
        r.integer("MACRO_INTERVAL_SEC", 1, 86_400),
        AgentSettings.read(r),
        r.integer("RECENT_FINDINGS", 10, 10_000_000),
        r.optionalSecret("ADMIN_TOKEN"),
        r.integer("SHUTDOWN_GRACE_SEC", 1, 600),
        LogSettings.read(r),
        cluster);
  }

  private static Optional<Secret> databaseUrl(ConfigReader r) {
    Optional<Secret> url = r.optionalSecret("DATABASE_URL");
    url.ifPresent(s -> {
      String v = s.reveal();
      String accepted = "postgres://user:password@host:port/database[?sslmode=disable|require|verify-full], or empty";
      if (!(v.startsWith("postgres://") || v.startsWith("postgresql://"))) {
        throw new ConfigException("DATABASE_URL", "<redacted>", accepted);
      }
      try {
        PgConnectOptions.fromUri(v);
      } catch (RuntimeException e) {
        throw new ConfigException("DATABASE_URL", "<redacted>", accepted);
      }
    });
    return url;
  }

  private static Map<String, Double> normalised(ConfigReader r, String name, Map<String, Double> weights) {
    double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    if (!(sum > 0)) {
      throw new ConfigException(name, ConfigException.quote(r.raw(name)), "weights with a positive sum");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    weights.forEach((k, w) -> out.put(k, w / sum));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The first configured symbol: the default of every {@code ?symbol=} parameter. */
  public String defaultSymbol() {
    return symbols.get(0);
  }
}
