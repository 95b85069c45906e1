package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapewatch.feed.FakeCoinbaseExchange.Capture;
import dev.tapewatch.feed.FakeCoinbaseExchange.Message;
import dev.tapewatch.feed.FakeCoinbaseServer.ClientText;
import dev.tapewatch.feed.FakeCoinbaseServer.Connection;
import dev.tapewatch.support.TestService;
import dev.tapewatch.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live Exchange feed's books, end to end: the service ({@code FEED=coinbase}) against {@link FakeCoinbaseExchange}
 * playing the 2021-04-17 capture with its level-2 messages. Every product's /book must end equal to the exchange's own
 * book, level for level with exact prices; a crossed book is resynced through an unsubscribe and subscribe of
 * level2_batch, and a dropped connection's books are replaced by the snapshots of the next one. BOOK_DEPTH is 2000,
 * above the capture's deepest side (1341 levels), so the best 1000 /book shows are the exchange's exactly.
 */
@Tag("integration")
@ExtendWith(VertxExtension.class)
class CoinbaseBookFeedTest {
  private static final String CROSSED = "BAND-GBP";
  private static Capture capture;

  @BeforeAll
  static void loadCapture() throws IOException {
    capture = Capture.load();
  }

  private static TestService service(Vertx vertx, FakeCoinbaseExchange exchange) throws Exception {
    vertx.deployVerticle(exchange).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Map<String, String> env = new HashMap<>();
    env.put("FEED", "coinbase");
    env.put("SYMBOL", String.join(",", capture.products()));
    env.put("COINBASE_WS_URL", exchange.wsUrl());
    env.put("COINBASE_REST_URL", exchange.restUrl());
    env.put("BOOK_DEPTH", "2000");
    return TestService.start(vertx, env);
  }

  /** The timeline index of the 50th level-2 update of {@code product} after its snapshot. */
  private static int afterSnapshot(List<Message> timeline, String product) {
    int updates = -1;
    for (int i = 0; i < timeline.size(); i++) {
      Message m = timeline.get(i);
      if (m.isBook() && m.product().equals(product) && (updates >= 0 || m.type().equals("snapshot"))) {
        if (++updates == 50) {
          return i;
        }
      }
    }
    throw new AssertionError("no 50 updates of " + product);
  }

  @Test
  void aCrossedBookIsResubscribedAndEveryBookEndsAsTheExchangeHasIt(Vertx vertx) throws Exception {
    FakeCoinbaseExchange exchange = new FakeCoinbaseExchange(capture).withBook();
    int at = afterSnapshot(exchange.timeline(), CROSSED);
    // A bid far above every ask: the client's book crosses; the exchange's own book never sees it.
    exchange.insertBefore(at, "{\"type\":\"l2update\",\"product_id\":\"" + CROSSED
        + "\",\"changes\":[[\"buy\",\"99999\",\"1\"]],\"time\":\"2021-04-17T16:43:40.000000Z\"}");
    TestService svc = service(vertx, exchange);
    awaitBooksAsTheExchangeHasThem(svc, exchange);

    Connection c = exchange.connections().get(0);
    assertEquals(1, exchange.connections().size());
    List<JsonObject> sent = c.received.stream().map(ClientText::json).toList();
    assertEquals(3, sent.size(), "the subscription, then one unsubscribe and subscribe: " + sent);
    JsonObject resync = new JsonObject().put("product_ids", new JsonArray().add(CROSSED))
        .put("channels", new JsonArray().add("level2_batch"));
    assertEquals(resync.copy().put("type", "unsubscribe"), sent.get(1));
    assertEquals(resync.copy().put("type", "subscribe"), sent.get(2));
    assertEquals(2, c.sentTexts.stream().filter(t -> t.contains("\"type\":\"snapshot\"")
        && t.contains("\"product_id\":\"" + CROSSED + "\"")).count(), "the recorded snapshot and a fresh one");

    JsonObject health = svc.json("/health");
    for (String p : capture.products()) {
      JsonObject book = health.getJsonObject("market").getJsonObject(p).getJsonObject("book");
      assertEquals("ok", book.getString("state"), p);
      assertEquals(p.equals(CROSSED) ? 1 : 0, book.getLong("resyncs"), p);
      assertEquals(p.equals(CROSSED) ? 1 : 0, health.getJsonObject("feed").getJsonObject("symbols")
          .getJsonObject(p).getLong("book_resubscribes"), p);
    }
    assertEquals(0L, health.getJsonObject("feed").getLong("malformed_total"));
  }

  @Test
  void theNextConnectionReplacesTheBooksWithItsSnapshots(Vertx vertx) throws Exception {
    FakeCoinbaseExchange exchange = new FakeCoinbaseExchange(capture).withBook();
    int half = exchange.timeline().size() / 2;
    exchange.dropAt(0, half).loseBefore(1, 500);
    TestService svc = service(vertx, exchange);
    awaitBooksAsTheExchangeHasThem(svc, exchange);
    assertEquals(2, exchange.connections().size());
    Connection second = exchange.connections().get(1);
    assertEquals(capture.products().size(), second.sentTexts.stream()
        .filter(t -> t.contains("\"type\":\"snapshot\"")).count(), "a snapshot of every book on subscribing");
    JsonObject health = svc.json("/health");
    for (String p : capture.products()) {
      assertEquals(0L, health.getJsonObject("market").getJsonObject(p).getJsonObject("book").getLong("resyncs"), p);
      assertEquals(2L, health.getJsonObject("feed").getJsonObject("symbols").getJsonObject(p)
          .getLong("book_snapshots"), p);
    }
  }

  /** Once the whole timeline has happened, every product's /book shows the exchange's best 1000 levels a side. */
  private static void awaitBooksAsTheExchangeHasThem(TestService svc, FakeCoinbaseExchange exchange) {
    ObjectMapper exact = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    Waits.until("every /book as the exchange has it", Duration.ofSeconds(30), () -> {
      if (!exchange.finished()) {
        return List.of("the exchange is still playing");
      }
      List<String> differences = new ArrayList<>();
      for (String p : capture.products()) {
        JsonNode book = exact.readTree(svc.getNow("/book?depth=1000&symbol=" + p).body().getBytes());
        differences.addAll(differences(p + " bids", exchange.book(p, true), book.get("bids")));
        differences.addAll(differences(p + " asks", exchange.book(p, false), book.get("asks")));
      }
      return differences;
    }, List::isEmpty, d -> d.size() + " differences, first " + d.subList(0, Math.min(3, d.size())));
  }

  private static List<String> differences(String what, List<String[]> expected, JsonNode shown) {
    if (shown == null || !shown.isArray()) {
      return List.of(what + ": no book");
    }
    List<String> out = new ArrayList<>();
    int n = Math.min(1000, expected.size());
    if (shown.size() != n) {
      out.add(what + ": " + shown.size() + " levels, expected " + n);
    }
    for (int i = 0; i < Math.min(n, shown.size()); i++) {
      if (new BigDecimal(expected.get(i)[0]).compareTo(shown.get(i).get(0).decimalValue()) != 0
          || new BigDecimal(expected.get(i)[1]).compareTo(shown.get(i).get(1).decimalValue()) != 0) {
        out.add(what + " level " + i + ": " + shown.get(i) + ", expected " + String.join(" ", expected.get(i)));
      }
    }
    return out;
  }
}
