package dev.tapewatch.feed;

import dev.tapewatch.market.BookFeatures;
import dev.tapewatch.market.OrderBook;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Prices;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedMarketTest {
  static final long HOUR = 3_600_000L;

  private static List<Trade> hour(String symbol, long seed, List<Quote> quotes) {
    SimulatedMarket m = new SimulatedMarket(symbol, seed);
    List<Trade> trades = new ArrayList<>();
    for (long t = 0; t < HOUR; t += 100) {
      m.advance(t, t + 100, trades::add, quotes::add, b -> { });
    }
    return trades;
  }

  @Test
  void theSameSeedGivesTheSameTape() {
    assertEquals(hour("BTC-USD", 7, new ArrayList<>()), hour("BTC-USD", 7, new ArrayList<>()));
    assertNotEquals(hour("BTC-USD", 7, new ArrayList<>()), hour("BTC-USD", 8, new ArrayList<>()));
  }

  @Test
  void aRealisticTapeAtSeveralTradesASecond() {
    List<Quote> quotes = new ArrayList<>();
    List<Trade> trades = hour("ETH-USD", 3, quotes);
    double perSecond = trades.size() / 3600.0;
    assertTrue(perSecond >= 3 && perSecond <= 20, "trades per second: " + perSecond);
    long buys = trades.stream().filter(t -> t.takerSide() == Side.BUY).count();
    assertTrue(buys > trades.size() / 4 && buys < trades.size() * 3 / 4, "both sides trade");
    for (int i = 0; i < trades.size(); i++) {
      Trade t = trades.get(i);
      assertTrue(t.price() > 1_000 && t.price() < 10_000, "ETH price level: " + t.price());
      assertEquals(Math.round(t.price() * 100) / 100.0, t.price(), "whole cents");
      assertTrue(t.size() > 0);
      assertEquals(i + 1, t.tradeId(), "ids without gaps");
      assertTrue(i == 0 || t.timeMs() >= trades.get(i - 1).timeMs(), "in time order");
    }
    assertEquals(36_000, quotes.size(), "one quote per 100 ms tick");
    assertTrue(quotes.stream().allMatch(q -> q.bid() > 0 && q.bid() < q.ask()));
    double hi = trades.stream().mapToDouble(Trade::price).max().orElseThrow();
    double lo = trades.stream().mapToDouble(Trade::price).min().orElseThrow();
    assertTrue(hi / lo - 1 > 0.001 && hi / lo - 1 < 0.2, "an hour's range: " + (hi / lo - 1));
  }

  /** An hour of one product's steps: the quotes and the book changes, in order. */
  private static List<BookUpdate> bookHour(String symbol, long seed, List<Quote> quotes) {
    SimulatedMarket m = new SimulatedMarket(symbol, seed);
    List<BookUpdate> books = new ArrayList<>();
    for (long t = 0; t < HOUR; t += 100) {
      m.advance(t, t + 100, tr -> { }, quotes::add, books::add);
    }
    return books;
  }

  /**
   * A snapshot first, then updates; built into a book the simulated changes never cross it, its best levels are the
   * quote of the same step, it holds a hundred levels or more a side behind them, 200 levels at most on a grid 0.25 bps
   * of the starting price apart (about 50 bps for BTC) or a tick when that is coarser (ADA: 0.0001, 200 ticks), and it
   * leans with the drift: somewhere in an hour the imbalance over the best five
   * levels stays beyond 0.6 for at least 15 seconds, seen every 5 seconds as book_imbalance's defaults see it.
   */
  @Test
  void aPlausibleBookAroundTheQuote() {
    for (String symbol : List.of("BTC-USD", "ADA-USD")) {
      List<Quote> quotes = new ArrayList<>();
      List<BookUpdate> books = bookHour(symbol, 3, quotes);
      assertTrue(books.get(0).snapshot());
      assertTrue(books.get(0).bidPrices().length > 150, "most of 200 levels filled");
      assertTrue(books.stream().skip(1).noneMatch(BookUpdate::snapshot));
      assertEquals(36_000, books.size(), "a change every step");
      OrderBook book = new OrderBook(1000);
      long leaningSinceMs = -1;
      long longestLeanMs = 0;
      for (int i = 0; i < books.size(); i++) {
        BookUpdate u = books.get(i);
        Quote q = quotes.get(i);
        assertEquals(q.timeMs(), u.timeMs());
        assertEquals(OrderBook.Applied.APPLIED, book.apply(u), "step " + i);
        assertEquals(q.bid(), Prices.toDouble(book.bidPrice(0)), "best bid is the quote's");
        assertEquals(q.ask(), Prices.toDouble(book.askPrice(0)), "best ask is the quote's");
        double bid = Prices.toDouble(book.bidPrice(0));
        double span = symbol.equals("BTC-USD") ? bid * 0.006 : 0.02;
        assertTrue(book.bidLevels() >= 100 && book.askLevels() >= 100, "step " + i);
        assertTrue(book.bidLevels() <= 200 && book.askLevels() <= 200, "step " + i);
        assertTrue(bid - Prices.toDouble(book.bidPrice(book.bidLevels() - 1)) <= span, "step " + i);
        assertTrue(Prices.toDouble(book.askPrice(book.askLevels() - 1) - book.askPrice(0)) <= span, "step " + i);
        if (u.timeMs() % 5000 != 0) {
          continue;
        }
        double imbalance = BookFeatures.of(book).imbalance5();
        if (Math.abs(imbalance) >= 0.6) {
          leaningSinceMs = leaningSinceMs < 0 ? u.timeMs() : leaningSinceMs;
          longestLeanMs = Math.max(longestLeanMs, u.timeMs() - leaningSinceMs);
        } else {
          leaningSinceMs = -1;
        }
      }
      assertTrue(longestLeanMs >= 15_000, symbol + " leaned at most " + longestLeanMs + " ms");
    }
  }

  @Test
  void theBookIsTheSameForTheSameSeedAndLeavesTheTapeAsItWas() {
    List<BookUpdate> a = bookHour("ETH-USD", 7, new ArrayList<>());
    List<BookUpdate> b = bookHour("ETH-USD", 7, new ArrayList<>());
    for (int i = 0; i < a.size(); i += 97) {
      assertArrayEquals(a.get(i).bidPrices(), b.get(i).bidPrices());
      assertArrayEquals(a.get(i).askSizes(), b.get(i).askSizes());
    }
    SimulatedMarket withBook = new SimulatedMarket("ETH-USD", 7);
    List<Trade> trades = new ArrayList<>();
    for (long t = 0; t < HOUR; t += 100) {
      withBook.advance(t, t + 100, trades::add, q -> { }, u -> { });
    }
    assertEquals(hour("ETH-USD", 7, new ArrayList<>()), trades);
  }

  @Test
  void aSnapshotWhenAsked() {
    SimulatedMarket m = new SimulatedMarket("BTC-USD", 1);
    List<BookUpdate> books = new ArrayList<>();
    m.advance(0, 100, t -> { }, q -> { }, books::add);
    m.advance(100, 200, t -> { }, q -> { }, books::add);
    m.snapshotDue();
    m.advance(200, 300, t -> { }, q -> { }, books::add);
    assertEquals(List.of(true, false, true), books.stream().map(BookUpdate::snapshot).toList());
  }

  @Test
  void smallCoinsTradeInTenThousandthsAndOtherProductsGetADefaultLevel() {
    assertTrue(hour("ADA-USD", 1, new ArrayList<>()).stream()
        .allMatch(t -> t.price() < 2 && Math.round(t.price() * 10_000) / 10_000.0 == t.price()));
    assertTrue(hour("XYZ-USD", 1, new ArrayList<>()).stream().allMatch(t -> t.price() > 20 && t.price() < 500));
  }
}
