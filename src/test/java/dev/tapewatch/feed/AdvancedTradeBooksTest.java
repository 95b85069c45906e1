package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.support.Waits;
import dev.tapewatch.tape.BookUpdate;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the live Advanced Trade feed hands the symbols' books, taken where the symbol verticles would take it: after
 * a lost l2_data message and the resubscribe it causes, the changes handed over describe exactly the market's books,
 * every level; no update is handed over between the loss and the new snapshot.
 */
@Tag("integration")
class AdvancedTradeBooksTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void afterALossTheBooksAreTheMarketsAgainEveryLevel() throws Exception {
    AdvancedTradeMarket market = AdvancedTradeMarket.generate(29, 400, System.currentTimeMillis() - 60_000);
    FakeAdvancedTrade fake = new FakeAdvancedTrade(market, 60).loseL2At(0, 200);
    Waits.join(vertx.deployVerticle(fake));
    MarketTap tap = Waits.join(MarketTap.listen(vertx, AdvancedTradeMarket.PRODUCTS));
    TapewatchConfig config = TapewatchConfig.load(Map.of("FEED", "coinbase-advanced", "SYMBOL",
        String.join(",", AdvancedTradeMarket.PRODUCTS), "COINBASE_ADVANCED_WS_URL", fake.wsUrl(),
        "COINBASE_ADVANCED_REST_URL", fake.restUrl()));
    Waits.join(vertx.deployVerticle(new AdvancedTradeFeedVerticle(config, AdvancedTradeMarket.PRODUCTS,
        System::currentTimeMillis)));
    // Every change the wire implies, and for each product the notice that its book may have missed some.
    Waits.until("the timeline over and every book change taken", WAIT, () -> fake.finished()
        && tap.books.values().stream().mapToLong(List::size).sum()
        == expectedBooks(fake) + AdvancedTradeMarket.PRODUCTS.size());

    AdvancedTradeWire wire = new AdvancedTradeWire(AdvancedTradeMarket.PRODUCTS,
        List.of(List.copyOf(fake.connections().get(0).sentTexts)));
    AdvancedTradeMarket.State end = market.after(market.timeline.size());
    for (String p : AdvancedTradeMarket.PRODUCTS) {
      List<BookUpdate> books = tap.books.get(p);
      assertEquals(2, books.stream().filter(BookUpdate::snapshot).count(), p + ": first snapshot, then the new one");
      assertEquals(1, books.stream().filter(BookUpdate::isLost).count(), p + ": one notice of the loss");
      assertEquals(wire.of(p).bookUpdates, books.stream().filter(u -> !u.snapshot() && !u.isLost()).count(),
          p + ": the updates sent, but those between the loss and the new snapshot");
      assertEquals(BookFold.of(end, p).sides(), BookFold.of(books).sides(), p + ": every level of both sides");
      assertTrue(BookFold.of(end, p).asks.size() >= 6, p);
    }
  }

  /** Every l2_data snapshot and update the wire implies the feed hands over. */
  private static long expectedBooks(FakeAdvancedTrade fake) {
    AdvancedTradeWire wire = new AdvancedTradeWire(AdvancedTradeMarket.PRODUCTS,
        List.of(List.copyOf(fake.connections().get(0).sentTexts)));
    return AdvancedTradeMarket.PRODUCTS.stream()
        .mapToLong(p -> wire.of(p).bookSnapshots + wire.of(p).bookUpdates).sum();
  }
}
