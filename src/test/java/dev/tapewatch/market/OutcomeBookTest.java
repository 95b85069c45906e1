package dev.tapewatch.market;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.config.Horizon;
import dev.tapewatch.market.OutcomeBook.Resolved;
import dev.tapewatch.tape.Side;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeBookTest {
  private static final List<Horizon> ONE_AND_FIVE = List.of(new Horizon("1m", 60_000), new Horizon("5m", 300_000));
  private static final long T = 1_764_547_200_000L;

  private static TradeRing ring(long... timeAndPrice) {
    TradeRing r = new TradeRing(100);
    for (int i = 0; i < timeAndPrice.length; i += 2) {
      r.add(timeAndPrice[i], timeAndPrice[i + 1], 1.0, Side.BUY, i / 2 + 1);
    }
    return r;
  }

  private static JsonObject priced(double price, Double retBps, Boolean hit) {
    return new JsonObject().put("price", price).put("ret_bps", retBps).put("hit", hit);
  }

  @Test
  void eachHorizonIsPricedByTheLastTradeAtOrBeforeItsEndOnceATradeReachesIt() {
    OutcomeBook book = new OutcomeBook();
    book.open("up", "a", T, 128.0, 1, ONE_AND_FIVE);
    book.open("down", "a", T, 128.0, -1, ONE_AND_FIVE);
    book.open("none", "a", T, 128.0, 0, ONE_AND_FIVE);
    // Trades at T+30 s (130), T+60 s exactly (136, at the 1m end: it counts), T+61 s (120).
    TradeRing r = ring(T + 30_000, 130, T + 60_000, 136, T + 61_000, 120);
    assertEquals(List.of(), book.resolve(r, T + 59_999), "nothing is due before a trade reaches T + 1m");
    List<Resolved> due = book.resolve(r, T + 61_000);
    // 136 / 128 − 1 = +625 bps: a hit for the up call, a miss for the down call, no verdict without a direction.
    assertEquals(List.of(new Resolved("up", "a", "1m", priced(136, 625.0, true)),
        new Resolved("down", "a", "1m", priced(136, 625.0, false)),
        new Resolved("none", "a", "1m", priced(136, 625.0, null))), sortById(due));
    assertEquals(3, book.size(), "the 5m outcomes are still owed");
    // At T+5m the last trade at or before it is the 120 of T+61 s: 120 / 128 − 1 = −625 bps.
    List<Resolved> later = book.resolve(ring(T + 30_000, 130, T + 61_000, 120, T + 400_000, 140), T + 400_000);
    assertEquals(List.of(new Resolved("up", "a", "5m", priced(120, -625.0, false)),
        new Resolved("down", "a", "5m", priced(120, -625.0, true)),
        new Resolved("none", "a", "5m", priced(120, -625.0, null))), sortById(later));
    assertEquals(0, book.size());
  }

  @Test
  void withoutAReferencePriceOnlyThePriceIsKnown() {
    OutcomeBook book = new OutcomeBook();
    book.open("x", "a", T, null, 1, List.of(new Horizon("30s", 30_000)));
    assertEquals(List.of(new Resolved("x", "a", "30s", priced(8, null, null))),
        book.resolve(ring(T + 10_000, 7, T + 30_000, 8), T + 30_000));
  }

  @Test
  void anOutcomeWithNoTradeLeftToPriceItIsMissedNeverGuessed() {
    OutcomeBook book = new OutcomeBook();
    book.open("evicted", "a", T, 100.0, 1, List.of(new Horizon("1m", 60_000)));
    // The ring's oldest trade is after T + 1m: what was traded before it is gone.
    assertEquals(List.of(new Resolved("evicted", "a", "1m", new JsonObject().put("missed", true))),
        book.resolve(ring(T + 90_000, 101), T + 90_000));
    book.open("down-while", "a", T, 100.0, 1, ONE_AND_FIVE);
    assertEquals(List.of(new Resolved("down-while", "a", "1m", new JsonObject().put("missed", true))),
        book.missBefore(T + 120_000), "due while the service was not watching");
    assertEquals(1, book.size(), "the 5m outcome, due after the restart, is still owed");
  }

  private static List<Resolved> sortById(List<Resolved> r) {
    return r.stream().sorted(java.util.Comparator.comparing(x -> List.of("up", "down", "none").indexOf(x.id())))
        .toList();
  }
}
