package dev.tapewatch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tapewatch.dashboard.Browser;
import dev.tapewatch.http.HttpEndpointsTest;
import dev.tapewatch.support.ServiceProcess;
import dev.tapewatch.support.TestDatabase;
import dev.tapewatch.support.Waits;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, each its own JVM, clustered over TCP-IP on 127.0.0.1 with a cluster name of their own, sharing one
 * real PostgreSQL database and one local Slack webhook: the symbols are split one per node; every node answers for
 * every symbol; a finding made on one node reaches a consumer on another and is stored and alerted once; a node
 * killed outright has its symbol taken over within the bound while the others keep answering and the orphaned
 * symbol gets 503 with Retry-After, never a hang; a node stopped with SIGTERM hands its symbols over at once, while
 * it still writes its buffered findings, and exits 0.
 *
 * <p>One cluster for the whole class, started in {@link #startCluster}; the steps run in order, and the last three
 * (SIGKILL, then the heir's posture, then SIGTERM) change it for the ones after them.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class ClusterTest {
  static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD", "ADA-USD");
  static final int FAILURE_TIMEOUT_SEC = 5;
  /** The target: the survivors serve a dead node's symbols within 10 s of the failure being detected. */
  static final long TAKEOVER_BOUND_MS = (FAILURE_TIMEOUT_SEC + 10) * 1000L;
  /** How long a second Slack post or a repeated finding is given to show up (nothing later would prove it absent). */
  static final Duration QUIET = Duration.ofMillis(1500);
  static final Duration STABLE_WITHIN = Duration.ofSeconds(60);

  @TempDir
  static Path tmp;

  private final List<String> slackPosts = new CopyOnWriteArrayList<>();
  private final List<ServiceProcess> nodes = new ArrayList<>();
  private HttpServer slack;
  private TestDatabase db;
  /** The window's macro findings, made by the first node alone. */
  private List<JsonObject> macro;
  private Map<String, ServiceProcess> byId;
  /** Symbol → node id, once the three have settled. */
  private JsonObject owners;
  /** Set by the SIGKILL step for the two after it. */
  private List<ServiceProcess> survivors;
  private Map<String, ServiceProcess> left;
  private String heir;

  @BeforeAll
  void startCluster() throws Exception {
    slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slack.createContext("/services/T0/B0/x", exchange -> {
      slackPosts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, ok.length);
      exchange.getResponseBody().write(ok);
      exchange.close();
    });
    slack.start();
    db = new TestDatabase();
    Map<String, String> env = clusterEnv(db.url(), "http://127.0.0.1:" + slack.getAddress().getPort()
        + "/services/T0/B0/x");
    // The first node alone takes every symbol and makes the window's macro finding for each.
    nodes.add(node(env, 0));
    ClusterNodes.awaitStable(nodes, 1, STABLE_WITHIN);
    macro = awaitRows(db, "SELECT id::text, symbol FROM findings WHERE agent = 'macro_watch'", 3);
    // Two more join: the first hands two symbols over.
    nodes.add(node(env, 1));
    nodes.add(node(env, 2));
    byId = ClusterNodes.awaitStable(nodes, 3, STABLE_WITHIN);
    owners = nodes.get(0).cluster().getJsonObject("owners");
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (ServiceProcess n : nodes) {
      n.close();
    }
    if (slack != null) {
      slack.stop(0);
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  @Order(1)
  void theFirstNodeAloneMadeTheWindowsMacroFindingForEverySymbol() {
    assertEquals(Set.copyOf(SYMBOLS), Set.copyOf(macro.stream().map(r -> r.getString("symbol")).toList()));
  }

  @Test
  @Order(2)
  void theSymbolsAreSplitOnePerNodeWithTheSameViewFromEveryNode() throws Exception {
    assertEquals(Set.copyOf(SYMBOLS), owners.fieldNames());
    assertEquals(byId.keySet(), Set.copyOf(owners.getMap().values().stream().map(String::valueOf).toList()),
        "each node owns one symbol: " + owners.encode());
    for (ServiceProcess n : nodes) {
      assertEquals(owners, n.cluster().getJsonObject("owners"));
    }
  }

  @Test
  @Order(3)
  void everyNodeAnswersForEverySymbol() throws Exception {
    for (ServiceProcess n : nodes) {
      for (String s : SYMBOLS) {
        HttpResponse<String> r = n.get("/signals_tf?symbol=" + s);
        assertEquals(200, r.statusCode(), n.port() + " " + s + ": " + r.body());
        JsonObject tf = new JsonObject(r.body());
        assertEquals(HttpEndpointsTest.SIGNALS_TF_KEYS, tf.fieldNames());
        assertEquals(s, tf.getString("symbol"));
      }
    }
  }

  @Test
  @Order(4)
  void theNewOwnersRecalledTheWindowsFindingsEachStoredAndPostedOnce() throws Exception {
    // Each owner, once its symbol is restored, would make no macro finding for this window: it recalled the one made.
    for (String s : SYMBOLS) {
      JsonObject dry = nodes.get(0).awaitPost("/agents/run-now?names=macro_watch&insert=false&symbol=" + s,
          r -> r.statusCode() == 200 && new JsonObject(r.body()).getBoolean("ok"), 15_000);
      assertFalse(dry.getJsonArray("results").getJsonObject(0).containsKey("finding"), s + ": " + dry.encode());
    }
    // No repeat lands in the table while the macro watchers keep running every second.
    Waits.holdsFor("three macro findings in the table", QUIET.plusMillis(500),
        () -> db.query("SELECT count(*) FROM findings WHERE agent = 'macro_watch'").get(0).getLong(0) == 3);
    awaitTrue(() -> macro.stream().allMatch(f -> posts(f.getString("id")) == 1), 15_000,
        () -> "each macro finding posted once: " + slackPosts);
    // A second alerting node would post again: none may within the window.
    Waits.holdsFor("each macro finding posted once", QUIET,
        () -> macro.stream().allMatch(f -> posts(f.getString("id")) == 1));
  }

  @Test
  @Order(5)
  void theDashboardOfAnyNodeSaysWhereTheSelectedSymbolLives() throws Exception {
    try (Browser browser = new Browser()) {
      String btcOwner = owners.getString("BTC-USD");
      ServiceProcess elsewhere = nodes.stream().filter(n -> n != byId.get(btcOwner)).findFirst().orElseThrow();
      browser.open("http://127.0.0.1:" + elsewhere.port() + "/#symbol=BTC-USD");
      String expected = "3 nodes · stable · BTC-USD on 127.0.0.1:" + byId.get(btcOwner).port();
      String[] shown = new String[1];
      try {
        browser.await("the cluster chip", () -> {
          shown[0] = browser.js("var c = document.getElementById('health-cluster');"
              + " return c.hidden ? 'hidden' : c.querySelector('.v').textContent;");
          return expected.equals(shown[0]) ? Boolean.TRUE : null;
        });
      } catch (RuntimeException e) {
        throw new AssertionError("expected '" + expected + "', the chip shows '" + shown[0] + "'", e);
      }
    }
  }

  @Test
  @Order(6)
  void aFindingMadeOnTheOwnerIsHeardLiveOnAnotherNodeAndStoredOnce() throws Exception {
    // A finding made on the owner, asked for through a second node, heard live on the third.
    String symbol = SYMBOLS.get(0);
    List<ServiceProcess> others = notOwning(symbol);
    BlockingQueue<JsonObject> heard = stream(others.get(1), symbol);
    HttpResponse<String> ran = others.get(0).post("/agents/run-now?names=trend_score&symbol=" + symbol);
    assertEquals(200, ran.statusCode(), ran.body());
    JsonObject made = new JsonObject(ran.body()).getJsonArray("results").getJsonObject(0).getJsonObject("finding");
    assertNotNull(made, ran.body());
    JsonObject live = heard.poll(10, TimeUnit.SECONDS);
    assertNotNull(live, "the finding reached the stream on another node");
    assertEquals(made, live);
    List<JsonObject> stored = awaitRows(db, "SELECT id::text, symbol FROM findings WHERE id = '"
        + made.getString("id") + "'", 1);
    assertEquals(symbol, stored.get(0).getString("symbol"));
  }

  @Test
  @Order(7)
  void anAlertableFindingIsAlertedByOneNodeOnlyAndEveryFindingWrittenOnce() throws Exception {
    // An alertable finding (any spread is wide at LIQ_SPREAD_BPS=0) made on the owner with three alert verticles up.
    String symbol = SYMBOLS.get(0);
    HttpResponse<String> liquidity = notOwning(symbol).get(1).post("/agents/run-now?names=liquidity&symbol="
        + symbol);
    String wide = new JsonObject(liquidity.body()).getJsonArray("results").getJsonObject(0).getJsonObject("finding")
        .getString("id");
    awaitTrue(() -> posts(wide) == 1, 15_000, () -> "the wide_spread finding posted: " + slackPosts);
    // A second alerting node would post again: none may within the window.
    Waits.holdsFor("the wide_spread finding alerted by one node only", QUIET, () -> posts(wide) == 1);
    long rows = db.query("SELECT count(*) FROM findings").get(0).getLong(0);
    awaitTrue(() -> written(nodes) == rows, 5_000, () -> "the nodes together wrote each finding once: " + rows);
  }

  @Test
  @Order(8)
  void aKilledOwnersSymbolIsTakenOverWithinTheBoundWhileTheOthersKeepAnswering() throws Exception {
    // The owner went long on the first symbol (as its trend agent would have written it), then dies outright.
    String symbol = SYMBOLS.get(0);
    db.query("INSERT INTO position_state (symbol, status, qty, avg_price, updated_at, last_action, last_conf)"
        + " VALUES ('" + symbol + "', 'long', 1, 95123.5, '2026-11-24T08:00:00Z', 'enter_long', 0.7)");
    String victimId = owners.getString(symbol);
    ServiceProcess victim = byId.get(victimId);
    List<ServiceProcess> alive = nodes.stream().filter(n -> n != victim).toList();
    long killedAt = System.currentTimeMillis();
    victim.kill();
    Set<ServiceProcess> served = ConcurrentHashMap.newKeySet();
    AtomicInteger unavailable = new AtomicInteger();
    AtomicInteger othersAsked = new AtomicInteger();
    AtomicInteger othersServed = new AtomicInteger();
    // Every round asks each survivor for every symbol: the orphaned one answers 200 or 503 with Retry-After.
    Waits.until(symbol + " served by every survivor within " + TAKEOVER_BOUND_MS + " ms",
        Duration.ofMillis(TAKEOVER_BOUND_MS - (System.currentTimeMillis() - killedAt)), () -> {
          for (ServiceProcess n : alive) {
            HttpResponse<String> r = n.get("/signals_tf?symbol=" + symbol);
            if (r.statusCode() == 200) {
              served.add(n);
            } else {
              unavailable.incrementAndGet();
              assertEquals(503, r.statusCode(), r.body());
              assertTrue(r.headers().firstValue("Retry-After").isPresent(), "a retry hint");
              assertEquals(Set.of("error"), new JsonObject(r.body()).fieldNames());
            }
            for (String other : SYMBOLS.subList(1, 3)) {
              HttpResponse<String> o = n.get("/signals_tf?symbol=" + other);
              othersAsked.incrementAndGet();
              othersServed.addAndGet(o.statusCode() == 200 ? 1 : 0);
              assertTrue(o.statusCode() == 200 || o.statusCode() == 503 && o.headers().firstValue("Retry-After")
                  .isPresent(), other + ": " + o.statusCode() + " " + o.body());
            }
          }
          return served.size() == alive.size();
        });
    long takeoverMs = System.currentTimeMillis() - killedAt;
    // A survivor's own symbols keep answering (a rare 503 with Retry-After on a loaded machine is allowed).
    assertTrue(othersServed.get() >= othersAsked.get() * 0.8, othersServed + " of " + othersAsked + " answered");
    System.out.println("takeover after SIGKILL: " + takeoverMs + " ms, " + unavailable + " answers 503 meanwhile");
    survivors = alive;
    left = ClusterNodes.awaitStable(survivors, 2, STABLE_WITHIN);
    heir = survivors.get(0).cluster().getJsonObject("owners").getString(symbol);
    JsonObject takeover = left.get(heir).cluster().getJsonArray("takeovers").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("symbol").equals(symbol)).findFirst().orElseThrow();
    assertEquals(victimId, takeover.getString("from"));
    assertTrue(takeover.getLong("took_ms") < 10_000, takeover.encode());
  }

  @Test
  @Order(9)
  void theHeirResumesTheKilledOwnersPostureFromPositionState() {
    assumeTrue(heir != null, "needs the SIGKILL step");
    // The heir's trend agent resumed the posture from position_state (run-now answers once it has).
    JsonObject reading = survivors.get(0).awaitPost("/agents/run-now?names=trend_score&insert=false&symbol="
        + SYMBOLS.get(0), r -> r.statusCode() == 200 && new JsonObject(r.body()).getBoolean("ok"), 15_000)
        .getJsonArray("results").getJsonObject(0).getJsonObject("finding").getJsonObject("details");
    assertEquals("long", reading.getString("posture"), reading.encode());
    assertEquals(95123.5, reading.getDouble("entry_price"));
    assertEquals("2026-11-24T08:00:00Z", reading.getString("posture_since"));
  }

  @Test
  @Order(10)
  void aNodeStoppedWithSigtermHandsOverAtOnceThenWritesItsHeldFindingAndExitsZero() throws Exception {
    assumeTrue(heir != null, "needs the SIGKILL step");
    // SIGTERM the node that did not inherit while the database is down and it holds a finding it could not write:
    // it hands its symbol over at once, so the last node serves it while the leaver is still trying to write; then,
    // the database back, the leaver writes the finding and exits 0.
    ServiceProcess leaving = survivors.stream().filter(n -> n != left.get(heir)).findFirst().orElseThrow();
    ServiceProcess last = left.get(heir);
    String leavingSymbol = leaving.cluster().getJsonObject("owners").stream()
        .filter(e -> !e.getValue().equals(heir)).map(Map.Entry::getKey).findFirst().orElseThrow();
    db.cutOff();
    String heldId = new JsonObject(leaving.post("/agents/run-now?names=liquidity&symbol=" + leavingSymbol).body())
        .getJsonArray("results").getJsonObject(0).getJsonObject("finding").getString("id");
    leaving.await("/health", r -> new JsonObject(r.body()).getJsonObject("database").getInteger("buffered") >= 1,
        10_000);
    leaving.terminate();
    last.await("/health", r -> r.statusCode() == 200 && new JsonObject(r.body()).getJsonObject("cluster")
        .getJsonObject("owners").stream().allMatch(e -> heir.equals(e.getValue())), 10_000);
    assertTrue(leaving.process().isAlive(), "handed over while the leaver was still writing its findings");
    assertEquals(200, last.get("/signals_tf?symbol=" + leavingSymbol).statusCode());
    db.reopen();
    assertTrue(leaving.process().waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, leaving.process().exitValue(), leaving.log());
    assertTrue(leaving.log().contains("released 1 symbols to the other nodes"), leaving.log());
    awaitRows(db, "SELECT id::text, symbol FROM findings WHERE id = '" + heldId + "'", 1);
    ClusterNodes.awaitStable(List.of(last), 1, STABLE_WITHIN);
    for (String s : SYMBOLS) {
      assertEquals(200, last.get("/signals_tf?symbol=" + s).statusCode(), s);
    }
  }

  /** The two nodes that do not own {@code symbol}. */
  private List<ServiceProcess> notOwning(String symbol) {
    ServiceProcess owner = byId.get(owners.getString(symbol));
    return nodes.stream().filter(n -> n != owner).toList();
  }

  private static ServiceProcess node(Map<String, String> env, int i) throws IOException {
    return ServiceProcess.start(env, tmp.resolve("node" + i + ".log"), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1");
  }

  private static Map<String, String> clusterEnv(String databaseUrl, String webhook) throws IOException {
    String now = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HH:mm"));
    Map<String, String> env = new HashMap<>(Map.of("CLUSTER", "true",
        "CLUSTER_NAME", "tapewatch-test-" + UUID.randomUUID().toString().substring(0, 8),
        "CLUSTER_MEMBERS", "127.0.0.1", "CLUSTER_HOST", "127.0.0.1",
        "CLUSTER_PORT", Integer.toString(ClusterNodes.freeClusterPort()),
        "CLUSTER_FAILURE_TIMEOUT_SEC", Integer.toString(FAILURE_TIMEOUT_SEC),
        "DATABASE_URL", databaseUrl, "ALERT_WEBHOOK_URL", webhook, "SYMBOL", String.join(",", SYMBOLS)));
    env.put("SHUTDOWN_GRACE_SEC", "20");
    // Only the macro watcher runs by itself (once per symbol and window); the others wait an hour.
    env.putAll(Map.of("MACRO_WINDOWS", now, "MACRO_RVOL_MIN", "0", "MACRO_INTERVAL_SEC", "1",
        "TS_INTERVAL", "3600", "RVOL_INTERVAL_SEC", "3600", "CVD_INTERVAL_SEC", "3600",
        "NEW_TREND_INTERVAL_SEC", "3600", "REVERSAL_INTERVAL_SEC", "3600", "LIQ_INTERVAL_SEC", "3600",
        "BOOK_IMB_INTERVAL_SEC", "3600"));
    env.put("SIM_SEED", "11");
    env.put("LIQ_SPREAD_BPS", "0");
    return env;
  }

  /** Findings written by all the nodes together, from the store status each publishes every second. */
  private static long written(List<ServiceProcess> nodes) {
    long sum = 0;
    try {
      for (ServiceProcess n : nodes) {
        sum += new JsonObject(n.get("/health").body()).getJsonObject("database").getLong("written");
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return sum;
  }

  private int posts(String findingId) {
    return (int) slackPosts.stream().filter(p -> p.contains(findingId)).count();
  }

  private static List<JsonObject> awaitRows(TestDatabase db, String sql, int count) {
    List<JsonObject> rows = Waits.until(sql, Duration.ofSeconds(20), () -> db.query(sql).stream()
        .map(r -> new JsonObject().put("id", r.getString(0)).put("symbol", r.getString(1))).toList(),
        r -> r.size() >= count, r -> r.size() + " rows");
    assertEquals(count, rows.size(), sql);
    return rows;
  }

  private static void awaitTrue(BooleanSupplier condition, long timeoutMs, Supplier<String> message) {
    Waits.until("the condition", Duration.ofMillis(timeoutMs), condition::getAsBoolean, ok -> ok,
        ok -> message.get());
  }

  /** Opens /findings/stream on {@code node} for {@code symbol}; the findings it hears land in the queue. */
  private static BlockingQueue<JsonObject> stream(ServiceProcess node, String symbol) throws Exception {
    BlockingQueue<JsonObject> heard = new LinkedBlockingQueue<>();
    HttpResponse<java.util.stream.Stream<String>> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + node.port() + "/findings/stream?symbol=" + symbol)).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, r.statusCode());
    BlockingQueue<String> live = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> r.body().forEach(l -> {
      if (l.startsWith(": tapewatch findings")) {
        live.add(l);
      } else if (l.startsWith("data: ")) {
        heard.add(new JsonObject(l.substring("data: ".length())));
      }
    }), "sse-reader");
    reader.setDaemon(true);
    reader.start();
    assertNotNull(live.poll(10, TimeUnit.SECONDS), "the stream says it is live once its consumer is registered");
    return heard;
  }
}
