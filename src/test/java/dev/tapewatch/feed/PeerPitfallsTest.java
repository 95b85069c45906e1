package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.feed.AdvancedTradeMarket.BookChange;
import dev.tapewatch.feed.AdvancedTradeMarket.Trades;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the most-used Python feed handler (cryptofeed v3) gets wrong with Advanced Trade, pinned on the shared
 * capture and on generated tapes, replayed through the service's own reading ({@code FEED=replay}): it drops the
 * market_trades snapshot, reports a resent trade twice, passes the maker's side as the taker's, discards every
 * {@code offer} level of a book snapshot, and never checks sequence_num, so that one lost l2_data message leaves a
 * silently wrong book. Each test shows the trap is there in the data and that tapewatch steps around it.
 */
class PeerPitfallsTest {
  private static final List<String> PRODUCTS = AdvancedTradeMarket.PRODUCTS;
  private static final int HISTORY = 60;

  @TempDir
  Path dir;

  private final List<Vertx> opened = new ArrayList<>();
  private final AdvancedTradeMarket market = AdvancedTradeMarket.generate(41, 400, 1_786_309_000_000L);

  @AfterEach
  void close() throws Exception {
    for (Vertx v : opened) {
      v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Replays {@code tape} on a Vert.x of its own. */
  private MarketTap replay(Path tape) throws Exception {
    Vertx vertx = Vertx.vertx();
    opened.add(vertx);
    return MarketTap.replay(vertx, tape, PRODUCTS);
  }

  private MarketTap replay(List<String> lines) throws Exception {
    return replay(Files.write(dir.resolve("tape-" + opened.size() + ".ndjson"), lines, StandardCharsets.UTF_8));
  }

  private static Set<String> ids(List<Trade> trades) {
    return trades.stream().map(t -> t.symbol() + " " + t.tradeId()).collect(Collectors.toSet());
  }

  /** The trades of the snapshot messages on a wire, as "product id". */
  private static Set<String> snapshotTrades(List<String> wire) {
    Set<String> out = new HashSet<>();
    for (String line : wire) {
      JsonObject m = new JsonObject(line);
      if ("market_trades".equals(m.getString("channel"))
          && "snapshot".equals(m.getJsonArray("events").getJsonObject(0).getString("type"))) {
        m.getJsonArray("events").getJsonObject(0).getJsonArray("trades").forEach(t -> out.add(
            ((JsonObject) t).getString("product_id") + " " + ((JsonObject) t).getString("trade_id")));
      }
    }
    return out;
  }

  @Test
  void theMarketTradesSnapshotIsKept() throws Exception {
    MarketTap capture = replay(AdvancedTradeCapture.CAPTURE);
    Set<String> inSnapshots = snapshotTrades(AdvancedTradeCapture.received());
    assertEquals(200, inSnapshots.size(), "the capture's two snapshots hold 100 trades each");
    Set<String> delivered = ids(capture.trades.values().stream().flatMap(List::stream).toList());
    assertTrue(delivered.containsAll(inSnapshots));
    assertEquals(279, delivered.size());

    List<String> tape = market.tape(HISTORY, Set.of(), Set.of());
    Set<String> generated = snapshotTrades(tape);
    assertTrue(generated.size() > 20, generated.toString());
    MarketTap tap = replay(tape);
    assertTrue(ids(tap.trades.values().stream().flatMap(List::stream).toList()).containsAll(generated));
  }

  @Test
  void aResentTradeIsReportedOnce() throws Exception {
    Set<Integer> resent = new HashSet<>();
    int batches = 0;
    for (int i = HISTORY; i < market.timeline.size() && resent.size() < 5; i++) {
      if (market.timeline.get(i) instanceof Trades && batches++ % 8 == 0) {
        resent.add(i);
      }
    }
    assertEquals(5, resent.size());
    long resentTrades = resent.stream().mapToLong(i -> market.previousBatch(i).size()).sum();
    MarketTap tap = replay(market.tape(HISTORY, Set.of(), resent));
    List<Trade> delivered = tap.trades.values().stream().flatMap(List::stream).toList();
    long distinct = market.timeline.stream().filter(e -> e instanceof Trades)
        .mapToLong(e -> ((Trades) e).trades().size()).sum();
    assertEquals(distinct, delivered.size(), "every trade of the market, once");
    assertEquals(distinct, ids(delivered).size());
    assertEquals(resentTrades, tap.feed("duplicates"), "each trade sent again counted, not reported");
    // The capture sends none again: 279 distinct trades in 279.
    assertEquals(279, AdvancedTradeCapture.trades().size());
  }

  @Test
  void theSideIsTurnedIntoTheTakers() throws Exception {
    MarketTap tap = replay(market.tape(HISTORY, Set.of(), Set.of()));
    Map<String, String> makerSide = new HashMap<>();
    market.timeline.forEach(e -> {
      if (e instanceof Trades t) {
        t.trades().forEach(w -> makerSide.put(w.product() + " " + w.id(), w.side()));
      }
    });
    int checked = 0;
    for (Trade t : tap.trades.values().stream().flatMap(List::stream).toList()) {
      assertEquals(Side.valueOf(makerSide.get(t.symbol() + " " + t.tradeId())).opposite(), t.takerSide());
      checked++;
    }
    assertTrue(checked > 100);
    // On the capture (see AdvancedTradeMessageParserTest): trades at the ask say SELL, so they are taker buys.
    MarketTap capture = replay(AdvancedTradeCapture.CAPTURE);
    Trade atTheAsk = capture.trades.get("BTC-USD").stream().filter(t -> t.tradeId() == 1068572091L).findFirst()
        .orElseThrow();
    assertEquals(Side.BUY, atTheAsk.takerSide(), "the wire says SELL; 65083.67 was the best ask");
  }

  @Test
  void everyOfferLevelOfASnapshotIsKept() throws Exception {
    MarketTap capture = replay(AdvancedTradeCapture.CAPTURE);
    int offers = 0;
    for (String p : PRODUCTS) {
      BookUpdate snapshot = capture.books.get(p).get(0);
      assertTrue(snapshot.snapshot());
      offers += snapshot.askPrices().length;
    }
    assertEquals(43_635, offers);

    MarketTap tap = replay(market.tape(HISTORY, Set.of(), Set.of()));
    AdvancedTradeMarket.State atSnapshot = market.after(HISTORY);
    for (String p : PRODUCTS) {
      BookUpdate snapshot = tap.books.get(p).get(0);
      assertEquals(BookFold.of(atSnapshot, p).sides(), BookFold.of(List.of(snapshot)).sides(), p);
      assertTrue(snapshot.askPrices().length >= 6, p);
    }
  }

  /**
   * One l2_data message lost: a reader that never checks sequence_num applies every later update to a book missing
   * that change, and ends with a book that is not the market's. tapewatch counts the gap and hands over no update
   * until a snapshot; what it handed over describes the market as it was before the loss, exactly. (Live it also
   * resubscribes for that snapshot: AdvancedTradeFeedTest, AdvancedTradeBooksTest.)
   */
  @Test
  void aLostBookMessageNeverLeavesASilentlyWrongBook() throws Exception {
    int lost = lastingChange("BTC-USD");
    List<String> tape = market.tape(HISTORY, Set.of(lost), Set.of());
    AdvancedTradeMarket.State end = market.after(market.timeline.size());

    BookFold naive = new BookFold();
    AdvancedTradeMessageParser parser = new AdvancedTradeMessageParser(PRODUCTS);
    for (String line : tape) {
      if (parser.parse(line) instanceof AdvancedTradeMessage.Books b) {
        b.books().stream().map(i -> ((FeedMessage.BookMessage) i).update()).filter(u -> u.symbol().equals("BTC-USD"))
            .forEach(naive::apply);
      }
    }
    assertNotEquals(BookFold.of(end, "BTC-USD").sides(), naive.sides(), "a reader blind to the gap is wrong");

    MarketTap tap = replay(tape);
    assertEquals(1, tap.feed("sequence_gaps"));
    assertEquals(1, tap.feed("lost_messages"));
    AdvancedTradeMarket.State beforeTheLoss = market.after(lost);
    for (String p : PRODUCTS) {
      assertEquals(BookFold.of(beforeTheLoss, p).sides(), BookFold.of(tap.books.get(p)).sides(),
          p + ": as it was before the loss");
    }
    long before = market.timeline.subList(HISTORY, lost).stream()
        .filter(e -> e instanceof BookChange && e.product().equals("BTC-USD")).count();
    List<BookUpdate> handed = tap.books.get("BTC-USD");
    assertEquals(2 + before, handed.size(), "the snapshot, the updates before the loss, and the notice of the loss");
    assertTrue(handed.get(handed.size() - 1).isLost(), "the book is told it may be wrong, so it is not served");
  }

  /**
   * A change of {@code product}'s book, after the history and with more to come, that matters to the end: it changes
   * its levels, and no later change touches them again.
   */
  private int lastingChange(String product) {
    AdvancedTradeMarket.State s = market.after(HISTORY + 100);
    for (int i = HISTORY + 100; i < market.timeline.size() - 50; i++) {
      AdvancedTradeMarket.Event e = market.timeline.get(i);
      if (e instanceof BookChange b && b.product().equals(product) && changes(s, b)
          && market.timeline.subList(i + 1, market.timeline.size()).stream().noneMatch(later ->
              later instanceof BookChange l && l.product().equals(product) && touches(l, b))) {
        return i;
      }
      s.apply(e);
    }
    throw new AssertionError("no lasting change of " + product + " in the generated market");
  }

  private static boolean changes(AdvancedTradeMarket.State s, BookChange b) {
    return b.changes().stream().anyMatch(c -> {
      String now = (c.side().equals("bid") ? s.bids : s.offers).get(b.product()).get(c.price());
      return now == null ? Double.parseDouble(c.quantity()) != 0 : !now.equals(c.quantity());
    });
  }

  private static boolean touches(BookChange later, BookChange b) {
    return later.changes().stream().anyMatch(l -> b.changes().stream()
        .anyMatch(c -> c.side().equals(l.side()) && c.price() == l.price()));
  }
}
