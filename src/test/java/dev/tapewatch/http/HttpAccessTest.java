package dev.tapewatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.TestService;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What each client may do, over raw sockets against a service with an admin token, one allowed other site and a small
 * connection cap. Each test speaks from a loopback address of its own (127.0.0.x), which the service counts as a
 * client of its own.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpAccessTest {
  static final int MAX_CONNECTIONS = 8;
  /** Enough for the most run-now requests one test makes from its address (the bearer checks). */
  static final int RUN_NOW_PER_MIN = 12;
  static final String TOKEN = "s3cret-Token";
  static final String OPS = "https://ops.example.com";
  static final String RUN_NOW = "/agents/run-now?names=trend_score&symbol=ETH-USD&insert=false";

  private TestService svc;

  @BeforeAll
  void start() throws Exception {
    svc = TestService.startWithVertxMetrics(Map.of("SIM_SEED", "7", "ADMIN_TOKEN", TOKEN,
        "ALLOWED_ORIGINS", OPS, "MAX_CONNECTIONS_PER_IP", Integer.toString(MAX_CONNECTIONS),
        "RUN_NOW_PER_MIN", Integer.toString(RUN_NOW_PER_MIN)));
  }

  @AfterAll
  void stop() throws Exception {
    svc.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** GET /health from {@code address} on a connection of its own: 200, or an exception when it is refused. */
  private int health(String address) throws IOException {
    try (RawHttp c = RawHttp.connectFrom(address, svc.port())) {
      c.send(RawHttp.get("/health"));
      return c.read().status();
    }
  }

  @Test
  void oneAddressHoldsAtMostMaxConnectionsPerIpAndAnotherIsNotAffected() throws Exception {
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        RawHttp c = RawHttp.connectFrom("127.0.0.4", svc.port());
        c.send(RawHttp.get("/health"));
        assertEquals(200, c.read().status(), "connection " + (i + 1) + " of " + MAX_CONNECTIONS);
        held.add(c);
      }
      try (RawHttp over = RawHttp.connectFrom("127.0.0.4", svc.port())) {
        assertTrue(over.closedByServer(Duration.ofSeconds(5)), "one more is closed at once, long before any deadline");
      }
      assertEquals(200, health("127.0.0.5"), "another address is served");
      for (RawHttp c : held) {
        c.send(RawHttp.get("/health"));
        assertEquals(200, c.read().status(), "the connections held are still served");
      }
      held.remove(0).close();
      Awaitility.await("a connection from 127.0.0.4 once one of its connections closed").atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> health("127.0.0.4") == 200);
    } finally {
      for (RawHttp c : held) {
        c.close();
      }
    }
  }

  /** {@code request} sent from {@code address} on a connection of its own. */
  private RawHttp.Response exchangeFrom(String address, String request) throws IOException {
    try (RawHttp c = RawHttp.connectFrom(address, svc.port())) {
      c.send(request);
      return c.read();
    }
  }

  private String host() {
    return "Host: 127.0.0.1:" + svc.port();
  }

  @Test
  void anAllowedSiteGetsCorsAnswersAndStillNeedsTheToken() throws Exception {
    RawHttp.Response preflight = exchangeFrom("127.0.0.6", RawHttp.request("OPTIONS", RUN_NOW, host(),
        "Origin: " + OPS, "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: authorization"));
    assertEquals(204, preflight.status());
    assertEquals(OPS, preflight.header("Access-Control-Allow-Origin"));
    assertEquals("GET,POST", preflight.header("Access-Control-Allow-Methods"));
    assertEquals("Authorization", preflight.header("Access-Control-Allow-Headers"));

    RawHttp.Response ran = exchangeFrom("127.0.0.6", RawHttp.request("POST", RUN_NOW, host(), "Origin: " + OPS,
        "Authorization: Bearer " + TOKEN));
    assertEquals(200, ran.status(), ran.body());
    assertEquals(OPS, ran.header("Access-Control-Allow-Origin"));
    assertEquals("Retry-After", ran.header("Access-Control-Expose-Headers"));
    RawHttp.Response noToken = exchangeFrom("127.0.0.6", RawHttp.request("POST", RUN_NOW, host(), "Origin: " + OPS));
    HttpHardeningTest.assertJsonError(noToken, 401, "Authorization: Bearer <ADMIN_TOKEN>");
    assertEquals(OPS, noToken.header("Access-Control-Allow-Origin"), "the page may read why");
    assertEquals(OPS, exchangeFrom("127.0.0.6", RawHttp.request("GET", "/health", host(), "Origin: " + OPS))
        .header("Access-Control-Allow-Origin"));
  }

  @Test
  void anotherSitesPostIsRefusedEvenWithTheToken() throws Exception {
    HttpHardeningTest.assertJsonError(exchangeFrom("127.0.0.7", RawHttp.request("POST", RUN_NOW, host(),
        "Origin: https://evil.example", "Authorization: Bearer " + TOKEN)), 403, "cross-site request refused");
    HttpHardeningTest.assertJsonError(exchangeFrom("127.0.0.7", RawHttp.request("POST", RUN_NOW, host(),
        "Origin: https://ops.example.com:8443", "Authorization: Bearer " + TOKEN)), 403, "cross-site request refused");
  }

  @Test
  void theBearerSchemeIsMatchedInAnyCaseAndTheTokenExactly() throws Exception {
    for (String accepted : List.of("Bearer " + TOKEN, "bearer " + TOKEN, "BEARER " + TOKEN, "Bearer   " + TOKEN)) {
      RawHttp.Response r = exchangeFrom("127.0.0.8", RawHttp.request("POST", RUN_NOW, host(),
          "Authorization: " + accepted));
      assertEquals(200, r.status(), accepted + ": " + r.body());
      assertEquals(true, r.json().getBoolean("ok"), r.body());
    }
    for (String refused : List.of("Bearer " + TOKEN.toLowerCase(), "Bearer " + TOKEN + "x",
        "Bearer " + TOKEN.substring(1), "Basic " + TOKEN, "Bearer" + TOKEN, "Bearer", TOKEN)) {
      RawHttp.Response r = exchangeFrom("127.0.0.8", RawHttp.request("POST", RUN_NOW, host(),
          "Authorization: " + refused));
      HttpHardeningTest.assertJsonError(r, 401, "this endpoint needs Authorization: Bearer <ADMIN_TOKEN>");
      assertEquals("Bearer", r.header("WWW-Authenticate"), refused);
    }
    assertEquals(401, exchangeFrom("127.0.0.8", RawHttp.request("POST", RUN_NOW, host())).status(), "no header");
  }

  @Test
  void runNowIsLimitedPerAddressWith429AndRetryAfter() throws Exception {
    String authorized = "Authorization: Bearer " + TOKEN;
    for (int i = 0; i < RUN_NOW_PER_MIN; i++) {
      assertEquals(200, exchangeFrom("127.0.0.9", RawHttp.request("POST", RUN_NOW, host(), authorized)).status(),
          "request " + (i + 1) + " of the burst");
    }
    RawHttp.Response limited = exchangeFrom("127.0.0.9", RawHttp.request("POST", RUN_NOW, host(), authorized));
    HttpHardeningTest.assertJsonError(limited, 429, "at most 12 run-now requests a minute from one address; retry in");
    long retryAfter = Long.parseLong(limited.header("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 60 / RUN_NOW_PER_MIN, "Retry-After: " + retryAfter);
    assertEquals(429, exchangeFrom("127.0.0.9", RawHttp.request("POST", RUN_NOW, host())).status(),
        "a request without the token counts too, so that guessing it is slowed down");
    assertEquals(200, exchangeFrom("127.0.0.10", RawHttp.request("POST", RUN_NOW, host(), authorized)).status(),
        "another address has its own allowance");
    assertEquals(200, exchangeFrom("127.0.0.9", RawHttp.get("/agents")).status(), "only run-now is limited");
    Awaitility.await("run-now from 127.0.0.9 once Retry-After has passed")
        .atMost(Duration.ofSeconds(retryAfter + 5)).pollInterval(Duration.ofMillis(250))
        .until(() -> exchangeFrom("127.0.0.9", RawHttp.request("POST", RUN_NOW, host(), authorized)).status() == 200);
  }
}
