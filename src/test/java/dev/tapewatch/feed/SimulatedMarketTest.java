package dev.tapewatch.feed;

import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;

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
      m.advance(t, t + 100, trades::add, quotes::add);
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

  @Test
  void smallCoinsTradeInTenThousandthsAndOtherProductsGetADefaultLevel() {
    assertTrue(hour("ADA-USD", 1, new ArrayList<>()).stream()
        .allMatch(t -> t.price() < 2 && Math.round(t.price() * 10_000) / 10_000.0 == t.price()));
    assertTrue(hour("XYZ-USD", 1, new ArrayList<>()).stream().allMatch(t -> t.price() > 20 && t.price() < 500));
  }
}
