package dev.tapewatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TapewatchConfigTest {

  private static TapewatchConfig load(String... kv) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return TapewatchConfig.load(env);
  }

  private static ConfigException rejected(String variable, String value) {
    return assertThrows(ConfigException.class, () -> load(variable, value), variable + "=" + value);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // store

  @Test
  void theStoreIsSqliteByDefaultPostgresWithADatabaseUrlAndMemoryWhenAsked(@TempDir Path dir) {
    TapewatchConfig plain = load("DATA_DIR", dir.resolve("new").toString());
    assertEquals(StoreSettings.Kind.SQLITE, plain.store().kind());
    assertEquals(dir.resolve("new"), plain.store().dataDir());
    assertFalse(Files.exists(dir.resolve("new")), "reading the configuration creates nothing; the store does");
    assertEquals(512L * 1024 * 1024, plain.store().outboxMaxBytes());
    assertEquals(30, plain.store().retentionDays());
    assertEquals(StoreSettings.Kind.POSTGRES, load("DATA_DIR", dir.toString(),
        "DATABASE_URL", "postgres://u@db:5432/tw").store().kind());
    assertEquals(StoreSettings.Kind.MEMORY, load("STORE", "memory", "DATABASE_URL", "postgres://u@db:5432/tw")
        .store().kind());
    assertEquals(StoreSettings.Kind.SQLITE, load("STORE", "SQLite", "DATA_DIR", dir.toString()).store().kind());
  }

  @Test
  void aStoreItCannotUseIsRejectedNamingTheVariable(@TempDir Path dir) throws Exception {
    assertEquals("STORE='disk' is invalid: expected postgres, sqlite, memory or empty (postgres with a DATABASE_URL,"
        + " else sqlite)", rejected("STORE", "disk").getMessage());
    assertEquals("STORE='postgres' is invalid: expected postgres only with a DATABASE_URL",
        rejected("STORE", "postgres").getMessage());
    Path file = Files.writeString(dir.resolve("file"), "x");
    ConfigException underAFile = assertThrows(ConfigException.class, () -> load("DATA_DIR",
        file.resolve("data").toString()));
    assertEquals("DATA_DIR", underAFile.variable());
    assertEquals("DATA_DIR='" + file.resolve("data") + "' is invalid: expected a writable directory (created if"
        + " missing) for the outbox and the embedded store (" + file + " is not a directory)", underAFile.getMessage());
    assertEquals("DATA_DIR", rejected("DATA_DIR", " ").variable());
    assertEquals("OUTBOX_MAX_MB", rejected("OUTBOX_MAX_MB", "0").variable());
    assertEquals("RETENTION_DAYS", rejected("RETENTION_DAYS", "-1").variable());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // defaults

  @Test
  void defaultsLoad() {
    TapewatchConfig c = TapewatchConfig.load(Map.of());
    assertEquals(List.of("BTC-USD", "ETH-USD", "ADA-USD"), c.symbols());
    assertEquals("BTC-USD", c.defaultSymbol());
    assertEquals(8080, c.http().port());
    assertEquals(60, c.http().idleTimeoutSec());
    assertEquals(List.of(), c.http().allowedOrigins());
    assertEquals(256, c.http().maxConnectionsPerIp());
    assertEquals(30, c.http().runNowPerMin());
    assertEquals(FeedMode.Kind.SIM, c.feed().mode().kind());
    assertEquals("sim", c.feed().mode().label());
    assertEquals(50_000, c.market().tradesMax());
    assertEquals(1000, c.market().bookDepth());
    assertEquals(new BookImbalanceSettings(true, 5, 5, 0.6, 15, 10.0, 300), c.agents().bookImbalance());
    assertEquals("wss://ws-feed.exchange.coinbase.com", c.feed().coinbaseWsUrl().toString());
    assertEquals("https://api.exchange.coinbase.com", c.feed().coinbaseRestUrl().toString());
    assertEquals("wss://advanced-trade-ws.coinbase.com", c.feed().coinbaseAdvancedWsUrl().toString());
    assertEquals("https://api.coinbase.com", c.feed().coinbaseAdvancedRestUrl().toString());
    assertEquals(300, c.feed().maxClockSkewSec());
    assertEquals(1_000_000, c.feed().maxTradeIdJump());
    assertTrue(c.feed().simSeed().isEmpty());
    assertTrue(c.store().databaseUrl().isEmpty());
    assertTrue(c.alerts().webhookUrl().isEmpty());
    assertTrue(c.llm().apiKey().isEmpty());
    assertFalse(c.llm().enabled());
    assertTrue(c.agents().trend().exit() < c.agents().trend().entry());
    assertEquals(0.65, c.agents().trend().entry());
    assertEquals(0.35, c.agents().trend().exit());
    assertEquals(List.of(), c.agents().macro().windows());
    assertEquals(List.of("mom", "vwap", "rvol", "flow"), List.copyOf(c.agents().trend().weights().keySet()));
    assertEquals(Map.of("mom", 1.0, "vwap", 0.5, "rvol", 0.25, "flow", 0.5), c.agents().trend().weights());
  }

  @Test
  void defaultMultiTimeframeWeightsAreNormalisedToSumOne() {
    Map<String, Double> w = TapewatchConfig.load(Map.of()).agents().trend().timeframeWeights();
    assertEquals(List.of("1m", "5m", "15m"), List.copyOf(w.keySet()));
    assertEquals(1.0, w.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
    assertEquals(0.25, w.get("1m"), 1e-12);
    assertEquals(0.45, w.get("5m"), 1e-12);
    assertEquals(0.30, w.get("15m"), 1e-12);
  }

  @Test
  void customMultiTimeframeWeightsAreNormalised() {
    Map<String, Double> w = load("TS_MTF_WEIGHTS", "15m=2, 1m=1 ,5m=1").agents().trend().timeframeWeights();
    assertEquals(1.0, w.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
    assertEquals(0.25, w.get("1m"), 1e-12);
    assertEquals(0.25, w.get("5m"), 1e-12);
    assertEquals(0.5, w.get("15m"), 1e-12);
    assertEquals(1.0, load("TS_MTF_WEIGHTS", "1m=0,5m=0,15m=7").agents().trend().timeframeWeights().get("15m"), 1e-12);
  }

  @Test
  void agentClockIsTheTapesForAReplayAndTheWallsOtherwise(@TempDir Path dir) throws Exception {
    Path tape = Files.writeString(dir.resolve("tape.ndjson"), "");
    assertEquals(AgentSettings.AgentClock.WALL, load().agents().clock());
    assertEquals(AgentSettings.AgentClock.WALL, load("FEED", "coinbase").agents().clock());
    assertEquals(AgentSettings.AgentClock.TAPE, load("FEED", "replay:" + tape).agents().clock());
    assertEquals(AgentSettings.AgentClock.WALL, load("FEED", "replay:" + tape, "AGENT_CLOCK", "Wall").agents().clock());
    assertEquals(AgentSettings.AgentClock.TAPE, load("FEED", "replay:" + tape, "AGENT_CLOCK", "tape").agents().clock());
    assertEquals("AGENT_CLOCK='tape' is invalid: expected wall, or tape with FEED=replay:<path> (only a replay has a"
        + " tape to keep time by)", assertThrows(ConfigException.class, () -> load("AGENT_CLOCK", "tape")).getMessage());
    assertEquals("AGENT_CLOCK='exchange' is invalid: expected tape or wall (empty: tape for a replay, wall otherwise)",
        assertThrows(ConfigException.class, () -> load("AGENT_CLOCK", "exchange")).getMessage());
  }

  @Test
  void outcomeHorizons() {
    assertEquals(List.of(new Horizon("1m", 60_000), new Horizon("5m", 300_000), new Horizon("15m", 900_000),
        new Horizon("60m", 3_600_000)), load().scorecard().horizons());
    ScorecardSettings s = load("OUTCOME_HORIZONS", "2h, 30s,90m").scorecard();
    assertEquals(List.of(new Horizon("30s", 30_000), new Horizon("90m", 5_400_000), new Horizon("2h", 7_200_000)),
        s.horizons(), "shortest first");
    for (String bad : List.of("", "1m,", "1x", "0m", "-1m", "1.5m", "1m,1m", "60m,1h", "m")) {
      ConfigException e = assertThrows(ConfigException.class, () -> load("OUTCOME_HORIZONS", bad), bad);
      assertEquals("OUTCOME_HORIZONS='" + bad + "' is invalid: expected a comma list of distinct horizons <n>s, <n>m"
          + " or <n>h, like 1m,5m,15m,60m", e.getMessage());
    }
  }

  @Test
  void aReplayThatCannotBeReadIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    Path unreadable = Files.writeString(dir.resolve("secret.ndjson"), "");
    Files.setPosixFilePermissions(unreadable, java.util.Set.of());
    Map<Path, String> cases = new java.util.LinkedHashMap<>();
    cases.put(dir, "a directory");
    cases.put(dir.resolve("missing.ndjson"), "no such file");
    if (!Files.isReadable(unreadable)) {
      // Root reads any file whatever its permissions: the case only holds for another user.
      cases.put(unreadable, "not a readable file");
    }
    cases.forEach((path, why) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> load("FEED", "replay:" + path));
      assertEquals("FEED", e.variable());
      assertEquals("FEED='replay:" + path + "' is invalid: expected replay:<path> of a readable ndjson or .gz file ("
          + why + ")", e.getMessage());
    });
  }

  @Test
  void aRecordDirMustBeAWritableDirectoryCheckedAtStart(@TempDir Path dir) throws Exception {
    assertEquals(Optional.empty(), load().feed().recordDir(), "off by default");
    assertEquals(Optional.of(dir), load("RECORD_DIR", dir.toString()).feed().recordDir());
    Path file = Files.writeString(dir.resolve("a-file"), "");
    Path readOnly = Files.createDirectory(dir.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, java.util.Set.of(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_EXECUTE));
    Map<Path, String> cases = new java.util.LinkedHashMap<>();
    cases.put(dir.resolve("missing"), "no such directory");
    cases.put(file, "not a directory");
    if (!Files.isWritable(readOnly)) {
      // Root writes anywhere whatever the permissions: the case only holds for another user.
      cases.put(readOnly, "not writable");
    }
    cases.forEach((path, why) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> load("RECORD_DIR", path.toString()));
      assertEquals("RECORD_DIR='" + path + "' is invalid: expected a writable directory, or empty (" + why + ")",
          e.getMessage());
    });
  }

  @Test
  void validOverrides(@TempDir Path dir) throws Exception {
    Path tape = Files.writeString(dir.resolve("coinbase.ndjson.gz"), "");
    TapewatchConfig c = load("SYMBOL", " SKL-USD , BAND-GBP,NMR-EUR ", "HTTP_PORT", "0", "FEED",
        "replay:" + tape, "TRADES_MAX", "100", "SIM_SEED", "-42", "REPLAY_SPEED", "0",
        "FEATURE_BARS", "no", "ALERT_VERBOSE", "TRUE", "LLM_ENABLE", "1", "SLACK_ANALYSIS_ONLY", "on",
        "COINBASE_WS_URL", "ws://localhost:9000/feed", "TS_ENTRY", "0.9", "TS_EXIT", "0.89",
        "MACRO_WINDOWS", "13:30, 2026-12-10T13:30:00Z", "OPENAI_API_KEY", "sk-test", "MAX_CLOCK_SKEW_SEC", "60",
        "MAX_TRADE_ID_JUMP", "5000");
    assertEquals(List.of("SKL-USD", "BAND-GBP", "NMR-EUR"), c.symbols());
    assertEquals(0, c.http().port());
    assertEquals(FeedMode.Kind.REPLAY, c.feed().mode().kind());
    assertEquals(tape, c.feed().mode().replayPath());
    assertEquals(100, c.market().tradesMax());
    assertEquals(-42L, c.feed().simSeed().orElseThrow());
    assertEquals(0.0, c.feed().replaySpeed());
    assertEquals(60, c.feed().maxClockSkewSec());
    assertEquals(5000, c.feed().maxTradeIdJump());
    assertFalse(c.agents().trend().enabled());
    assertTrue(c.alerts().verbose());
    assertTrue(c.llm().enabled());
    assertTrue(c.alerts().analysisOnly());
    assertEquals("ws://localhost:9000/feed", c.feed().coinbaseWsUrl().toString());
    assertEquals(List.of("13:30", "2026-12-10T13:30:00Z"), c.agents().macro().windows().stream().map(MacroWindow::spec).toList());
    assertEquals(13 * 60 + 30, c.agents().macro().windows().get(0).daily());
    assertEquals(FeedMode.Kind.COINBASE, load("FEED", "coinbase").feed().mode().kind());
    TapewatchConfig advanced = load("FEED", " coinbase-advanced ", "COINBASE_ADVANCED_WS_URL", "ws://127.0.0.1:9001",
        "COINBASE_ADVANCED_REST_URL", "http://127.0.0.1:9002/base");
    assertEquals(FeedMode.Kind.COINBASE_ADVANCED, advanced.feed().mode().kind());
    assertEquals("coinbase-advanced", advanced.feed().mode().label());
    assertEquals("ws://127.0.0.1:9001", advanced.feed().coinbaseAdvancedWsUrl().toString());
    assertEquals("http://127.0.0.1:9002/base", advanced.feed().coinbaseAdvancedRestUrl().toString());
    assertEquals(AgentSettings.AgentClock.WALL, advanced.agents().clock());
    assertEquals(FeedMode.Kind.COINBASE_ADVANCED, load("FEED", "coinbase-advanced", "CLUSTER", "true").feed().mode()
        .kind());
  }

  @Test
  void allowedOriginsAreReadAsBrowsersWriteThem() {
    HttpSettings http = load("ALLOWED_ORIGINS", " HTTPS://Ops.Example.com:443 , http://localhost:3000,http://[::1]:80")
        .http();
    assertEquals(List.of("https://ops.example.com", "http://localhost:3000", "http://[::1]"),
        http.allowedOrigins().stream().map(WebOrigin::toString).toList());
    WebOrigin ops = http.allowedOrigins().get(0);
    assertTrue(ops.hosts("OPS.example.com", -1), "no port in Host: the scheme's default");
    assertTrue(ops.hosts("ops.example.com", 443));
    assertFalse(ops.hosts("ops.example.com", 8443));
    assertFalse(ops.hosts("ops.example.com.evil.test", -1));
  }

  @Test
  void unrelatedEnvironmentVariablesAreIgnored() {
    TapewatchConfig c = load("PATH", "/usr/bin", "symbol", "", "HTTP_PORT_X", "nope", "FOO", "bar");
    assertEquals(TapewatchConfig.load(Map.of()), c);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // bad values: one line naming the variable, the value and the accepted form

  static Stream<Arguments> badValues() {
    String integer = "a whole number from ";
    String decimal = "a number from ";
    String symbols = "a comma list of products like BTC-USD,ETH-USD";
    String tsWeights = "comma list of mom=<number ≥ 0>,vwap=<number ≥ 0>,rvol=<number ≥ 0>,flow=<number ≥ 0> "
        + "with each key exactly once";
    String mtfWeights = "comma list of 1m=<number ≥ 0>,5m=<number ≥ 0>,15m=<number ≥ 0> with each key exactly once";
    String feed = "one of sim, coinbase, coinbase-advanced, replay:<path";
    String bool = "true or false";
    String url = "an absolute URL with scheme ";
    List<Arguments> a = new ArrayList<>();
    // numbers: unparsable
    for (String v : List.of("80a", "eighty", "8080.0", "1e3", "0x1F90", "", "8 080", "99999999999")) {
      a.add(Arguments.of("HTTP_PORT", v, integer + "0 to 65535"));
    }
    // numbers: out of range
    for (String v : List.of("65536", "-1", "100000")) {
      a.add(Arguments.of("HTTP_PORT", v, integer + "0 to 65535"));
    }
    a.add(Arguments.of("TRADES_MAX", "99", integer + "100 to 10000000"));
    a.add(Arguments.of("TRADES_MAX", "10000001", integer + "100 to 10000000"));
    a.add(Arguments.of("TRADES_MAX", "fifty thousand", integer + "100 to 10000000"));
    a.add(Arguments.of("COINBASE_HEARTBEAT_TIMEOUT_SEC", "1", integer + "2 to 300"));
    for (String v : List.of("0", "100001", "1k", "")) {
      a.add(Arguments.of("BOOK_DEPTH", v, integer + "1 to 100000"));
    }
    for (String v : List.of("3", "0", "five", "05", " ", "1,5")) {
      a.add(Arguments.of("BOOK_IMB_LEVELS", v, "1, 5 or 10"));
    }
    a.add(Arguments.of("BOOK_IMB_THRESHOLD", "1.5", decimal + "0.0 to 1.0"));
    a.add(Arguments.of("BOOK_IMB_PERSIST_SEC", "-1", integer + "0 to 86400"));
    a.add(Arguments.of("BOOK_IMB_MAX_SPREAD_BPS", "NaN", decimal + "0.0 to 100000.0"));
    a.add(Arguments.of("BOOK_IMB_INTERVAL_SEC", "0", integer + "1 to 86400"));
    a.add(Arguments.of("BOOK_IMB_COOLDOWN_SEC", "5m", integer + "0 to 86400"));
    a.add(Arguments.of("FEATURE_BOOK_IMBALANCE", "maybe", "true or false"));
    for (String v : List.of("0", "-300", "86401", "5m", "300.5", "")) {
      a.add(Arguments.of("MAX_CLOCK_SKEW_SEC", v, integer + "1 to 86400"));
    }
    for (String v : List.of("0", "-1", "1000000001", "1e6", "1,000,000", "9223372036854775807")) {
      a.add(Arguments.of("MAX_TRADE_ID_JUMP", v, integer + "1 to 1000000000"));
    }
    a.add(Arguments.of("TS_PERSIST", "0", integer + "1 to 1000"));
    a.add(Arguments.of("TS_INTERVAL", "15s", integer + "1 to 86400"));
    a.add(Arguments.of("MACRO_WINDOW_MINUTES", "721", integer + "1 to 720"));
    a.add(Arguments.of("LLM_MIN_INTERVAL", "-5", integer + "0 to 86400"));
    a.add(Arguments.of("HTTP_IDLE_TIMEOUT_SEC", "0", integer + "1 to 3600"));
    a.add(Arguments.of("HTTP_IDLE_TIMEOUT_SEC", "60s", integer + "1 to 3600"));
    a.add(Arguments.of("MAX_CONNECTIONS_PER_IP", "0", integer + "1 to 100000"));
    a.add(Arguments.of("MAX_CONNECTIONS_PER_IP", "unlimited", integer + "1 to 100000"));
    a.add(Arguments.of("RUN_NOW_PER_MIN", "0", integer + "1 to 6000"));
    a.add(Arguments.of("RUN_NOW_PER_MIN", "1.5", integer + "1 to 6000"));
    for (String v : List.of("fast", "-1", "NaN", "Infinity", "1e400", "1,5", "")) {
      a.add(Arguments.of("REPLAY_SPEED", v, decimal + "0.0 to 1000000.0"));
    }
    a.add(Arguments.of("LLM_ALERT_MIN_CONF", "1.5", decimal + "0.0 to 1.0"));
    a.add(Arguments.of("LLM_ALERT_MIN_CONF", "70%", decimal + "0.0 to 1.0"));
    a.add(Arguments.of("MACRO_RVOL_MIN", "-0.1", decimal + "0.0 to 1000000.0"));
    a.add(Arguments.of("TS_ENTRY", "2", decimal + "0.0 to 1.0"));
    a.add(Arguments.of("SIM_SEED", "abc", "a whole number, or empty"));
    a.add(Arguments.of("SIM_SEED", "1.5", "a whole number, or empty"));
    // symbols
    for (String v : List.of("", " ", ",", "BTC-USD,", ",BTC-USD", "BTC-USD,,ETH-USD", "btc-usd", "BTC-USD,eth-usd",
        "Btc-Usd", "BTC-USD,BTC-USD", "BTC-USD, ETH-USD ,BTC-USD", "BTCUSD", "BTC_USD", "BTC-USD;ETH-USD",
        "BTC-USD ETH-USD", "BTC-USD-EUR", "-USD", "BTC-", "*", "*-", "**-USD", "*-usd", "*-USD,*-USD", "?-USD",
        "BTC*USD")) {
      a.add(Arguments.of("SYMBOL", v, symbols));
    }
    // weights
    for (String v : List.of("mom=1,vwap=1,rvol=1,flow=1,trend=1", "mom=1,vwap=1,rvol=1,MOM=1",
        "mom=1,vwap=1,rvol=1,mom=1", "mom=1,vwap=1,rvol=1", "", "mom=x,vwap=1,rvol=1,flow=1",
        "mom=-1,vwap=1,rvol=1,flow=1", "mom=NaN,vwap=1,rvol=1,flow=1", "mom=Infinity,vwap=1,rvol=1,flow=1",
        "mom,vwap=1,rvol=1,flow=1", "mom=,vwap=1,rvol=1,flow=1", "mom=1;vwap=1;rvol=1;flow=1",
        "mom=1,vwap=1,rvol=1,flow=1,", "=1,vwap=1,rvol=1,flow=1")) {
      a.add(Arguments.of("TS_WEIGHTS", v, tsWeights));
    }
    for (String v : List.of("1m=1,5m=1", "1m=1,5m=1,15m=1,1h=1", "1m=1,5m=1,5m=1", "1m=1,5m=1,15m=-1",
        "1m=1,5m=1,15m=one")) {
      a.add(Arguments.of("TS_MTF_WEIGHTS", v, mtfWeights));
    }
    a.add(Arguments.of("TS_MTF_WEIGHTS", "1m=0,5m=0,15m=0", "weights with a positive sum"));
    // feed
    for (String v : List.of("bogus", "SIM", "Coinbase", "coinbase-pro", "replay:", "replay: ", "replay", "replay ",
        "")) {
      a.add(Arguments.of("FEED", v, feed));
    }
    // booleans
    for (String v : List.of("maybe", "2", "", "tru", "y", "enabled")) {
      a.add(Arguments.of("FEATURE_BARS", v, bool));
    }
    a.add(Arguments.of("LLM_ENABLE", "nope", bool));
    // URLs
    for (String v : List.of("https://ws-feed.exchange.coinbase.com", "ws-feed.exchange.coinbase.com", "wss://",
        "wss://exa mple.com", "wss:ws-feed.exchange.coinbase.com", "/relative/path", "ftp://x",
        "wss://ws-feed.exchange.coinbase.com:99999", "wss://ws-feed.exchange.coinbase.com:0")) {
      a.add(Arguments.of("COINBASE_WS_URL", v, url));
    }
    for (String v : List.of("wss://api.exchange.coinbase.com", "api.exchange.coinbase.com", "http://")) {
      a.add(Arguments.of("COINBASE_REST_URL", v, url));
    }
    a.add(Arguments.of("COINBASE_REST_URL", "", "a non-empty value"));
    for (String v : List.of("https://advanced-trade-ws.coinbase.com", "advanced-trade-ws.coinbase.com", "")) {
      a.add(Arguments.of("COINBASE_ADVANCED_WS_URL", v, v.isEmpty() ? "a non-empty value" : url));
    }
    for (String v : List.of("wss://api.coinbase.com", "api.coinbase.com")) {
      a.add(Arguments.of("COINBASE_ADVANCED_REST_URL", v, url));
    }
    a.add(Arguments.of("OPENAI_MODEL", "", "a non-empty value"));
    // origins
    for (String v : List.of("*", "null", "ops.example.com", "https://ops.example.com/", "https://ops.example.com/app",
        "https://ops.example.com?x=1", "https://user@ops.example.com", "ftp://ops.example.com", "https://",
        "https://a.example.com,,https://b.example.com", "https://a.example.com;https://b.example.com")) {
      a.add(Arguments.of("ALLOWED_ORIGINS", v, "a comma list of origins like https://ops.example.com"));
    }
    // cluster
    a.add(Arguments.of("CLUSTER", "maybe", bool));
    a.add(Arguments.of("CLUSTER_DISCOVERY", "multicast", "tcp or kubernetes"));
    String members = "a comma list of host names or IP addresses, without ports (the port is CLUSTER_PORT)";
    for (String v : List.of("127.0.0.1:5701-5703", "10.0.0.1:5701", "node a", "a,,b")) {
      a.add(Arguments.of("CLUSTER_MEMBERS", v, members));
    }
    a.add(Arguments.of("CLUSTER_HOST", "", "the host name or IP address of this node"));
    a.add(Arguments.of("CLUSTER_HOST", "my host", "the host name or IP address of this node"));
    a.add(Arguments.of("CLUSTER_NAME", "two words", "1 to 64 letters, digits"));
    a.add(Arguments.of("CLUSTER_PORT", "0", integer + "1 to 65531"));
    a.add(Arguments.of("CLUSTER_PORT", "65532", integer + "1 to 65531"));
    a.add(Arguments.of("CLUSTER_BUS_PORT", "-1", integer + "0 to 65535"));
    a.add(Arguments.of("CLUSTER_FAILURE_TIMEOUT_SEC", "1", integer + "2 to 300"));
    a.add(Arguments.of("CLUSTER_QUORUM", "0", integer + "1 to 100"));
    a.add(Arguments.of("CLUSTER_QUORUM", "majority", integer + "1 to 100"));
    // TS_EXIT must stay below TS_ENTRY (default 0.65)
    a.add(Arguments.of("TS_EXIT", "0.65", "a number below TS_ENTRY (0.65)"));
    a.add(Arguments.of("TS_EXIT", "0.9", "a number below TS_ENTRY (0.65)"));
    return a.stream();
  }

  @ParameterizedTest(name = "[{index}] {0}=''{1}''")
  @MethodSource("badValues")
  void badValueStopsWithOneLineNamingVariableValueAndAcceptedForm(String variable, String value, String form) {
    ConfigException e = rejected(variable, value);
    String m = e.getMessage();
    assertEquals(variable, e.variable(), m);
    assertTrue(m.startsWith(variable + "="), m);
    assertTrue(m.contains(value.trim()), "value shown: " + m);
    assertTrue(m.contains(" is invalid: expected " + form), "accepted form shown: " + m);
    assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
  }

  @Test
  void exitNotBelowEntryIsReportedAgainstExit() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("TS_ENTRY", "0.2"));
    assertEquals("TS_EXIT", e.variable());
    assertEquals("TS_EXIT='0.35' is invalid: expected a number below TS_ENTRY (0.2)", e.getMessage());
  }

  @Test
  void clusterModeIsOffByDefaultAndReadsItsSettings() {
    ClusterSettings off = load().cluster();
    assertFalse(off.enabled());
    assertEquals(new ClusterSettings(true, "desk-7", ClusterSettings.Discovery.TCP, List.of("10.0.0.1", "node-b"),
        "10.0.0.2", 5801, 6000, "", 7, 2), load("CLUSTER", "true", "CLUSTER_NAME", "desk-7", "CLUSTER_MEMBERS",
        "10.0.0.1, node-b", "CLUSTER_HOST", "10.0.0.2", "CLUSTER_PORT", "5801", "CLUSTER_BUS_PORT", "6000",
        "CLUSTER_FAILURE_TIMEOUT_SEC", "7", "CLUSTER_QUORUM", "2").cluster());
    assertEquals(ClusterSettings.Discovery.KUBERNETES, load("CLUSTER", "true", "CLUSTER_DISCOVERY", "kubernetes",
        "CLUSTER_SERVICE_DNS", "tapewatch-cluster.default.svc.cluster.local").cluster().discovery());
  }

  @Test
  void clusterModeNeedsAWayToFindTheOthersAndALiveFeed() {
    ConfigException noMembers = assertThrows(ConfigException.class,
        () -> load("CLUSTER", "true", "CLUSTER_MEMBERS", ""));
    assertEquals("CLUSTER_MEMBERS='' is invalid: expected at least one member host when CLUSTER=true and "
        + "CLUSTER_DISCOVERY=tcp", noMembers.getMessage());
    ConfigException noDns = assertThrows(ConfigException.class,
        () -> load("CLUSTER", "true", "CLUSTER_DISCOVERY", "kubernetes"));
    assertEquals("CLUSTER_SERVICE_DNS", noDns.variable());
    ConfigException replay = assertThrows(ConfigException.class,
        () -> load("CLUSTER", "true", "FEED", "replay:/tmp/tape.ndjson"));
    assertEquals("FEED='replay:/tmp/tape.ndjson' is invalid: expected sim, coinbase or coinbase-advanced when CLUSTER=true (a replay "
        + "file belongs to one node)", replay.getMessage());
  }

  @Test
  void exactMessageOfAnEmptySymbolList() {
    assertEquals("SYMBOL='' is invalid: expected a comma list of products like BTC-USD,ETH-USD or patterns like *-USD"
        + " (upper case, no duplicates)", rejected("SYMBOL", "").getMessage());
  }

  /** An environment value may hold a line break; the start-up message must still be a single line. */
  @ParameterizedTest
  @MethodSource("valuesWithLineBreaks")
  void valueWithALineBreakStillGivesAOneLineMessage(String variable, String value) {
    ConfigException e = rejected(variable, value);
    assertEquals(variable, e.variable());
    String m = e.getMessage();
    assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m.replace("\n", "\\n").replace("\r", "\\r"));
    assertTrue(m.startsWith(variable + "="), m);
  }

  static Stream<Arguments> valuesWithLineBreaks() {
    return Stream.of(
        Arguments.of("SYMBOL", "BTC-USD\nETH-USD"),
        Arguments.of("HTTP_PORT", "80\r\n80"),
        Arguments.of("FEED", "sim\nx"),
        Arguments.of("TS_WEIGHTS", "mom=1\nvwap=1,rvol=1,flow=1"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // secrets

  @Test
  void badDatabaseUrlNeverShowsItsValue() {
    ConfigException e = rejected("DATABASE_URL", "mysql://user:hunter2@x");
    assertEquals("DATABASE_URL", e.variable());
    String m = e.getMessage();
    assertTrue(m.startsWith("DATABASE_URL=<redacted> is invalid: expected postgres://"), m);
    assertFalse(m.contains("hunter2"), m);
    assertFalse(m.contains("mysql"), m);
    for (String v : List.of("http://user:hunter2@db:5432/x", "hunter2", "postgres:/user:hunter2@db/x",
        "postgres://", "postgres://user:hunter2@db:5432", "postgres://user:hunter2@db:5432/")) {
      String other = rejected("DATABASE_URL", v).getMessage();
      assertFalse(other.contains("hunter2"), other);
      assertTrue(other.contains("<redacted>"), other);
    }
  }

  @Test
  void validSecretsAreKeptButNeverPrinted() {
    TapewatchConfig c = load("DATABASE_URL", "postgres://tw:hunter2@db:5432/tapewatch?sslmode=require",
        "ALERT_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/hunter3",
        "OPENAI_API_KEY", "sk-hunter4", "ADMIN_TOKEN", "hunter5");
    assertEquals("postgres://tw:hunter2@db:5432/tapewatch?sslmode=require", c.store().databaseUrl().orElseThrow().reveal());
    assertEquals("https://hooks.slack.com/services/T000/B000/hunter3", c.alerts().webhookUrl().orElseThrow().reveal());
    assertEquals("sk-hunter4", c.llm().apiKey().orElseThrow().reveal());
    assertEquals("postgresql://u:p@h/d", load("DATABASE_URL", "postgresql://u:p@h/d").store().databaseUrl().orElseThrow()
        .reveal());
    String shown = c.toString();
    for (String secret : List.of("hunter2", "hunter3", "hunter4", "hunter5")) {
      assertFalse(shown.contains(secret), shown);
    }
  }

  @Test
  void secretsDoNotLeakIntoAnotherVariablesMessage() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(
        "DATABASE_URL", "postgres://tw:hunter2@db/x", "OPENAI_API_KEY", "sk-hunter4", "HTTP_PORT", "x"));
    assertEquals("HTTP_PORT", e.variable());
    assertFalse(e.getMessage().contains("hunter"), e.getMessage());
  }
}
