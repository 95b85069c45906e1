package dev.tapewatch.market;

import static dev.tapewatch.market.OrderBookTest.change;
import static dev.tapewatch.market.OrderBookTest.levels;
import static dev.tapewatch.market.OrderBookTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tapewatch.market.BookFeatures.DepthBand;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The book's features on a hand-made book: bids 99.9×3, 99.8×1, 99.5×2, 99×4, 98×5, 97×1; asks 100.1×1, 100.2×2,
 * 100.6×1, 101×3, 102×2, 103×5. Expected values computed by hand; inexact ones compared within 1e-12.
 */
class BookFeaturesTest {
  static OrderBook handMade() {
    OrderBook b = new OrderBook(1000);
    b.apply(snapshot(1_700_000_000_000L,
        levels("99.9", 3, "99.8", 1, "99.5", 2, "99", 4, "98", 5, "97", 1),
        levels("100.1", 1, "100.2", 2, "100.6", 1, "101", 3, "102", 2, "103", 5)));
    return b;
  }

  @Test
  void midSpreadAndMicroprice() {
    BookFeatures f = BookFeatures.of(handMade());
    assertEquals(99.9, f.bestBid());
    assertEquals(100.1, f.bestAsk());
    // (99.9 + 100.1) / 2
    assertEquals(100.0, f.mid());
    // (100.1 − 99.9) / 100 · 10⁴
    assertEquals(20.0, f.spreadBps(), 1e-9);
    // (99.9·1 + 100.1·3) / (3 + 1) = 400.2 / 4: the mid leans to the ask, the thinner side
    assertEquals(100.05, f.microprice(), 1e-12);
    assertEquals(1_700_000_000_000L, f.timeMs());
  }

  @Test
  void imbalanceOverTheTopLevels() {
    BookFeatures f = BookFeatures.of(handMade());
    // (3 − 1) / (3 + 1)
    assertEquals(0.5, f.imbalance1());
    // bids 3+1+2+4+5 = 15, asks 1+2+1+3+2 = 9: 6 / 24
    assertEquals(0.25, f.imbalance5());
    // six levels a side, all of them: bids 16, asks 14: 2 / 30
    assertEquals(2.0 / 30, f.imbalance10(), 1e-12);
    assertEquals(f.imbalance5(), f.imbalance(5));
  }

  @Test
  void depthWithinBandsOfTheMidCountsALevelExactlyOnTheEdge() {
    BookFeatures f = BookFeatures.of(handMade());
    // 10 bps of 100 is 0.1: bids ≥ 99.9 (on the edge), asks ≤ 100.1 (on the edge)
    assertEquals(new DepthBand(3, 1), f.depth10());
    // 0.25: bids 99.9, 99.8; asks 100.1, 100.2
    assertEquals(new DepthBand(4, 3), f.depth25());
    // 0.5: bids 99.9, 99.8, 99.5 (on the edge); asks 100.1, 100.2 (100.6 is 60 bps out)
    assertEquals(new DepthBand(6, 3), f.depth50());
  }

  @Test
  void tinyPricesAreExactToo() {
    OrderBook b = new OrderBook(1000);
    // mid 0.00010000; 10 bps of it is 0.0000001
    b.apply(snapshot(5, levels("0.0000999", 2, "0.0000998", 7), levels("0.0001001", 1.5, "0.0001002", 1)));
    BookFeatures f = BookFeatures.of(b);
    assertEquals(0.0001, f.mid());
    assertEquals(new DepthBand(2, 1.5), f.depth10());
    assertEquals(new DepthBand(9, 2.5), f.depth25());
    // (0.0000999·1.5 + 0.0001001·2) / 3.5
    assertEquals((0.0000999 * 1.5 + 0.0001001 * 2) / 3.5, f.microprice(), 1e-18);
  }

  @Test
  void noFeaturesWithoutATrustedTwoSidedBook() {
    OrderBook b = new OrderBook(1000);
    assertNull(BookFeatures.of(b), "no snapshot yet");
    b.apply(snapshot(1, levels("100", 1), levels()));
    assertNull(BookFeatures.of(b), "one side only");
    b.apply(snapshot(1, levels("100", 1), levels("100.1", 1)));
    b.apply(change(2, levels("100.1", 1), levels()));
    assertNull(BookFeatures.of(b), "crossed, resyncing");
  }

  @Test
  void theJsonFormTravelsBothWays() {
    BookFeatures f = BookFeatures.of(handMade());
    JsonObject j = f.toJson();
    assertEquals(new JsonObject().put("10", new JsonObject().put("bid", 3.0).put("ask", 1.0))
        .put("25", new JsonObject().put("bid", 4.0).put("ask", 3.0))
        .put("50", new JsonObject().put("bid", 6.0).put("ask", 3.0)), j.getJsonObject("depth_bps"));
    assertEquals(f, BookFeatures.fromJson(new JsonObject(j.encode())));
  }
}
