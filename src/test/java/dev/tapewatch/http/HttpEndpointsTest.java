package dev.tapewatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.support.TestService;
import dev.tapewatch.support.Waits;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The endpoints' exact shapes and error paths against the service running on the simulator. */
@Tag("integration")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class HttpEndpointsTest {
  static final Set<String> SIGNALS_KEYS = Set.of("symbol", "mom1_bps", "mom5_bps", "rvol_vs_recent",
      "px_vs_vwap_bps", "best_bid", "best_ask", "last_price", "trades_cached");
  public static final Set<String> SIGNALS_TF_KEYS = Set.of("symbol", "mom_bps_1m", "mom_bps_5m", "mom_bps_15m",
      "px_vs_vwap_bps_1m", "px_vs_vwap_bps_5m", "px_vs_vwap_bps_15m", "rvol_1m", "rvol_5m", "rvol_15m", "atr_1m",
      "atr_5m", "atr_15m");

  private TestService svc;

  @BeforeAll
  void start(Vertx vertx) throws Exception {
    svc = TestService.start(vertx, Map.of("SIM_SEED", "42", "SYMBOL", "BTC-USD,ETH-USD,ADA-USD"));
    // The store's status comes on its own period: until then /health says the database is starting.
    svc.await("/health", h -> h.getString("status").equals("ok")
        && !"starting".equals(h.getJsonObject("database").getString("mode")), 10_000);
  }

  @Test
  void signalsHasTheSeedShapeAndDefaultsToTheFirstSymbol() throws Exception {
    JsonObject s = svc.json("/signals");
    assertEquals(SIGNALS_KEYS, s.fieldNames());
    assertEquals("BTC-USD", s.getString("symbol"));
    assertTrue(s.getInteger("trades_cached") > 1000, "the simulator fills two hours of history at start");
    double bid = s.getDouble("best_bid");
    double ask = s.getDouble("best_ask");
    double last = s.getDouble("last_price");
    assertTrue(bid > 10_000 && bid < ask, s.encode());
    assertTrue(last > 10_000, s.encode());
    for (String k : List.of("mom1_bps", "mom5_bps", "rvol_vs_recent", "px_vs_vwap_bps")) {
      assertTrue(Double.isFinite(s.getDouble(k)), k);
    }
    assertTrue(s.getDouble("rvol_vs_recent") > 0, "two hours of trades give a volume baseline");
  }

  @Test
  void signalsTfHasTheSeedShape() throws Exception {
    JsonObject tf = svc.json("/signals_tf?symbol=eth-usd");
    assertEquals(SIGNALS_TF_KEYS, tf.fieldNames());
    assertEquals("ETH-USD", tf.getString("symbol"));
    for (String tfLabel : List.of("1m", "5m", "15m")) {
      assertTrue(tf.getDouble("atr_" + tfLabel) > 0, "ATR baseline from the history: " + tf);
      assertTrue(tf.getDouble("rvol_" + tfLabel) >= 0, tf.encode());
    }
  }

  @Test
  void debugStateAndFeaturesShapes() throws Exception {
    JsonObject state = svc.json("/debug/state?symbol=ADA-USD");
    assertEquals(Set.of("symbol", "trades_cached", "last_trade", "last_trade_age_s", "bars_1m_count",
        "bars_1m_tail"), state.fieldNames());
    assertEquals(4, state.getJsonArray("last_trade").size());
    assertTrue(Set.of("buy", "sell").contains(state.getJsonArray("last_trade").getString(3)));
    assertTrue(state.getDouble("last_trade_age_s") < 5, state.encode());
    assertTrue(state.getInteger("bars_1m_count") >= 120);
    JsonObject bar = state.getJsonArray("bars_1m_tail").getJsonObject(2);
    assertEquals(Set.of("ts_utc", "open", "high", "low", "close", "volume", "vwap", "signed_volume", "trades"),
        bar.fieldNames());
    assertTrue(bar.getDouble("low") <= bar.getDouble("open") && bar.getDouble("open") <= bar.getDouble("high"));

    JsonObject f = svc.json("/debug/features?symbol=ADA-USD");
    assertTrue(f.fieldNames().containsAll(SIGNALS_TF_KEYS), f.encode());
    assertEquals(Set.of("1m", "5m", "15m"), f.getJsonObject("bars").fieldNames());
    assertTrue(f.getJsonObject("bars").getInteger("15m") >= 8);
    for (String k : List.of("volume_1m", "signed_volume_1m", "late_trades_1m", "last_price", "best_bid",
        "best_ask")) {
      assertTrue(f.containsKey(k), k);
    }
  }

  @Test
  void barsForTheChartAreValidatedLikeEveryEndpoint() throws Exception {
    JsonObject byDefault = svc.json("/bars?symbol=BTC-USD");
    assertEquals(Set.of("symbol", "tf", "bars"), byDefault.fieldNames());
    assertEquals("1m", byDefault.getString("tf"));
    assertEquals(120, byDefault.getJsonArray("bars").size(), "120 by default; two hours of history exist");
    JsonObject m15 = svc.json("/bars?symbol=eth-usd&tf=15m&limit=3");
    assertEquals("ETH-USD", m15.getString("symbol"));
    assertEquals(3, m15.getJsonArray("bars").size());
    long previous = 0;
    for (Object o : m15.getJsonArray("bars")) {
      long start = Instant.parse(((JsonObject) o).getString("ts_utc")).toEpochMilli();
      assertEquals(0, start % 900_000, "15m buckets");
      assertTrue(start > previous, "oldest first");
      previous = start;
    }
    expectError("/bars?tf=2m", 400, "unknown tf '2m'; valid: 1m,5m,15m");
    expectError("/bars?limit=0", 400, "parameter 'limit' must be a whole number from 1 to 1000");
    expectError("/bars?limit=1001", 400, "from 1 to 1000");
    expectError("/bars?symbol=DOGE-USD", 404, "unknown symbol");
    expectError("/bars?from=1", 400, "unknown parameter 'from'");
  }

  @Test
  void newFindingsArriveLiveAsServerSentEventsForTheChosenSymbol(Vertx vertx) throws Exception {
    StringBuffer received = new StringBuffer();
    CompletableFuture<HttpClientResponse> opened = new CompletableFuture<>();
    HttpClient client = vertx.createHttpClient();
    client.request(HttpMethod.GET, svc.port(), "127.0.0.1", "/findings/stream?symbol=ETH-USD")
        .compose(HttpClientRequest::send)
        .onSuccess(resp -> {
          resp.handler(buf -> received.append(buf.toString()));
          opened.complete(resp);
        })
        .onFailure(opened::completeExceptionally);
    HttpClientResponse resp = opened.get(10, TimeUnit.SECONDS);
    assertEquals(200, resp.statusCode());
    assertEquals("text/event-stream; charset=utf-8", resp.getHeader("Content-Type"));

    JsonObject finding = trendReading(vertx, "ETH-USD");
    String btcId = trendReading(vertx, "BTC-USD").getString("id");
    // A second ETH-USD finding, made after the BTC-USD one: once it has arrived, a BTC-USD event would have too.
    JsonObject later = trendReading(vertx, "ETH-USD");
    String event = "event: finding\nid: " + finding.getString("id") + "\ndata: " + finding.encode() + "\n\n";
    Waits.until("the later ETH-USD finding on the stream", Duration.ofSeconds(5),
        () -> received.toString().contains("id: " + later.getString("id") + "\n"));
    assertTrue(received.toString().startsWith(": tapewatch findings\n\n"), received.toString());
    assertTrue(received.toString().contains(event), "the ETH-USD finding arrives as it is made: " + received);
    assertFalse(received.toString().contains(btcId), "another symbol's finding is not sent");

    // An outcome, as the symbol's owner publishes it, follows its finding onto the stream; another symbol's does not.
    JsonObject outcome = new JsonObject().put("id", finding.getString("id")).put("symbol", "ETH-USD")
        .put("agent", "trend_score").put("horizon", "5m")
        .put("outcome", new JsonObject().put("price", 3401.0).put("ret_bps", 2.5).put("hit", true));
    vertx.eventBus().publish(Addresses.FINDING_OUTCOMES, outcome.copy().put("symbol", "BTC-USD").put("id", btcId));
    vertx.eventBus().publish(Addresses.FINDING_OUTCOMES, outcome);
    String outcomeEvent = "event: outcome\nid: " + finding.getString("id") + "\ndata: " + outcome.encode() + "\n\n";
    Waits.until("the outcome on the stream", Duration.ofSeconds(5), () -> received.toString().contains(outcomeEvent));
    assertFalse(received.toString().contains(btcId), "another symbol's outcome is not sent");
    expectError("/findings/stream?symbol=XRP-USD", 404, "unknown symbol");
    client.close();
  }

  private record Answer(int status, Buffer body) {
  }

  /** A GET of {@code path} on a connection of the client's; {@code written} gains its request's being written. */
  private CompletableFuture<Answer> answer(HttpClient client, String path, List<CompletableFuture<Void>> written) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    written.add(sent);
    return client.request(HttpMethod.GET, svc.port(), "127.0.0.1", path)
        .compose(req -> {
          req.end().onComplete(w -> sent.complete(null));
          return req.response();
        })
        .compose(r -> r.body().map(body -> new Answer(r.statusCode(), body)))
        .toCompletionStage().toCompletableFuture();
  }

  @Test
  void requestsForAViewThatArriveWhileItIsAskedAreAnsweredTogetherByTheNextAsk(Vertx vertx) throws Exception {
    int n = 20;
    String address = Addresses.Market.SIGNALS_TF.of("ADA-USD");
    AtomicInteger asks = new AtomicInteger();
    CompletableFuture<DeliveryContext<Object>> held = new CompletableFuture<>();
    Handler<DeliveryContext<Object>> holdFirst = ctx -> {
      if (address.equals(ctx.message().address()) && asks.incrementAndGet() == 1) {
        held.complete(ctx);
      } else {
        ctx.next();
      }
    };
    vertx.eventBus().addOutboundInterceptor(holdFirst);
    HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(n + 1));
    try {
      List<CompletableFuture<Answer>> answers = new ArrayList<>();
      List<CompletableFuture<Void>> written = new ArrayList<>();
      String path = "/signals_tf?symbol=ADA-USD";
      answers.add(answer(client, path, written));
      DeliveryContext<Object> first = held.get(10, TimeUnit.SECONDS);
      for (int i = 1; i < n; i++) {
        answers.add(answer(client, path, written));
      }
      // The held ask goes on only once the server has taken in the others: a request it reads only after the answer
      // makes a round of its own, and on a loaded machine that was most of them. Every request written, a request of
      // /health on a connection of its own answered after them is the sign that the server has read them.
      for (CompletableFuture<Void> w : written) {
        w.get(10, TimeUnit.SECONDS);
      }
      assertEquals(200, answer(client, "/health", new ArrayList<>()).get(10, TimeUnit.SECONDS).status());
      first.next();
      for (CompletableFuture<Answer> answer : answers) {
        Answer r = answer.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals(SIGNALS_TF_KEYS, r.body().toJsonObject().fieldNames());
        assertEquals("ADA-USD", r.body().toJsonObject().getString("symbol"));
      }
      // The requests that queued behind the held ask share one; any that reached the server only after it was
      // answered make another round, so the count is at least 2 but not exactly known.
      assertTrue(asks.get() >= 2 && asks.get() <= n / 2, asks.get() + " asks for " + n + " requests");
    } finally {
      vertx.eventBus().removeOutboundInterceptor(holdFirst);
      client.close();
    }
  }

  /** The finding of a trend_score run-now for {@code symbol} (a reading comes every run). */
  private JsonObject trendReading(Vertx vertx, String symbol) throws Exception {
    HttpResponse<Buffer> r = WebClient.create(vertx).post(svc.port(), "127.0.0.1",
        "/agents/run-now?names=trend_score&symbol=" + symbol).send().toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    return r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getJsonObject("finding");
  }

  @Test
  void agentsDescribeThemselves() throws Exception {
    JsonArray agents = svc.json("/agents").getJsonArray("agents");
    assertEquals(List.of("rvol_spike", "trend_score", "cvd_divergence", "new_trend", "reversal", "liquidity",
        "macro_watch", "book_imbalance", "llm_analyst"), agents.stream().map(a -> ((JsonObject) a).getString("agent")).toList());
    JsonObject trend = agents.getJsonObject(1);
    assertEquals(new JsonArray()
        .add(new JsonObject().put("label", "trend_score").put("direction", "sign(score - 0.5)")
            .put("description", "every run's reading: p_up with p_1m, p_5m, p_15m, the posture and the features")
            .put("role", "reading"))
        .add(new JsonObject().put("label", "enter_long").put("direction", 1)
            .put("description", "the posture turned long after TS_PERSIST runs at or above TS_ENTRY")
            .put("role", "posture_change"))
        .add(new JsonObject().put("label", "exit_long").put("direction", -1)
            .put("description", "the posture turned flat after TS_PERSIST runs at or below TS_EXIT")
            .put("role", "posture_change")), trend.getJsonArray("labels"));
    assertEquals("TS_INTERVAL", trend.getString("interval_setting"));
    assertEquals("FEATURE_BARS", trend.getString("switch"));
    assertEquals(true, trend.getBoolean("keeps_posture"));
    assertEquals(false, trend.getBoolean("needs_llm"));
    JsonObject llm = agents.getJsonObject(8);
    assertEquals("disabled", llm.getString("status"));
    assertEquals("LLM_ENABLE=false", llm.getString("disabled_by"));
    assertEquals(true, llm.getBoolean("needs_llm"));
    assertEquals(List.of(1, -1, 0), llm.getJsonArray("labels").stream()
        .map(l -> ((JsonObject) l).getValue("direction")).toList());
    assertEquals(3.0, agents.getJsonObject(0).getDouble("alert_min_score"));
  }

  @Test
  void healthReportsFeedAndEverySymbol() throws Exception {
    // Every part reports on its own period: the health checked is one that has heard from all of them since trading.
    JsonObject h = svc.await("/health", health -> health.getJsonObject("feed").getValue("last_message_age_s") != null
        && Stream.of("BTC-USD", "ETH-USD", "ADA-USD").allMatch(s -> {
          JsonObject m = health.getJsonObject("market").getJsonObject(s);
          return m != null && m.getJsonObject("latency_us") != null && m.getJsonObject("book") != null
              && m.getJsonObject("latency_us").getLong("count") > 0 && m.getJsonObject("book").getLong("updates") > 100;
        }), 10_000);
    assertEquals(Set.of("status", "symbols", "trades_cached", "agents", "database", "alerts", "llm", "feed", "market",
        "cluster", "uptime_s"), h.fieldNames());
    assertEquals(new JsonObject().put("enabled", false), h.getJsonObject("cluster"));
    assertEquals(Set.of("rvol_spike", "trend_score", "cvd_divergence", "new_trend", "reversal", "liquidity",
        "macro_watch", "book_imbalance", "llm_analyst"),
        h.getJsonObject("agents").fieldNames());
    assertEquals("memory", h.getJsonObject("database").getString("mode"));
    assertEquals(List.of("BTC-USD", "ETH-USD", "ADA-USD"), h.getJsonArray("symbols").getList());
    JsonObject feed = h.getJsonObject("feed");
    assertEquals("sim", feed.getString("mode"));
    assertTrue(feed.getBoolean("connected"));
    assertTrue(feed.getDouble("last_message_age_s") < 2, feed.encode());
    for (String s : List.of("BTC-USD", "ETH-USD", "ADA-USD")) {
      assertTrue(h.getJsonObject("trades_cached").getInteger(s) > 0);
      JsonObject m = h.getJsonObject("market").getJsonObject(s);
      assertTrue(m.getBoolean("responding"));
      assertTrue(m.getJsonObject("latency_us").getLong("count") > 0);
      JsonObject book = m.getJsonObject("book");
      assertEquals(Set.of("state", "resync_reason", "bid_levels", "ask_levels", "updates", "resyncs", "latency_us"),
          book.fieldNames());
      assertEquals("ok", book.getString("state"));
      assertNull(book.getValue("resync_reason"));
      assertEquals(0L, book.getLong("resyncs"));
      assertTrue(book.getInteger("bid_levels") > 100 && book.getLong("updates") > 100, book.encode());
      assertTrue(book.getJsonObject("latency_us").getLong("count") > 0);
      assertTrue(feed.getJsonObject("symbols").getJsonObject(s).getLong("book_snapshots") == 1, feed.encode());
    }
  }

  static final Set<String> BOOK_KEYS = Set.of("symbol", "ts", "bids", "asks", "mid", "spread_bps", "microprice",
      "imbalance_1", "imbalance_5", "imbalance_10", "depth_bps", "book_age_ms", "book");

  /**
   * The simulator's book as /book shows it: every field, levels best first with exact prices, and the figures equal to
   * what the README's definitions give from the levels of the same answer (all of them: depth=1000).
   */
  @Test
  void bookShowsTheLevelsAndWhatTheySay() throws Exception {
    HttpResponse<Buffer> r = svc.getNow("/book?symbol=eth-usd&depth=1000");
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.getHeader("Content-Type"));
    JsonNode b = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(r.body()
        .getBytes());
    assertEquals(BOOK_KEYS, fieldNames(b));
    assertEquals("ETH-USD", b.get("symbol").asText());
    assertEquals("ok", b.get("book").asText());
    assertTrue(b.get("book_age_ms").asLong() >= 0 && b.get("book_age_ms").asLong() < 5_000, b.toString());
    assertTrue(Instant.now().toEpochMilli() - Instant.parse(b.get("ts").asText()).toEpochMilli() < 5_000);
    List<BigDecimal[]> bids = levels(b.get("bids"));
    List<BigDecimal[]> asks = levels(b.get("asks"));
    assertTrue(bids.size() > 100 && asks.size() > 100, "the simulated book: " + bids.size() + "/" + asks.size());
    for (int i = 1; i < bids.size(); i++) {
      assertTrue(bids.get(i)[0].compareTo(bids.get(i - 1)[0]) < 0, "bids best first");
    }
    for (int i = 1; i < asks.size(); i++) {
      assertTrue(asks.get(i)[0].compareTo(asks.get(i - 1)[0]) > 0, "asks best first");
    }
    BigDecimal bid = bids.get(0)[0];
    BigDecimal ask = asks.get(0)[0];
    assertTrue(bid.compareTo(ask) < 0);
    assertTrue(bids.stream().allMatch(l -> l[0].scale() <= 8 && l[1].signum() > 0), "prices as exact decimals");
    BigDecimal mid = bid.add(ask).divide(BigDecimal.valueOf(2));
    assertEquals(0, mid.compareTo(b.get("mid").decimalValue()), "the mid, exactly");
    close(ask.subtract(bid).doubleValue() / mid.doubleValue() * 1e4, b.get("spread_bps").asDouble(), "spread_bps");
    double qb = bids.get(0)[1].doubleValue();
    double qa = asks.get(0)[1].doubleValue();
    close((bid.doubleValue() * qa + ask.doubleValue() * qb) / (qb + qa), b.get("microprice").asDouble(), "microprice");
    for (int n : new int[] {1, 5, 10}) {
      double sb = bids.stream().limit(n).mapToDouble(l -> l[1].doubleValue()).sum();
      double sa = asks.stream().limit(n).mapToDouble(l -> l[1].doubleValue()).sum();
      close((sb - sa) / (sb + sa), b.get("imbalance_" + n).asDouble(), "imbalance_" + n);
    }
    assertEquals(Set.of("10", "25", "50"), fieldNames(b.get("depth_bps")));
    for (int bps : new int[] {10, 25, 50}) {
      BigDecimal band = mid.multiply(BigDecimal.valueOf(bps)).divide(BigDecimal.valueOf(10_000));
      double sb = bids.stream().filter(l -> mid.subtract(l[0]).compareTo(band) <= 0)
          .mapToDouble(l -> l[1].doubleValue()).sum();
      double sa = asks.stream().filter(l -> l[0].subtract(mid).compareTo(band) <= 0)
          .mapToDouble(l -> l[1].doubleValue()).sum();
      JsonNode d = b.get("depth_bps").get(Integer.toString(bps));
      assertEquals(Set.of("bid", "ask"), fieldNames(d));
      close(sb, d.get("bid").asDouble(), bps + " bps bid");
      close(sa, d.get("ask").asDouble(), bps + " bps ask");
    }
    assertFalse(r.bodyAsString().contains("E-") || r.bodyAsString().contains("NaN"), r.bodyAsString());

    assertEquals(20, svc.json("/book").getJsonArray("bids").size(), "20 levels by default");
    assertEquals("BTC-USD", svc.json("/book").getString("symbol"), "the first symbol by default");
    assertEquals(5, svc.json("/book?symbol=ADA-USD&depth=5").getJsonArray("asks").size());
    JsonObject features = svc.json("/debug/features?symbol=ETH-USD").getJsonObject("book");
    assertEquals(Set.of("best_bid", "best_ask", "mid", "spread_bps", "microprice", "imbalance_1", "imbalance_5",
        "imbalance_10", "depth_bps", "time_ms"), features.fieldNames());

    expectError("/book?depth=0", 400, "parameter 'depth' must be a whole number from 1 to 1000");
    expectError("/book?depth=1001", 400, "parameter 'depth' must be a whole number from 1 to 1000");
    expectError("/book?depth=ten", 400, "parameter 'depth' must be a whole number from 1 to 1000");
    expectError("/book?depth=5&depth=6", 400, "more than once");
    expectError("/book?levels=5", 400, "unknown parameter 'levels'");
    expectError("/book?symbol=DOGE-USD", 404, "unknown symbol 'DOGE-USD'");
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> out = new java.util.HashSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** [price, qty] pairs as the exact decimals written. */
  private static List<BigDecimal[]> levels(JsonNode side) {
    List<BigDecimal[]> out = new java.util.ArrayList<>();
    side.forEach(l -> {
      assertEquals(2, l.size());
      out.add(new BigDecimal[] {l.get(0).decimalValue(), l.get(1).decimalValue()});
    });
    return out;
  }

  private static void close(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), what);
  }

  @Test
  void badParametersGet400AndUnknownSymbols404() throws Exception {
    expectError("/signals?symbol=DOGE-USD", 404, "unknown symbol 'DOGE-USD'");
    expectError("/signals_tf?symbol=", 400, "parameter 'symbol' is empty");
    expectError("/debug/state?symbol=BTC-USD&symbol=ETH-USD", 400, "more than once");
    expectError("/debug/features?sym=BTC-USD", 400, "unknown parameter 'sym'");
    expectError("/health?verbose=1", 400, "unknown parameter 'verbose'");
    expectError("/no/such/thing", 404, "no such endpoint");
    HttpResponse<Buffer> post = WebClient.create(svc.vertx()).post(svc.port(), "127.0.0.1", "/signals").send()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(405, post.statusCode());
    assertTrue(post.bodyAsJsonObject().getString("error").contains("not allowed"));
  }

  @Test
  void aSymbolThatDoesNotAnswerGives503WithRetryAfter(Vertx vertx) throws Exception {
    // A second handler that never replies: point-to-point delivery alternates, so one of two requests times out.
    MessageConsumer<Object> silent = vertx.eventBus().consumer(Addresses.Market.SIGNALS.of("ETH-USD"), m -> { });
    silent.completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    try {
      HttpResponse<Buffer> a = svc.getNow("/signals?symbol=ETH-USD");
      HttpResponse<Buffer> b = svc.getNow("/signals?symbol=ETH-USD");
      HttpResponse<Buffer> timedOut = a.statusCode() == 503 ? a : b;
      assertEquals(503, timedOut.statusCode());
      assertEquals("1", timedOut.getHeader("Retry-After"));
      assertEquals("market state of ETH-USD did not answer within 2000 ms",
          timedOut.bodyAsJsonObject().getString("error"));
      assertEquals(200, (a == timedOut ? b : a).statusCode());
      assertEquals(200, svc.getNow("/health").statusCode());
    } finally {
      silent.unregister();
    }
  }

  @Test
  void staticDashboardIsServed() throws Exception {
    HttpResponse<Buffer> r = svc.getNow("/");
    assertEquals(200, r.statusCode());
    assertTrue(r.bodyAsString().contains("<title>tapewatch</title>"));
    assertNull(r.getHeader("Cache-Control"), "the page is revalidated after an upgrade, not kept for a day");
    assertEquals("text/html;charset=UTF-8", r.getHeader("Content-Type"));
    assertEquals("text/javascript;charset=UTF-8", svc.getNow("/dashboard.js").getHeader("Content-Type"));
    HttpResponse<Buffer> chart = svc.getNow("/webjars/echarts/5.3.1/dist/echarts.min.js");
    assertEquals(200, chart.statusCode());
    assertTrue(chart.getHeader("Cache-Control").contains("max-age"), "a versioned library may be cached");
    assertTrue(chart.bodyAsString().contains("echarts"));
  }

  @Test
  void aSymbolWithoutTradesAnswersZerosAndNulls(@TempDir Path tmp) throws Exception {
    Path tape = tmp.resolve("empty.ndjson");
    Files.writeString(tape, "not json\n{\"type\":\"match\",\"product_id\":\"BTC-USD\"}\n");
    // A service of its own needs a Vert.x of its own: the event-bus addresses would clash.
    Vertx own = Vertx.vertx();
    try {
      assertNoTradesAnswers(TestService.start(own, Map.of("FEED", "replay:" + tape, "REPLAY_SPEED", "0",
          "SYMBOL", "BTC-USD")));
    } finally {
      own.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static void assertNoTradesAnswers(TestService empty) throws Exception {
    JsonObject h = empty.await("/health", x -> x.getJsonObject("feed").getBoolean("replay_finished", false),
        10_000);
    assertEquals(new JsonObject().put("not_json", 1).put("missing_field", 1),
        h.getJsonObject("feed").getJsonObject("malformed"));
    JsonObject s = empty.json("/signals");
    assertEquals(new JsonObject().put("symbol", "BTC-USD").put("mom1_bps", 0.0).put("mom5_bps", 0.0)
        .put("rvol_vs_recent", 0.0).put("px_vs_vwap_bps", 0.0).putNull("best_bid").putNull("best_ask")
        .putNull("last_price").put("trades_cached", 0), s);
    JsonObject tf = empty.json("/signals_tf");
    SIGNALS_TF_KEYS.stream().filter(k -> !k.equals("symbol")).forEach(k -> assertEquals(0.0, tf.getDouble(k), k));
    JsonObject state = empty.json("/debug/state");
    assertNull(state.getValue("last_trade"));
    assertNull(state.getValue("last_trade_age_s"));
    assertEquals(0, state.getInteger("bars_1m_count"));
    JsonObject book = new JsonObject().put("symbol", "BTC-USD");
    BOOK_KEYS.stream().filter(k -> !k.equals("symbol") && !k.equals("book")).forEach(book::putNull);
    assertEquals(book.put("book", "none"), empty.json("/book?depth=3"));
    assertNull(empty.json("/debug/features").getValue("book"));
  }

  private void expectError(String path, int status, String fragment) throws Exception {
    HttpResponse<Buffer> r = svc.getNow(path);
    assertEquals(status, r.statusCode(), path);
    assertEquals("application/json", r.getHeader("Content-Type"));
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(Set.of("error"), body.fieldNames());
    assertTrue(body.getString("error").contains(fragment), body.encode());
    assertFalse(body.encode().contains("Exception"), "no stack trace or exception name reaches a client");
  }
}
