package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.support.TestService;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Prices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The shared Advanced Trade capture replayed through the service: the final BTC-USD and ETH-USD books equal a
 * rebuild from the capture's own l2_data messages, every level of both sides. BOOK_DEPTH is above the capture's
 * deepest side (43,635 offer levels in one snapshot), so nothing is cut off, and the whole book is read from the
 * symbol's verticle (the HTTP endpoint serves at most 1,000 levels).
 */
@Tag("integration")
class AdvancedTradeCaptureBookTest {
  private static final Vertx VERTX = Vertx.vertx();
  private static TestService svc;

  @BeforeAll
  static void replay() throws Exception {
    svc = TestService.start(VERTX, Map.of("FEED", "replay:" + AdvancedTradeCapture.CAPTURE, "REPLAY_SPEED", "0",
        "SYMBOL", "BTC-USD,ETH-USD", "BOOK_DEPTH", "50000"));
    svc.await("/health", h -> h.getJsonObject("feed").getBoolean("replay_finished", false), 60_000);
  }

  @AfterAll
  static void close() throws Exception {
    VERTX.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The capture's level-2 changes of {@code product}, in the order received. */
  private static List<BookUpdate> l2(String product) {
    AdvancedTradeMessageParser parser = new AdvancedTradeMessageParser(AdvancedTradeCapture.PRODUCTS);
    List<BookUpdate> out = new ArrayList<>();
    for (String line : AdvancedTradeCapture.received()) {
      if (parser.parse(line) instanceof AdvancedTradeMessage.Books books) {
        books.books().stream().map(m -> ((FeedMessage.BookMessage) m).update())
            .filter(u -> u.symbol().equals(product)).forEach(out::add);
      }
    }
    return out;
  }

  /** {@code [[price, qty], ...]} as the service writes it, keyed by the exact scaled price. */
  private static Map<Long, Double> levels(JsonArray side) {
    Map<Long, Double> out = new LinkedHashMap<>();
    for (Object o : side) {
      JsonArray level = (JsonArray) o;
      // Decoded as a double, whose text may be in E notation (1.10555516E7); its shortest decimal is the exact price.
      out.put(Prices.parse(new BigDecimal(level.getValue(0).toString()).toPlainString()), level.getDouble(1));
    }
    return out;
  }

  @Test
  void theFinalBooksEqualARebuildFromTheCapturesOwnMessagesEveryLevel() throws Exception {
    for (String product : AdvancedTradeCapture.PRODUCTS) {
      BookFold rebuilt = BookFold.of(l2(product));
      JsonObject book = new JsonObject(VERTX.eventBus().<String>request(Addresses.Market.BOOK.of(product),
          new JsonObject().put("depth", 100_000)).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).body());
      assertEquals("ok", book.getString("book"), product);
      Map<Long, Double> bids = levels(book.getJsonArray("bids"));
      Map<Long, Double> asks = levels(book.getJsonArray("asks"));
      assertEquals(new ArrayList<>(rebuilt.bids.entrySet()), new ArrayList<>(bids.entrySet()),
          product + ": every bid level, best first");
      List<Map.Entry<Long, Double>> want = new ArrayList<>(rebuilt.asks.entrySet());
      List<Map.Entry<Long, Double>> got = new ArrayList<>(asks.entrySet());
      int first = 0;
      while (first < Math.min(want.size(), got.size()) && want.get(first).equals(got.get(first))) {
        first++;
      }
      assertEquals(want, got, product + ": every offer level, best first; rebuilt " + want.size() + ", served "
          + got.size() + ", first difference at " + first + ": " + (first < want.size() ? want.get(first) : null)
          + " vs " + (first < got.size() ? got.get(first) : null));
      assertTrue(asks.size() > 10_000, product + " keeps the snapshot's offers: " + asks.size());
    }
  }
}
