package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FEED=replay} of Advanced Trade tapes through {@link ReplayFeedVerticle}, as the symbol verticles would
 * receive them: the shared capture in its recorder's envelopes, raw messages as tapewatch's recorder writes them, and
 * a tape that mixes both protocols line by line.
 */
class AdvancedTradeReplayTest {
  @TempDir
  Path dir;

  private final List<Vertx> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Vertx v : opened) {
      v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Replays {@code tape} for {@code symbols} on a Vert.x of its own. */
  private MarketTap replay(Path tape, List<String> symbols) throws Exception {
    Vertx vertx = Vertx.vertx();
    opened.add(vertx);
    return MarketTap.replay(vertx, tape, symbols);
  }

  /**
   * The derived file holds every distinct market_trades trade of the capture with the wire's (maker's) side: the
   * replay delivers exactly those, snapshots' trades included, each once, with the taker's side, in trade-time order.
   */
  @Test
  void theCaptureReplaysToTheDerivedTradesAndItsBooks() throws Exception {
    MarketTap tap = replay(AdvancedTradeCapture.CAPTURE, AdvancedTradeCapture.PRODUCTS);
    Map<String, List<Trade>> expected = new LinkedHashMap<>();
    for (JsonObject t : AdvancedTradeCapture.trades()) {
      expected.computeIfAbsent(t.getString("product_id"), k -> new ArrayList<>()).add(new Trade(
          t.getString("product_id"), Instant.parse(t.getString("time")).toEpochMilli(),
          Double.parseDouble(t.getString("price")), Double.parseDouble(t.getString("size")),
          Side.valueOf(t.getString("side")).opposite(), Long.parseLong(t.getString("trade_id"))));
    }
    // The file is sorted by trade id; within a product ids and times rise together, so that is trade-time order.
    assertEquals(147, expected.get("BTC-USD").size());
    assertEquals(132, expected.get("ETH-USD").size());
    assertEquals(expected.get("BTC-USD"), tap.trades.get("BTC-USD"));
    assertEquals(expected.get("ETH-USD"), tap.trades.get("ETH-USD"));

    JsonObject f = tap.status.get();
    assertEquals(1030, f.getLong("messages"), "every received message, none of the recorder's other lines");
    assertEquals(279, f.getLong("trades"));
    assertEquals(0, f.getLong("duplicates"));
    assertEquals(0, f.getLong("gaps"));
    assertEquals(160, f.getLong("quotes"));
    assertEquals(25, f.getLong("heartbeats"));
    assertEquals(0, f.getLong("malformed_total"));
    assertEquals(0, f.getLong("sequence_gaps"));
    assertEquals(2, f.getLong("book_snapshots"));
    assertEquals(773, f.getLong("book_updates"));

    for (String symbol : AdvancedTradeCapture.PRODUCTS) {
      List<BookUpdate> books = tap.books.get(symbol);
      assertTrue(books.get(0).snapshot(), symbol + ": the snapshot first");
      assertEquals(1, books.stream().filter(BookUpdate::snapshot).count(), symbol);
    }
    assertEquals(43_635, tap.books.get("BTC-USD").get(0).askPrices().length
        + tap.books.get("ETH-USD").get(0).askPrices().length, "every offer level of the snapshots");
    assertEquals(773, tap.books.values().stream().mapToLong(List::size).sum() - 2);
  }

  /**
   * One tape, the two protocols line by line: the Exchange capture's messages with the Advanced Trade capture's
   * between them, as raw messages and as envelopes. Each symbol gets what its own protocol's tape alone gives it.
   */
  @Test
  void aTapeMayMixBothProtocolsAndTheRecordersEnvelopes() throws Exception {
    List<String> exchange = exchangeMessages();
    List<String> advancedLines = AdvancedTradeCapture.lines();
    List<String> exchangeProducts = List.of("SKL-USD", "SKL-BTC", "BAND-GBP", "NMR-EUR", "BAND-BTC", "YFI-BTC",
        "DASH-BTC", "NU-GBP", "CRV-EUR", "SKL-GBP");
    List<String> all = new ArrayList<>(exchangeProducts);
    all.addAll(AdvancedTradeCapture.PRODUCTS);

    MarketTap exchangeAlone = replay(write("exchange.ndjson", exchange), exchangeProducts);
    MarketTap advancedRaw = replay(write("advanced.ndjson.gz", AdvancedTradeCapture.received()),
        AdvancedTradeCapture.PRODUCTS);
    List<String> mixed = new ArrayList<>();
    int e = 0;
    for (int a = 0; a < advancedLines.size(); a++) {
      mixed.add(advancedLines.get(a));
      for (int k = 0; k < 10 && e < exchange.size(); k++) {
        mixed.add(exchange.get(e++));
      }
    }
    mixed.addAll(exchange.subList(e, exchange.size()));
    MarketTap both = replay(write("mixed.ndjson.gz", mixed), all);

    for (String s : exchangeProducts) {
      assertEquals(exchangeAlone.trades.get(s), both.trades.get(s), s);
      assertEquals(exchangeAlone.quotes.get(s), both.quotes.get(s), s);
    }
    for (String s : AdvancedTradeCapture.PRODUCTS) {
      assertEquals(advancedRaw.trades.get(s), both.trades.get(s), s);
      assertEquals(advancedRaw.quotes.get(s), both.quotes.get(s), s);
      assertEquals(advancedRaw.books.get(s).size(), both.books.get(s).size(), s);
    }
    assertEquals(279, advancedRaw.feed("trades"));
    assertEquals(exchangeAlone.feed("trades") + 279, both.feed("trades"));
    assertEquals(0, both.feed("malformed_total"));
    assertEquals(exchange.size() + 1030, both.feed("messages"));
  }

  /** The messages the Exchange capture received, as sent (its lines are {@code <ts>: <json>}). */
  private static List<String> exchangeMessages() throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader in = ReplayFeedVerticle.open(FakeCoinbaseExchange.CAPTURE)) {
      String line;
      while ((line = in.readLine()) != null) {
        int colon = line.indexOf(": {");
        if (colon >= 0 && !line.contains(" <- ")) {
          out.add(line.substring(colon + 2));
        }
      }
    }
    return out;
  }

  private Path write(String name, List<String> lines) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream raw = Files.newOutputStream(file);
         OutputStream out = name.endsWith(".gz") ? new GZIPOutputStream(raw) : raw) {
      for (String line : lines) {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
    }
    return file;
  }
}
