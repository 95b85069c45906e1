package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Trade;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Advanced Trade parser under damage: the capture's messages (all but the two huge snapshots) with a value swapped
 * for a hostile one, cut short, or with bytes flipped. Nothing may throw, and nothing insane may come out: every
 * trade, quote and book level it does pass is finite, positive where it must be, and whole.
 */
class AdvancedTradeParserFuzzTest {
  private static final List<String> HOSTILE = List.of("\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"-1\"",
      "\"0\"", "\"1e400\"", "\"-1e400\"", "\"\"", "null", "{}", "[]", "\"abc\"", "\"99999999999999999999999\"",
      "\"1.000000001\"", "\"bid\"", "\"offer\"", "\"ask\"", "\"BUY\"", "\"buy\"", "-3", "1e308", "\"2026-13-45T99:99:99Z\"",
      "\"snapshot\"", "\"update\"", "\"DOGE-USD\"", "true");

  @Test
  void damagedMessagesNeverThrowNorPassAnythingInsane() {
    AdvancedTradeMessageParser parser = new AdvancedTradeMessageParser(AdvancedTradeCapture.PRODUCTS);
    List<String> messages = AdvancedTradeCapture.received().stream().filter(m -> m.length() < 20_000).toList();
    Random random = new Random(17);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < 20_000; i++) {
      String m = messages.get(random.nextInt(messages.size()));
      String damaged = switch (random.nextInt(3)) {
        case 0 -> swapValue(m, random);
        case 1 -> m.substring(0, random.nextInt(m.length()));
        default -> flip(m, random);
      };
      AdvancedTradeMessage parsed;
      try {
        parsed = parser.parse(damaged);
      } catch (RuntimeException e) {
        throw new AssertionError("threw on " + damaged, e);
      }
      outcomes.merge(parsed.getClass().getSimpleName(), 1, Integer::sum);
      check(parsed, damaged);
    }
    // Damage of every kind was met: whole messages refused and items passed alike.
    assertTrue(outcomes.getOrDefault("Malformed", 0) > 1000, outcomes.toString());
    assertTrue(outcomes.getOrDefault("Books", 0) > 1000, outcomes.toString());
    assertTrue(outcomes.getOrDefault("Trades", 0) > 10, outcomes.toString());
  }

  /** Replaces the value of a random {@code "field":value} pair with a hostile one. */
  private static String swapValue(String m, Random random) {
    int colon = m.indexOf("\":", random.nextInt(m.length()));
    if (colon < 0) {
      return m;
    }
    int start = colon + 2;
    int end = start;
    if (end < m.length() && m.charAt(end) == '"') {
      end = m.indexOf('"', end + 1) + 1;
    } else {
      while (end < m.length() && ",}]".indexOf(m.charAt(end)) < 0) {
        end++;
      }
    }
    if (end <= start) {
      return m;
    }
    return m.substring(0, start) + HOSTILE.get(random.nextInt(HOSTILE.size())) + m.substring(end);
  }

  private static String flip(String m, Random random) {
    String noise = "{}[]\":,0-.eE \\x";
    char[] c = m.toCharArray();
    for (int k = 0, n = 1 + random.nextInt(3); k < n; k++) {
      c[random.nextInt(c.length)] = noise.charAt(random.nextInt(noise.length()));
    }
    return new String(c);
  }

  private static void check(AdvancedTradeMessage parsed, String line) {
    List<FeedMessage> items = parsed instanceof AdvancedTradeMessage.Trades t ? t.trades()
        : parsed instanceof AdvancedTradeMessage.Tickers t ? t.tickers()
        : parsed instanceof AdvancedTradeMessage.Books b ? b.books() : List.of();
    for (FeedMessage item : items) {
      if (item instanceof FeedMessage.TradeMessage tm) {
        Trade t = tm.trade();
        if (!(t.price() > 0 && Double.isFinite(t.price()) && t.size() > 0 && Double.isFinite(t.size())
            && t.tradeId() > 0 && t.takerSide() != null && AdvancedTradeCapture.PRODUCTS.contains(t.symbol()))) {
          fail("insane trade " + t + " from " + line);
        }
      } else if (item instanceof FeedMessage.TickerMessage tk) {
        Quote q = tk.quote();
        if (!(q.bid() > 0 && q.bid() <= q.ask() && Double.isFinite(q.ask()))) {
          fail("insane quote " + q + " from " + line);
        }
      } else if (item instanceof FeedMessage.BookMessage bm) {
        BookUpdate u = bm.update();
        assertEquals(u.bidPrices().length, u.bidSizes().length, line);
        assertEquals(u.askPrices().length, u.askSizes().length, line);
        for (long p : u.bidPrices()) {
          assertTrue(p > 0, line);
        }
        for (long p : u.askPrices()) {
          assertTrue(p > 0, line);
        }
        for (double s : u.bidSizes()) {
          assertTrue(s >= 0 && s <= TradeGate.MAX_MAGNITUDE, line);
        }
        for (double s : u.askSizes()) {
          assertTrue(s >= 0 && s <= TradeGate.MAX_MAGNITUDE, line);
        }
      } else if (!(item instanceof FeedMessage.Malformed)) {
        fail("unexpected item " + item + " from " + line);
      }
    }
  }
}
