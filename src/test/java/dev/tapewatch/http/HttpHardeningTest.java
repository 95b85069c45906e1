package dev.tapewatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a hostile or broken client gets, driven over raw sockets against the whole service: requests Netty cannot
 * decode, bodies nobody asked for, wrong methods, connections that never finish a request or sit idle, stream
 * clients that stop reading, and the headers every answer carries.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpHardeningTest {
  static final Map<String, String> SECURITY_HEADERS = Map.of(
      "content-security-policy", SecurityHeaders.CONTENT_SECURITY_POLICY,
      "x-content-type-options", "nosniff",
      "x-frame-options", "DENY",
      "referrer-policy", "no-referrer");

  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  static final Pattern ACTIVE_REQUESTS =
      Pattern.compile("(?m)^vertx_http_server_active_requests\\{method=\"([A-Z]+)\"} (\\S+)$");

  private TestService svc;

  @BeforeAll
  void start() throws Exception {
    svc = TestService.startWithVertxMetrics(Map.of("SIM_SEED", "42", "HTTP_IDLE_TIMEOUT_SEC",
        Long.toString(IDLE_TIMEOUT.toSeconds())));
  }

  @AfterAll
  void stop() throws Exception {
    svc.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** {@code vertx_http_server_active_requests} by method, read from /metrics (the scrape itself counts as a GET). */
  private Map<String, Double> activeRequests() throws IOException {
    Map<String, Double> out = new TreeMap<>();
    Matcher m = ACTIVE_REQUESTS.matcher(RawHttp.exchange(svc.port(), RawHttp.get("/metrics")).body());
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return out;
  }

  /** An error as every client gets it: the status, {"error": ...} and nothing of the server's insides. */
  static void assertJsonError(RawHttp.Response r, int status, String fragment) {
    assertEquals(status, r.status(), r.toString());
    assertEquals("application/json", r.header("Content-Type"), r.toString());
    assertEquals(Set.of("error"), r.json().fieldNames(), r.body());
    assertTrue(r.json().getString("error").contains(fragment), r.body());
    for (String inside : List.of("Exception", "io.netty", "io.vertx", "dev.tapewatch", "\tat ")) {
      assertFalse(r.body().contains(inside), "nothing of the server's insides: " + r.body());
    }
    assertSecurityHeaders(r);
  }

  static void assertSecurityHeaders(RawHttp.Response r) {
    SECURITY_HEADERS.forEach((name, value) -> assertEquals(value, r.header(name), name + " on " + r));
  }

  @Test
  void requestLinesNettyCannotDecodeGet400InJsonAndTheConnectionIsClosed() throws Exception {
    for (String bad : List.of("GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n",
        "GET / HTTP\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")) {
      try (RawHttp c = RawHttp.connect(svc.port())) {
        c.send(bad);
        assertJsonError(c.read(), 400, "malformed HTTP request");
        assertTrue(c.closedByServer(RawHttp.READ_TIMEOUT), "closed after: " + bad);
      }
    }
    // The one error that is not JSON (README, Endpoints): Vert.x answers an unknown HTTP version before the router.
    try (RawHttp c = RawHttp.connect(svc.port())) {
      c.send("GET /health HTTP/1.2\r\nHost: 127.0.0.1\r\n\r\n");
      RawHttp.Response r = c.read();
      assertEquals(501, r.status());
      assertEquals("", r.body());
      assertTrue(c.closedByServer(RawHttp.READ_TIMEOUT));
    }
  }

  @Test
  void aRequestLineOver4KiBGets414InJson() throws Exception {
    try (RawHttp c = RawHttp.connect(svc.port())) {
      c.send(RawHttp.get("/signals?symbol=" + "A".repeat(HttpVerticle.MAX_REQUEST_LINE_BYTES)));
      assertJsonError(c.read(), 414, "request line longer than 4096 bytes");
      assertTrue(c.closedByServer(RawHttp.READ_TIMEOUT));
    }
  }

  @Test
  void headersOver8KiBGet431InJsonWhetherOneHeaderOrMany() throws Exception {
    String many = "X-Filler: " + "f".repeat(100) + "\r\n";
    for (String headers : List.of("X-Big: " + "b".repeat(HttpVerticle.MAX_HEADER_BYTES) + "\r\n",
        many.repeat(2 * HttpVerticle.MAX_HEADER_BYTES / many.length()))) {
      try (RawHttp c = RawHttp.connect(svc.port())) {
        c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
        assertJsonError(c.read(), 431, "request headers larger than 8192 bytes");
        assertTrue(c.closedByServer(RawHttp.READ_TIMEOUT));
      }
    }
  }

  @Test
  void aRequestBodyGets413BeforeItIsSentAndTheConnectionIsClosed() throws Exception {
    for (String framing : List.of("Content-Length: 100000000", "Transfer-Encoding: chunked",
        "Content-Length: 2\r\nExpect: 100-continue")) {
      try (RawHttp c = RawHttp.connect(svc.port())) {
        c.send("POST /agents/run-now?names=trend_score HTTP/1.1\r\nHost: 127.0.0.1\r\n" + framing + "\r\n\r\n");
        RawHttp.Response r = c.read();
        assertJsonError(r, 413, "no endpoint takes a request body; parameters go in the query string");
        assertEquals("close", r.header("Connection"));
        assertTrue(c.closedByServer(RawHttp.READ_TIMEOUT), framing);
      }
    }
    assertEquals(200, RawHttp.exchange(svc.port(), "POST /agents/run-now?names=trend_score&insert=false HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nContent-Length: 0\r\n\r\n").status(), "an empty body is no body");
  }

  @Test
  void everyAnswerCarriesTheSecurityHeaders() throws Exception {
    for (String path : List.of("/", "/index.html", "/health", "/signals", "/webjars/echarts/5.3.1/dist/echarts.min.js",
        "/no/such/thing", "/signals?symbol=NOPE", "/signals?symbol=%zz")) {
      RawHttp.Response r = RawHttp.exchange(svc.port(), RawHttp.get(path));
      assertSecurityHeaders(r);
    }
  }

  @Test
  void aWrongMethodGets405NamingTheMethodsThePathTakes() throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("GET /agents/run-now", "POST");
    cases.put("PUT /agents/run-now", "POST");
    cases.put("POST /health", "GET");
    cases.put("DELETE /findings", "GET");
    cases.put("HEAD /signals", "GET");
    cases.put("OPTIONS /findings/stream", "GET");
    cases.put("POST /", "GET, HEAD");
    cases.put("PATCH /index.html", "GET, HEAD");
    cases.put("FOO /webjars/echarts/5.3.1/dist/echarts.min.js", "GET, HEAD");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      try (RawHttp http = RawHttp.connect(svc.port())) {
        http.send(c.getKey() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        RawHttp.Response r = c.getKey().startsWith("HEAD") ? http.readHead() : http.read();
        assertEquals(405, r.status(), c.getKey());
        assertEquals(c.getValue(), r.header("Allow"), c.getKey());
        if (!c.getKey().startsWith("HEAD")) {
          String[] request = c.getKey().split(" ");
          assertJsonError(r, 405, "method " + request[0] + " not allowed on " + request[1] + "; allowed: "
              + c.getValue());
        }
      }
    }
  }

  @Test
  void slowlorisConnectionsAreClosedTenSecondsAfterOpeningHoweverSlowlyTheyKeepSending() throws Exception {
    int n = 200;
    Vertx client = Vertx.vertx();
    try {
      NetClient net = client.createNetClient();
      long[] openedNs = new long[n];
      long[] closedNs = new long[n];
      List<NetSocket> sockets = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        NetSocket s = net.connect(svc.port(), "127.0.0.1").toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        openedNs[k] = System.nanoTime();
        s.closeHandler(v -> closedNs[k] = System.nanoTime());
        s.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        sockets.add(s);
      }
      // A header line every second: each byte would reset an idle timeout (here 2 s), not the head deadline.
      long trickle = client.setPeriodic(1000, id -> sockets.forEach(s -> s.write("X-Slow: " + id + "\r\n")));
      Awaitility.await("every slowloris connection closed by the server").atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> Arrays.stream(closedNs).allMatch(t -> t != 0));
      client.cancelTimer(trickle);
      for (int i = 0; i < n; i++) {
        long heldMs = (closedNs[i] - openedNs[i]) / 1_000_000;
        assertTrue(heldMs >= ConnectionGuard.HEAD_TIMEOUT_MS - 500 && heldMs < ConnectionGuard.HEAD_TIMEOUT_MS + 5000,
            "connection " + i + " held " + heldMs + " ms");
      }
      assertEquals(200, RawHttp.exchange(svc.port(), RawHttp.get("/health")).status(), "others are still served");
    } finally {
      client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeoutCountedFromItsLastAnswer() throws Exception {
    try (RawHttp c = RawHttp.connect(svc.port())) {
      c.send(RawHttp.get("/health"));
      assertEquals(200, c.read().status());
      c.send(RawHttp.get("/agents"));
      assertEquals(200, c.read().status(), "the connection is kept alive between requests");
      long answeredNs = System.nanoTime();
      assertTrue(c.closedByServer(IDLE_TIMEOUT.plusSeconds(5)), "closed once idle");
      long idleMs = (System.nanoTime() - answeredNs) / 1_000_000;
      assertTrue(idleMs >= IDLE_TIMEOUT.toMillis() - 200, "not before the idle timeout: " + idleMs + " ms");
    }
  }

  @Test
  void aConnectionAskingWithoutPauseOutlivesTheIdleTimeoutAndIsClosedOnceIdle() throws Exception {
    try (RawHttp c = RawHttp.connect(svc.port())) {
      long until = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(2).toNanos();
      int answered = 0;
      while (System.nanoTime() < until) {
        c.send(RawHttp.get("/agents"));
        assertEquals(200, c.read().status(), "answer " + answered + " on the kept-alive connection");
        answered++;
      }
      long answeredNs = System.nanoTime();
      assertTrue(c.closedByServer(IDLE_TIMEOUT.plusSeconds(5)), "closed once idle");
      long idleMs = (System.nanoTime() - answeredNs) / 1_000_000;
      assertTrue(idleMs >= IDLE_TIMEOUT.toMillis() - 200, "not before the idle timeout: " + idleMs + " ms");
    }
  }

  @Test
  void theFindingsStreamOutlivesTheIdleTimeoutWithAPingEvery15SecondsAndAClientThatStopsReadingIsDropped()
      throws Exception {
    String details = "x".repeat(256 * 1024);
    int published = 100;
    try (RawHttp reading = RawHttp.connect(svc.port());
        RawHttp stalled = RawHttp.connectWithReceiveBuffer(svc.port(), 4096)) {
      reading.send(RawHttp.get("/findings/stream?symbol=BTC-USD"));
      RawHttp.Response head = reading.readHead();
      assertEquals(200, head.status());
      assertEquals("text/event-stream; charset=utf-8", head.header("Content-Type"));
      assertSecurityHeaders(head);
      reading.awaitLine(": tapewatch findings", RawHttp.READ_TIMEOUT);
      long openNs = System.nanoTime();

      stalled.send(RawHttp.get("/findings/stream?symbol=ETH-USD"));
      assertEquals(200, stalled.readHead().status());
      stalled.awaitLine(": tapewatch findings", RawHttp.READ_TIMEOUT);
      for (int i = 0; i < published; i++) {
        svc.vertx().eventBus().publish(Addresses.FINDINGS, new JsonObject().put("id", UUID.randomUUID().toString())
            .put("ts_utc", Instant.now().toString()).put("agent", "trend_score").put("symbol", "ETH-USD")
            .put("score", 0.5).put("label", "trend_score").put("details", new JsonObject().put("pad", details)));
      }

      reading.awaitLine(": keep-alive", Duration.ofMillis(FindingRoutes.KEEP_ALIVE_MS).plusSeconds(5));
      long pingMs = (System.nanoTime() - openNs) / 1_000_000;
      assertTrue(pingMs >= FindingRoutes.KEEP_ALIVE_MS - 1000, "the ping comes every 15 s: " + pingMs + " ms");
      assertTrue(pingMs > IDLE_TIMEOUT.toMillis(), "the stream is not an idle connection");
      reading.close();

      // Not a byte of the stalled stream is read until the server has let it go: its request leaves the
      // active-requests gauge, where the scrape that reads the gauge is then the only GET.
      Awaitility.await("the stalled stream dropped").pollInterval(Duration.ofMillis(200))
          .atMost(Duration.ofSeconds(ConnectionGuard.writeStallTimeoutSec((int) IDLE_TIMEOUT.toSeconds()) + 10))
          .until(this::activeRequests, active -> active.getOrDefault("GET", 0.0) == 1.0);
      long received = stalled.drain(RawHttp.READ_TIMEOUT);
      assertTrue(received < (long) published * details.length() / 2,
          "dropped once its writes backed up, after " + received + " bytes");
    }
  }

  @Test
  void aStateChangingRequestFromAnotherSitesPageIsRefusedEvenWithoutAnAdminToken() throws Exception {
    String runNow = "/agents/run-now?names=trend_score&symbol=BTC-USD&insert=false";
    String host = "Host: 127.0.0.1:" + svc.port();
    for (String foreign : List.of("https://evil.example", "null", "http://127.0.0.1", "http://localhost:" + svc.port(),
        "http://127.0.0.1:" + svc.port() + ".evil.example", "not an origin")) {
      assertJsonError(RawHttp.exchange(svc.port(), RawHttp.request("POST", runNow, host, "Origin: " + foreign)), 403,
          "cross-site request refused: the page's origin is neither this service nor one of ALLOWED_ORIGINS");
    }
    assertEquals(200, RawHttp.exchange(svc.port(), RawHttp.request("POST", runNow, host,
        "Origin: http://127.0.0.1:" + svc.port())).status(), "the service's own page");
    assertEquals(200, RawHttp.exchange(svc.port(), RawHttp.request("POST", runNow, "Host: LOCALHOST:" + svc.port(),
        "Origin: http://localhost:" + svc.port())).status(), "its own page under another name");
    assertEquals(200, RawHttp.exchange(svc.port(), RawHttp.request("POST", runNow, host)).status(),
        "no Origin: not a browser page (curl, a script)");

    RawHttp.Response read = RawHttp.exchange(svc.port(), RawHttp.request("GET", "/health", host,
        "Origin: https://evil.example"));
    assertEquals(200, read.status(), "reading changes nothing");
    assertEquals(null, read.header("Access-Control-Allow-Origin"), "CORS is off: the other page cannot read it");
    RawHttp.Response preflight = RawHttp.exchange(svc.port(), RawHttp.request("OPTIONS", runNow, host,
        "Origin: https://evil.example", "Access-Control-Request-Method: POST"));
    assertEquals(405, preflight.status());
    assertEquals(null, preflight.header("Access-Control-Allow-Origin"));
  }

  @Test
  void theActiveRequestsGaugeReturnsToZeroAfterEveryKindOfAnswer() throws Exception {
    Map<String, Integer> answers = new LinkedHashMap<>();
    answers.put(RawHttp.request("HEAD", "/", "Host: 127.0.0.1"), 200);
    answers.put(RawHttp.request("HEAD", "/webjars/echarts/5.3.1/dist/echarts.min.js", "Host: 127.0.0.1"), 200);
    answers.put(RawHttp.request("HEAD", "/health", "Host: 127.0.0.1"), 405);
    answers.put(RawHttp.get("/health"), 200);
    answers.put(RawHttp.get("/no/such/thing"), 404);
    answers.put(RawHttp.get("/signals?symbol=NOPE"), 404);
    answers.put(RawHttp.get("/signals?symbol=%zz"), 400);
    answers.put(RawHttp.request("POST", "/health", "Host: 127.0.0.1"), 405);
    answers.put(RawHttp.request("POST", "/agents/run-now", "Host: 127.0.0.1", "Content-Length: 5000"), 413);
    answers.put(RawHttp.get("/" + "u".repeat(HttpVerticle.MAX_REQUEST_LINE_BYTES)), 414);
    answers.put(RawHttp.request("GET", "/", "Host: 127.0.0.1", "X-Big: " + "h".repeat(HttpVerticle.MAX_HEADER_BYTES)),
        431);
    answers.put("GARBAGE\r\n\r\n", 400);
    for (Map.Entry<String, Integer> a : answers.entrySet()) {
      try (RawHttp c = RawHttp.connect(svc.port())) {
        c.send(a.getKey());
        RawHttp.Response r = a.getKey().startsWith("HEAD") ? c.readHead() : c.read();
        assertEquals(a.getValue(), r.status(), a.getKey().lines().findFirst().orElseThrow());
      }
    }
    try (RawHttp c = RawHttp.connect(svc.port())) {
      c.send(RawHttp.request("HEAD", "/index.html", "Host: 127.0.0.1"));
      assertEquals(200, c.readHead().status());
      c.send(RawHttp.get("/health"));
      assertEquals(200, c.read().status(), "a HEAD answer leaves its connection ready for the next request");
    }
    Awaitility.await("no request left active but the scrape").atMost(RawHttp.READ_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(this::activeRequests, active -> active.entrySet().stream()
            .allMatch(e -> e.getValue() == (e.getKey().equals("GET") ? 1.0 : 0.0)));
  }
}
