package dev.tapewatch;

import dev.tapewatch.feed.SimulatedMarket;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Prices;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Trade;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * {@code tapewatch simulate --hours N --out FILE [--seed S] [--start ISO-TIME]}: writes the simulator's tape of the
 * configured symbols ({@code SYMBOL}) as Coinbase Exchange ws-feed messages ({@code match}, which carries the maker's
 * side, a {@code ticker} a second, and the book as a {@code snapshot} first and then an {@code l2update} a second),
 * gzipped when the file's name ends {@code .gz}, so a replay or a backtest runs
 * offline. The tape starts at {@code --start} (default {@value #DEFAULT_START}) so that one seed gives one tape.
 */
final class SimulateCommand {
  static final String USAGE = "simulate --hours N --out FILE [--seed S] [--start 2026-01-01T00:00:00Z]";
  static final String DEFAULT_START = "2026-01-01T00:00:00Z";
  private static final long STEP_MS = 1000;

  private SimulateCommand() {
  }

  /** Writes the tape; returns the number of lines. */
  static long run(List<String> args, List<String> symbols) throws IOException {
    CommandArgs a = CommandArgs.parse("simulate", args, Set.of("hours", "out", "seed", "start"), USAGE);
    if (!a.positional().isEmpty() || !a.options().containsKey("hours") || !a.options().containsKey("out")) {
      throw new CommandArgs.UsageException("simulate: usage: " + USAGE);
    }
    long hours = a.number("simulate", "hours", 0, 1, 24 * 366, USAGE);
    long seed = a.number("simulate", "seed", 1, Long.MIN_VALUE, Long.MAX_VALUE, USAGE);
    long startMs;
    try {
      startMs = Instant.parse(a.options().getOrDefault("start", DEFAULT_START)).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new CommandArgs.UsageException("simulate: --start '" + a.options().get("start")
          + "' is not an ISO-8601 time like " + DEFAULT_START);
    }
    Path out = Path.of(a.options().get("out"));
    List<SimulatedMarket> markets = symbols.stream().map(s -> new SimulatedMarket(s, seed)).toList();
    long lines = 0;
    try (Writer w = writer(out)) {
      for (long t = startMs; t < startMs + hours * 3_600_000L; t += STEP_MS) {
        List<Trade> trades = new ArrayList<>();
        List<Quote> quotes = new ArrayList<>();
        List<BookUpdate> books = new ArrayList<>();
        for (SimulatedMarket m : markets) {
          m.advance(t, t + STEP_MS, trades::add, quotes::add, books::add);
        }
        trades.sort(Comparator.comparingLong(Trade::timeMs));
        for (Trade tr : trades) {
          w.write(match(tr));
          w.write('\n');
        }
        for (Quote q : quotes) {
          w.write(ticker(q));
          w.write('\n');
        }
        for (BookUpdate b : books) {
          w.write(level2(b));
          w.write('\n');
        }
        lines += trades.size() + quotes.size() + books.size();
      }
    }
    return lines;
  }

  private static Writer writer(Path out) throws IOException {
    OutputStream raw = Files.newOutputStream(out);
    OutputStream stream = out.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
    return new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
  }

  /** Coinbase's {@code match} names the maker's side: the opposite of the taker's. */
  static String match(Trade t) {
    return new JsonObject().put("type", "match").put("trade_id", t.tradeId())
        .put("side", t.takerSide().opposite().wire()).put("size", plain(t.size())).put("price", plain(t.price()))
        .put("product_id", t.symbol()).put("time", Instant.ofEpochMilli(t.timeMs()).toString()).encode();
  }

  static String ticker(Quote q) {
    return new JsonObject().put("type", "ticker").put("product_id", q.symbol())
        .put("best_bid", plain(q.bid())).put("best_ask", plain(q.ask()))
        .put("time", Instant.ofEpochMilli(q.timeMs()).toString()).encode();
  }

  /**
   * An Exchange {@code snapshot} ({@code bids}, {@code asks}: {@code [price, size]}) or {@code l2update}
   * ({@code changes}: {@code [side, price, size]}, side {@code buy} for a bid), with the time of the step.
   */
  static String level2(BookUpdate b) {
    JsonObject m = new JsonObject().put("type", b.snapshot() ? "snapshot" : "l2update").put("product_id", b.symbol());
    if (b.snapshot()) {
      m.put("bids", levels(b.bidPrices(), b.bidSizes(), null)).put("asks", levels(b.askPrices(), b.askSizes(), null));
    } else {
      JsonArray changes = levels(b.bidPrices(), b.bidSizes(), "buy");
      levels(b.askPrices(), b.askSizes(), "sell").forEach(changes::add);
      m.put("changes", changes);
    }
    return m.put("time", Instant.ofEpochMilli(b.timeMs()).toString()).encode();
  }

  private static JsonArray levels(long[] prices, double[] sizes, String side) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < prices.length; i++) {
      JsonArray level = side == null ? new JsonArray() : new JsonArray().add(side);
      out.add(level.add(Prices.format(prices[i])).add(plain(sizes[i])));
    }
    return out;
  }

  /** Coinbase sends decimals as strings; a double's shortest form round-trips exactly. */
  private static String plain(double v) {
    return new java.math.BigDecimal(Double.toString(v)).toPlainString();
  }
}
