package dev.tapewatch.feed;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.TestService;
import dev.tapewatch.TapewatchApp;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.feed.FakeCoinbaseExchange.Capture;
import dev.tapewatch.feed.FakeCoinbaseServer.Connection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RECORD_DIR} end to end: the live client against {@link FakeCoinbaseExchange} records what the fake sent,
 * byte for byte and in order, into hourly files that {@code FEED=replay} reads back to the same trades; the hour
 * rolls on a clock the test sets.
 */
@Tag("integration")
class FeedRecordingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static Capture capture;
  private static long trades;
  private static long tickers;

  private final List<Vertx> opened = new ArrayList<>();

  @TempDir
  Path dir;

  @BeforeAll
  static void loadCapture() throws IOException {
    capture = Capture.load();
    trades = capture.feed().stream().filter(FakeCoinbaseExchange.Message::isTrade).count();
    tickers = capture.feed().stream().filter(FakeCoinbaseExchange.Message::isTicker).count();
  }

  /** The live side: the fake exchange running, and the feed status its client publishes. */
  private Vertx vertx;
  private FakeCoinbaseExchange exchange;
  private AtomicReference<JsonObject> status;

  @BeforeEach
  void startExchange() throws Exception {
    vertx = vertx();
    exchange = new FakeCoinbaseExchange(capture);
    join(vertx.deployVerticle(exchange));
    status = feedStatus(vertx);
  }

  @AfterEach
  void close() throws Exception {
    for (Vertx v : opened) {
      join(v.close());
    }
  }

  private Vertx vertx() {
    Vertx v = Vertx.vertx();
    opened.add(v);
    return v;
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Map<String, String> env(String feed) {
    Map<String, String> env = new HashMap<>();
    env.put("SYMBOL", String.join(",", capture.products()));
    env.put("FEED", feed);
    env.put("HTTP_PORT", "0");
    return env;
  }

  private TapewatchConfig live(FakeCoinbaseExchange exchange) {
    Map<String, String> env = env("coinbase");
    env.put("COINBASE_WS_URL", exchange.wsUrl());
    env.put("COINBASE_REST_URL", exchange.restUrl());
    env.put("RECORD_DIR", dir.toString());
    return TapewatchConfig.load(TestService.withTestStore(env));
  }

  /** The latest feed status published on this Vert.x. */
  private static AtomicReference<JsonObject> feedStatus(Vertx vertx) throws Exception {
    AtomicReference<JsonObject> status = new AtomicReference<>(new JsonObject());
    join(vertx.eventBus().<JsonObject>consumer(Addresses.FEED_STATUS, m -> status.set(m.body())).completion());
    return status;
  }

  private static long recorded(AtomicReference<JsonObject> status) {
    return status.get().getJsonObject("recording", new JsonObject()).getLong("written", 0L);
  }

  private static byte[] gunzip(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return in.readAllBytes();
    }
  }

  private static byte[] lines(List<String> texts) {
    return texts.stream().map(t -> t + "\n").reduce("", String::concat).getBytes(StandardCharsets.UTF_8);
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  /** What the trades did, as the feed status tells it: counts and each product's last trade id. */
  private static JsonObject tradesOf(JsonObject status) {
    JsonObject symbols = new JsonObject();
    status.getJsonObject("symbols").forEach(e -> {
      JsonObject s = (JsonObject) e.getValue();
      symbols.put(e.getKey(), new JsonObject().put("trades", s.getValue("trades"))
          .put("quotes", s.getValue("quotes")).put("last_trade_id", s.getValue("last_trade_id")));
    });
    return new JsonObject().put("trades", status.getValue("trades")).put("quotes", status.getValue("quotes"))
        .put("gaps", status.getValue("gaps")).put("symbols", symbols);
  }

  @Test
  void everyMessageIsRecordedAsSentAndTheTapeReplaysToTheSameTrades() throws Exception {
    TapewatchApp app = join(TapewatchApp.start(vertx, live(exchange),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null));
    await("every trade and ticker of the capture received and recorded").atMost(WAIT).until(() ->
        status.get().getLong("trades", 0L) == trades && status.get().getLong("quotes", 0L) == tickers
            && recorded(status) >= status.get().getLong("messages", 0L));
    JsonObject liveTrades = tradesOf(status.get());
    Connection c = exchange.connections().get(0);
    int sentBeforeStop = c.sentTexts.size();
    join(app.shutdown());

    assertEquals(1, exchange.connections().size());
    List<Path> files = files();
    assertFalse(files.isEmpty());
    ByteArrayOutputStream tape = new ByteArrayOutputStream();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    for (Path f : files) {
      assertTrue(f.getFileName().toString().matches("coinbase-\\d{4}-\\d\\d-\\d\\dT\\d\\d\\.ndjson\\.gz"),
          f.toString());
      tape.write(Files.readAllBytes(f));
      text.write(gunzip(f));
    }
    int recordedLines = text.toString(StandardCharsets.UTF_8).split("\n", -1).length - 1;
    // Heartbeats the fake sent while the client was closing may be missing at the end; nothing else may.
    assertTrue(recordedLines >= sentBeforeStop, recordedLines + " lines recorded of " + sentBeforeStop + " sent");
    assertArrayEquals(lines(List.copyOf(c.sentTexts).subList(0, recordedLines)), text.toByteArray());

    // The files as one tape: gzip members concatenated read as one stream, as within an hour's file after a restart.
    Path replayed = Files.write(dir.resolve("tape.ndjson.gz"), tape.toByteArray());
    Vertx replay = vertx();
    AtomicReference<JsonObject> replayStatus = feedStatus(replay);
    Map<String, String> env = env("replay:" + replayed);
    env.put("REPLAY_SPEED", "0");
    join(TapewatchApp.deploy(replay, TapewatchConfig.load(TestService.withTestStore(env))));
    await("the replay finished").atMost(WAIT)
        .until(() -> replayStatus.get().getBoolean("replay_finished", false));
    assertEquals(liveTrades, tradesOf(replayStatus.get()));
    assertEquals(trades, liveTrades.getLong("trades"));
  }

  @Test
  void theFileOfAnHourIsFinishedWhenTheHourRollsAndTheNextOneTakesOver() throws Exception {
    AtomicLong clock = new AtomicLong(Instant.parse("2026-12-01T05:59:59.000Z").toEpochMilli());
    String feed = join(vertx.deployVerticle(new CoinbaseFeedVerticle(live(exchange), capture.products(),
        clock::get)));
    await("messages recorded in the first hour").atMost(WAIT).until(() -> recorded(status) >= 100);
    clock.set(Instant.parse("2026-12-01T06:00:00.000Z").toEpochMilli());
    await("the second hour's file opened").atMost(WAIT)
        .until(() -> status.get().getJsonObject("recording").getLong("files") == 2);

    Path first = dir.resolve("coinbase-2026-12-01T05.ndjson.gz");
    Path second = dir.resolve("coinbase-2026-12-01T06.ndjson.gz");
    Connection c = exchange.connections().get(0);
    // Read while the feed still runs: the first hour's file is complete, gzip trailer and all.
    byte[] firstHour = gunzip(first);
    int firstLines = new String(firstHour, StandardCharsets.UTF_8).split("\n", -1).length - 1;
    assertTrue(firstLines >= 100, firstLines + " lines in the first hour");
    // A copy: the server goes on sending, and a view of the list it appends to fails when it changes.
    assertArrayEquals(lines(List.copyOf(c.sentTexts).subList(0, firstLines)), firstHour);

    await("every trade received").atMost(WAIT).until(() -> status.get().getLong("trades", 0L) == trades);
    join(vertx.undeploy(feed));
    assertEquals(List.of(first, second), files());
    byte[] secondHour = gunzip(second);
    int secondLines = new String(secondHour, StandardCharsets.UTF_8).split("\n", -1).length - 1;
    assertTrue(secondLines > 0);
    assertArrayEquals(lines(List.copyOf(c.sentTexts).subList(firstLines, firstLines + secondLines)), secondHour);
  }
}
