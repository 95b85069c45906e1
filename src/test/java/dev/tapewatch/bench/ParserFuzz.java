package dev.tapewatch.bench;

import dev.tapewatch.feed.CoinbaseMessageParser;
import dev.tapewatch.feed.FeedMessage;
import dev.tapewatch.feed.IsoTime;
import dev.tapewatch.feed.MalformedReason;
import dev.tapewatch.feed.TradeGap;
import dev.tapewatch.feed.TradeGate;
import dev.tapewatch.market.MarketJson;
import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.market.SymbolState;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Prices;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Timeframe;
import dev.tapewatch.tape.Trade;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * A seeded fuzz of {@link CoinbaseMessageParser} and of the {@link TradeGate} and market state behind it. Each line is
 * one of: a valid message of a type the feed reads (match, last_match, ticker, heartbeat, subscriptions, error, an
 * ignored type), with values from ordinary to extreme but legal, whose parse must equal exactly what was written; the
 * same with hostile values put in, fields dropped or repeated, and bytes cut, inserted or swapped; a recorded Exchange
 * message (when {@code ../shared/data} is there) damaged the same way; random text; or a REST trades body of such
 * elements. The valid trades walk a realistic tape per product with, now and then, a bad print or a genuine gap.
 *
 * <p>Every line must parse without throwing, twice to the same result, and what it yields must be sane: a trade of a
 * known product with finite positive price and size, a positive id and a readable time; a quote with bid ≤ ask.
 * Everything is then offered to a replay {@link TradeGate}: each trade it lets through must have been offered, once,
 * have price, size and notional within {@link TradeGate#MAX_MAGNITUDE}, and never be a resend (an id at or just below
 * the product's previous one);
 * what it lets through is applied to a {@link SymbolState} per product, and so is every level-2 message, whose levels
 * must have positive prices and non-negative sizes within {@link Prices#MAX}; every JSON view of the state must stay
 * free of NaN and Infinity. The suite runs a small fuzz ({@code ParserFuzzTest}); one million lines:
 * <pre>
 * mvn -q -B test-compile exec:java -Dexec.mainClass=dev.tapewatch.bench.ParserFuzz -Dexec.classpathScope=test \
 *     [-Dexec.args="lines=1000000 seed=15"]
 * </pre>
 */
public final class ParserFuzz {
  private static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD", "ADA-USD");
  private static final Path CAPTURE = Path.of("..", "shared", "data", "coinbase_exchange_wsfeed_capture_2021-04-17.log.gz");
  private static final long START_MS = LocalDateTime.of(2026, 11, 24, 7, 0).toEpochSecond(ZoneOffset.UTC) * 1000;
  private static final long LAST_VALID_MS = LocalDateTime.of(9999, 12, 31, 23, 59, 59)
      .toEpochSecond(ZoneOffset.UTC) * 1000 + 999;
  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
  private static final int CHECK_STATE_EVERY = 65_536;
  private static final long ID_JUMP = 1_000_000;
  private static final int MAX_VIOLATIONS_KEPT = 20;
  private static final String[] HOSTILE = {
      "\"NaN\"", "\"nan\"", "\"Infinity\"", "\"-Infinity\"", "\"+Inf\"", "\"1e400\"", "\"-1e400\"", "1e400", "-1e999",
      "\"1.7976931348623157e308\"", "\"1.8e308\"", "\"4.9e-324\"", "\"1e-400\"", "\"1e200\"", "\"1e-200\"", "\"0\"",
      "\"-0\"", "\"-0.0\"", "\"-1\"", "0", "-7", "\"\"", "\" \"", "null", "true", "false", "{}", "[]",
      "{\"a\":[1,{\"b\":null}]}", "[[[[[[[[[[]]]]]]]]]]", "9223372036854775807", "9223372036854775808",
      "-9223372036854775808", "\"9223372036854775807\"", "\"99999999999999999999\"", "1.5", "2e3", "\"0x1F\"",
      "\"0x1p3\"", "\"1_000\"", "\"1,5\"", "\"1.2.3\"", "\"--1\"", "\"+1\"", "\"1e\"", "\".5\"", "\"5.\"",
      "\"\\uFF11\\uFF12\"", "\"12\\u0000\"", "\"\\ud800\"", "\"BUY\"", "\"buy \"", "\"sell\"", "\"UNKNOWN-USD\"",
      "\"btc-usd\"", "\"BTC-USD\"", "\"9999-12-31T23:59:59.999999Z\"", "\"1969-12-31T23:59:59Z\"",
      "\"1970-01-01T00:00:00Z\"", "\"2024-02-29T12:00:00Z\"", "\"2023-02-29T12:00:00Z\"", "\"2026-11-24T07:00:60Z\"",
      "\"2026-11-24T07:00:00.1234567890Z\"", "\"2026-11-24T07:00:00+01:00\"", "\"2026-11-24 07:00:00Z\"",
      "\"10000-01-01T00:00:00Z\"", "\"match\"", "\"ticker\"", "\"heartbeat\"", "\"last_match\"",
      "\"snapshot\"", "\"l2update\"", "[[\"1\",\"x\"]]", "[[1,2]]", "[[\"1e400\",\"1\"]]", "[[\"-5\",\"1\"]]",
      "[[\"buy\",\"99999999999\",\"1\"]]", "[[\"sell\",\"0.000000001\",\"1\"]]", "[[\"buy\",\"1\"]]", "[[]]",
      "[[\"bid\",\"1\",\"1\"]]", "[[\"sell\",\"5\",\"-0\"]]"};
  private static final String[] FIELDS = {"type", "trade_id", "last_trade_id", "side", "size", "price",
      "product_id", "time", "best_bid", "best_ask", "sequence", "message", "reason", "bids", "asks", "changes"};
  private static final char[] NOISE = "{}[]\":,0123456789.eE+-tfnlrsua \\/\t\n\u0000\u00e9\u4e2d\ud83d\ude00"
      .toCharArray();

  /** What a run found: outcomes by kind, and the first violations (with their lines). */
  record Result(long lines, long seed, boolean capture, Map<String, Long> outcomes, long violationCount,
      List<String> violations, double seconds) {
    long count(String outcome) {
      return outcomes.getOrDefault(outcome, 0L);
    }
  }

  /** A message as fields in order: name and raw JSON value. */
  private record Msg(List<String[]> fields, FeedMessage expected) {
    String json() {
      StringBuilder sb = new StringBuilder(256).append('{');
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append('"').append(fields.get(i)[0]).append("\":").append(fields.get(i)[1]);
      }
      return sb.append('}').toString();
    }
  }

  /** The tape a product's valid trades walk along. */
  private static final class Walk {
    long id;
    long ms = START_MS;
    double price;

    Walk(long id, double price) {
      this.id = id;
      this.price = price;
    }
  }

  private final SplittableRandom rnd;
  private final CoinbaseMessageParser parser;
  private final List<String> recorded;
  private final Map<String, Walk> walks = new LinkedHashMap<>();
  private final Map<String, Long> outcomes = new TreeMap<>();
  private final List<String> violations = new ArrayList<>();
  private long violationCount;
  private final Map<String, SymbolState> states = new LinkedHashMap<>();
  private final Map<String, Long> lastReleasedId = new LinkedHashMap<>();
  private final Set<Trade> offered = Collections.newSetFromMap(new IdentityHashMap<>());
  private final TradeGate gate;
  private String line;

  private ParserFuzz(long seed, List<String> recorded) {
    this.rnd = new SplittableRandom(seed);
    this.recorded = recorded;
    List<String> known = new ArrayList<>(SYMBOLS);
    known.addAll(List.of("SKL-USD", "BAND-GBP", "NMR-EUR"));
    this.parser = new CoinbaseMessageParser(known);
    walks.put("BTC-USD", new Walk(100_000_000L, 95_123.45));
    walks.put("ETH-USD", new Walk(200_000_000L, 3_412.87));
    walks.put("ADA-USD", new Walk(300_000_000L, 0.8123));
    known.forEach(s -> states.put(s, new SymbolState(s, 5_000, 1000)));
    this.gate = new TradeGate(300_000, ID_JUMP, false, new Checks());
  }

  /** Runs {@code lines} lines from {@code seed}. */
  static Result run(long lines, long seed) {
    List<String> recorded = readCapture();
    ParserFuzz fuzz = new ParserFuzz(seed, recorded);
    long t = System.nanoTime();
    for (long n = 1; n <= lines; n++) {
      fuzz.next();
      if (n % CHECK_STATE_EVERY == 0) {
        fuzz.checkMarketViews();
      }
    }
    fuzz.checkMarketViews();
    fuzz.count("gate:not_let_through", fuzz.offered.size());
    return new Result(lines, seed, !recorded.isEmpty(), Map.copyOf(fuzz.outcomes), fuzz.violationCount,
        List.copyOf(fuzz.violations), (System.nanoTime() - t) / 1e9);
  }

  /** The received messages of the recorded Exchange capture, or none when it is not there. */
  private static List<String> readCapture() {
    if (!Files.isReadable(CAPTURE)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        Files.newInputStream(CAPTURE)), StandardCharsets.UTF_8))) {
      String l;
      while ((l = in.readLine()) != null) {
        int brace = l.indexOf(": {");
        if (brace > 0 && !l.contains(" <- ")) {
          out.add(l.substring(brace + 2));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private void next() {
    int kind = rnd.nextInt(100);
    if (kind < 45) {
      Msg m = valid();
      check(m.json(), m.expected());
    } else if (kind < 80) {
      check(damage(hostile(valid()).json()), null);
    } else if (kind < 88 && !recorded.isEmpty()) {
      check(damage(recorded.get(rnd.nextInt(recorded.size()))), null);
    } else if (kind < 95) {
      check(noise(), null);
    } else {
      restBody();
    }
  }

  // ---- valid messages, and what they must parse to ----

  private Msg valid() {
    int kind = rnd.nextInt(20);
    if (kind < 11) {
      return trade(kind == 0 ? "last_match" : "match", symbol());
    }
    if (kind < 16) {
      return ticker();
    }
    String symbol = symbol();
    if (kind < 18) {
      Walk w = walks.get(symbol);
      long ms = rnd.nextInt(10) == 0 ? w.ms + 600_000 : w.ms + 1000;
      String[] time = time(ms);
      List<String[]> f = new ArrayList<>(List.of(new String[] {"type", "\"heartbeat\""},
          new String[] {"last_trade_id", Long.toString(w.id)}, new String[] {"product_id", str(symbol)},
          new String[] {"sequence", Long.toString(rnd.nextLong(1L << 40))}, new String[] {"time", time[0]}));
      return new Msg(shuffled(f), new FeedMessage.Heartbeat(symbol, w.id, Long.parseLong(time[1])));
    }
    if (kind == 18) {
      return new Msg(List.of(new String[] {"type", "\"subscriptions\""},
          new String[] {"channels", "[{\"name\":\"matches\",\"product_ids\":[\"BTC-USD\"]}]"}),
          new FeedMessage.Subscriptions());
    }
    if (rnd.nextBoolean()) {
      return new Msg(List.of(new String[] {"type", "\"error\""}, new String[] {"message", "\"Failed to subscribe\""},
          new String[] {"reason", str(symbol + " is delisted")}),
          new FeedMessage.ServerError("Failed to subscribe", symbol + " is delisted"));
    }
    if (rnd.nextBoolean()) {
      return book(symbol);
    }
    return new Msg(List.of(new String[] {"type", "\"status\""}, new String[] {"product_id", str(symbol)},
        new String[] {"changes", "[[\"buy\",\"1.0\",\"0.5\"]]"}), new FeedMessage.Ignored("status"));
  }

  /**
   * A snapshot ({@code bids}, {@code asks}) or an l2update ({@code changes}, size 0 now and then) of levels around the
   * product's price, in exact decimals, and the exact book update it must parse to.
   */
  private Msg book(String symbol) {
    boolean snapshot = rnd.nextInt(5) == 0;
    BigDecimal tick = walks.get(symbol).price < 10 ? new BigDecimal("0.0001") : new BigDecimal("0.01");
    BigDecimal mid = BigDecimal.valueOf(walks.get(symbol).price).divide(tick, 0, RoundingMode.HALF_UP).multiply(tick);
    List<Long> bidPrices = new ArrayList<>();
    List<Double> bidSizes = new ArrayList<>();
    List<Long> askPrices = new ArrayList<>();
    List<Double> askSizes = new ArrayList<>();
    StringJoiner bids = new StringJoiner(",", "[", "]");
    StringJoiner asks = new StringJoiner(",", "[", "]");
    StringJoiner changes = new StringJoiner(",", "[", "]");
    for (int n = snapshot ? rnd.nextInt(40) : 1 + rnd.nextInt(3); n > 0; n--) {
      boolean bid = rnd.nextBoolean();
      BigDecimal price = mid.add(tick.multiply(BigDecimal.valueOf(bid ? -1 - rnd.nextInt(50) : 1 + rnd.nextInt(50))));
      String size = !snapshot && rnd.nextInt(4) == 0 ? "0" : String.format(Locale.ROOT, "%.8f",
          rnd.nextDouble() * 20 + 1e-8);
      String level = str(price.toPlainString()) + "," + str(size);
      (bid ? bidPrices : askPrices).add(price.movePointRight(8).longValueExact());
      (bid ? bidSizes : askSizes).add(Double.parseDouble(size));
      if (snapshot) {
        (bid ? bids : asks).add("[" + level + "]");
      } else {
        changes.add("[" + str(bid ? "buy" : "sell") + "," + level + "]");
      }
    }
    String[] time = time(walks.get(symbol).ms);
    List<String[]> f = new ArrayList<>(List.of(new String[] {"type", str(snapshot ? "snapshot" : "l2update")},
        new String[] {"product_id", str(symbol)}));
    if (snapshot) {
      f.add(new String[] {"bids", bids.toString()});
      f.add(new String[] {"asks", asks.toString()});
    } else {
      f.add(new String[] {"changes", changes.toString()});
      f.add(new String[] {"time", time[0]});
    }
    return new Msg(shuffled(f), new FeedMessage.BookMessage(new BookUpdate(symbol,
        snapshot ? IsoTime.INVALID : Long.parseLong(time[1]), snapshot,
        bidPrices.stream().mapToLong(Long::longValue).toArray(), bidSizes.stream().mapToDouble(d -> d).toArray(),
        askPrices.stream().mapToLong(Long::longValue).toArray(), askSizes.stream().mapToDouble(d -> d).toArray())));
  }

  private Msg trade(String type, String symbol) {
    Walk w = walks.get(symbol);
    w.price = Math.max(1e-4, w.price * Math.exp(rnd.nextGaussian() * 0.001));
    long id = ++w.id;
    long ms = w.ms += rnd.nextInt(3000);
    switch (rnd.nextInt(400)) {
      case 0 -> ms = LAST_VALID_MS - rnd.nextInt(1000);
      case 1 -> id = Long.MAX_VALUE - rnd.nextInt(1000);
      case 2 -> w.ms = ms += 600_000 + rnd.nextInt(600_000);
      case 3 -> w.id = id += 5_000_000;
      case 4 -> ms -= rnd.nextInt(20_000);
      default -> {
      }
    }
    String[] price = decimal(w.price);
    String[] size = decimal(rnd.nextDouble() * rnd.nextDouble() * 50 + 1e-8);
    if (rnd.nextInt(500) == 0) {
      price = new String[] {"\"1e200\"", "1e200"};
      size = new String[] {"\"3e150\"", "3e150"};
    }
    String makerSide = rnd.nextBoolean() ? "buy" : "sell";
    String[] time = time(ms);
    List<String[]> f = new ArrayList<>(List.of(new String[] {"type", str(type)},
        new String[] {"trade_id", rnd.nextInt(4) == 0 ? str(Long.toString(id)) : Long.toString(id)},
        new String[] {"maker_order_id", str("5c1e2a8e-0a43-4c39-9f57-" + Long.toHexString(rnd.nextLong()))},
        new String[] {"side", str(makerSide)}, new String[] {"size", size[0]}, new String[] {"price", price[0]},
        new String[] {"product_id", str(symbol)}, new String[] {"sequence", Long.toString(rnd.nextLong(1L << 40))},
        new String[] {"time", time[0]}));
    Trade t = new Trade(symbol, Long.parseLong(time[1]), Double.parseDouble(price[1]), Double.parseDouble(size[1]),
        makerSide.equals("buy") ? Side.SELL : Side.BUY, id);
    return new Msg(shuffled(f), new FeedMessage.TradeMessage(t, type.equals("last_match")));
  }

  private Msg ticker() {
    String symbol = symbol();
    Walk w = walks.get(symbol);
    double spread = w.price * rnd.nextDouble() * 0.001;
    String[] bid = decimal(w.price);
    String[] ask = decimal(Double.parseDouble(bid[1]) + spread);
    if (Double.parseDouble(ask[1]) < Double.parseDouble(bid[1])) {
      ask = bid;
    }
    String[] time = time(rnd.nextInt(300) == 0 ? LAST_VALID_MS : w.ms);
    List<String[]> f = new ArrayList<>(List.of(new String[] {"type", "\"ticker\""},
        new String[] {"product_id", str(symbol)}, new String[] {"price", bid[0]}, new String[] {"best_bid", bid[0]},
        new String[] {"best_ask", ask[0]}, new String[] {"side", "\"buy\""}, new String[] {"time", time[0]},
        new String[] {"trade_id", Long.toString(w.id)}));
    Quote q = new Quote(symbol, Long.parseLong(time[1]), Double.parseDouble(bid[1]), Double.parseDouble(ask[1]));
    return new Msg(shuffled(f), new FeedMessage.TickerMessage(q, w.id));
  }

  /** {raw JSON, its decimal text}: a plain or scientific decimal, as a string or now and then a JSON number. */
  private String[] decimal(double v) {
    String text = switch (rnd.nextInt(4)) {
      case 0 -> String.format(Locale.ROOT, "%.8f", v);
      case 1 -> String.format(Locale.ROOT, "%.3e", v);
      case 2 -> Double.toString(v);
      default -> String.format(Locale.ROOT, "%.2f", v);
    };
    if (Double.parseDouble(text) <= 0) {
      text = "0.00000001";
    }
    return new String[] {rnd.nextInt(8) == 0 ? text : str(text), text};
  }

  /** {raw JSON, epoch ms as the parser must read it}: 0 to 9 fraction digits, Z or +00:00. */
  private String[] time(long ms) {
    long second = Math.floorDiv(ms, 1000);
    int millis = (int) Math.floorMod(ms, 1000);
    int digits = rnd.nextInt(10);
    String fraction = String.format(Locale.ROOT, "%03d%06d", millis, rnd.nextInt(1_000_000)).substring(0, digits);
    long read = second * 1000 + (digits == 0 ? 0 : Long.parseLong((fraction + "00").substring(0, 3)));
    String text = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).format(SECOND)
        + (digits == 0 ? "" : "." + fraction) + (rnd.nextInt(5) == 0 ? "+00:00" : "Z");
    return new String[] {str(text), Long.toString(read)};
  }

  private String symbol() {
    return SYMBOLS.get(rnd.nextInt(SYMBOLS.size()));
  }

  private List<String[]> shuffled(List<String[]> fields) {
    if (rnd.nextInt(3) == 0) {
      for (int i = fields.size() - 1; i > 0; i--) {
        Collections.swap(fields, i, rnd.nextInt(i + 1));
      }
    }
    return fields;
  }

  private static String str(String s) {
    return "\"" + s + "\"";
  }

  // ---- damage ----

  private Msg hostile(Msg m) {
    List<String[]> f = new ArrayList<>(m.fields());
    for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
      switch (rnd.nextInt(6)) {
        case 0, 1, 2 -> {
          if (!f.isEmpty()) {
            int i = rnd.nextInt(f.size());
            f.set(i, new String[] {f.get(i)[0], HOSTILE[rnd.nextInt(HOSTILE.length)]});
          }
        }
        case 3 -> {
          if (!f.isEmpty()) {
            f.remove(rnd.nextInt(f.size()));
          }
        }
        case 4 -> f.add(rnd.nextInt(f.size() + 1), new String[] {FIELDS[rnd.nextInt(FIELDS.length)],
            HOSTILE[rnd.nextInt(HOSTILE.length)]});
        default -> f.add(new String[] {"x" + rnd.nextInt(10), deep(1 + rnd.nextInt(3000))});
      }
    }
    return new Msg(f, null);
  }

  private static String deep(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private String damage(String s) {
    StringBuilder sb = new StringBuilder(s);
    for (int k = rnd.nextInt(3); k > 0 && !sb.isEmpty(); k--) {
      int at = rnd.nextInt(sb.length());
      switch (rnd.nextInt(6)) {
        case 0 -> sb.setLength(at);
        case 1 -> sb.delete(at, Math.min(sb.length(), at + 1 + rnd.nextInt(8)));
        case 2 -> sb.insert(at, NOISE[rnd.nextInt(NOISE.length)]);
        case 3 -> {
          int other = rnd.nextInt(sb.length());
          char c = sb.charAt(at);
          sb.setCharAt(at, sb.charAt(other));
          sb.setCharAt(other, c);
        }
        case 4 -> sb.insert(rnd.nextBoolean() ? 0 : sb.length(), rnd.nextBoolean() ? "[" : " {}");
        default -> sb.insert(at, "9".repeat(1 + rnd.nextInt(2000)));
      }
    }
    return sb.toString();
  }

  private String noise() {
    StringBuilder sb = new StringBuilder();
    for (int n = rnd.nextInt(200); n > 0; n--) {
      sb.append(NOISE[rnd.nextInt(NOISE.length)]);
    }
    return sb.toString();
  }

  /** A REST trades body of valid and damaged elements; when every element is valid, each must parse exactly. */
  private void restBody() {
    String symbol = symbol();
    List<FeedMessage> expected = new ArrayList<>();
    StringBuilder body = new StringBuilder("[");
    int n = 1 + rnd.nextInt(5);
    for (int i = 0; i < n; i++) {
      Msg m = trade("match", symbol);
      List<String[]> rest = new ArrayList<>(m.fields().stream()
          .filter(f -> List.of("time", "trade_id", "price", "size", "side").contains(f[0])).toList());
      Trade t = ((FeedMessage.TradeMessage) m.expected()).trade();
      Msg element = rnd.nextInt(4) == 0 ? hostile(new Msg(rest, null)) : new Msg(rest, new FeedMessage.TradeMessage(
          new Trade(symbol, t.timeMs(), t.price(), t.size(), t.takerSide(), t.tradeId()), false));
      if (expected != null && element.expected() != null) {
        expected.add(element.expected());
      } else {
        expected = null;
      }
      body.append(i == 0 ? "" : ",").append(element.json());
    }
    String text = body.append(']').toString();
    line = text;
    List<FeedMessage> got;
    try {
      got = parser.parseRestTrades(symbol, text);
    } catch (RuntimeException e) {
      violation("parseRestTrades threw " + e);
      return;
    }
    count("lines");
    count("rest_bodies");
    if (expected != null && !expected.equals(got)) {
      violation("REST body parsed to " + got + ", expected " + expected);
    }
    got.forEach(this::sane);
    got.forEach(this::offer);
  }

  // ---- checks ----

  private void check(String text, FeedMessage expected) {
    line = text;
    count("lines");
    FeedMessage m;
    try {
      m = parser.parse(text);
    } catch (RuntimeException | StackOverflowError e) {
      violation("parse threw " + e);
      return;
    }
    if (m == null) {
      violation("parse gave null");
      return;
    }
    if (!same(m, parser.parse(text))) {
      violation("a second parse differs");
    }
    if (expected != null) {
      count("exact_checked");
      if (!same(expected, m)) {
        violation("parsed to " + m + ", expected " + expected);
      }
    }
    sane(m);
    offer(m);
  }

  /** Equal messages; a book update's levels compared by content. */
  private static boolean same(FeedMessage a, FeedMessage b) {
    if (a instanceof FeedMessage.BookMessage x && b instanceof FeedMessage.BookMessage y) {
      BookUpdate u = x.update();
      BookUpdate v = y.update();
      return u.symbol().equals(v.symbol()) && u.timeMs() == v.timeMs() && u.snapshot() == v.snapshot()
          && Arrays.equals(u.bidPrices(), v.bidPrices()) && Arrays.equals(u.bidSizes(), v.bidSizes())
          && Arrays.equals(u.askPrices(), v.askPrices()) && Arrays.equals(u.askSizes(), v.askSizes());
    }
    return a.equals(b);
  }

  private void sane(FeedMessage m) {
    if (m instanceof FeedMessage.TradeMessage tm) {
      count("parsed:trade");
      Trade t = tm.trade();
      if (!states.containsKey(t.symbol()) || !(t.price() > 0) || !Double.isFinite(t.price()) || !(t.size() > 0)
          || !Double.isFinite(t.size()) || t.tradeId() <= 0 || t.takerSide() == null || !validTime(t.timeMs())) {
        violation("insane trade " + t);
      }
    } else if (m instanceof FeedMessage.TickerMessage tk) {
      count("parsed:ticker");
      Quote q = tk.quote();
      if (!states.containsKey(q.symbol()) || !(q.bid() > 0) || !(q.bid() <= q.ask()) || !Double.isFinite(q.ask())
          || !validTime(q.timeMs())) {
        violation("insane quote " + q);
      }
    } else if (m instanceof FeedMessage.Heartbeat hb) {
      count("parsed:heartbeat");
      if (!states.containsKey(hb.symbol()) || hb.timeMs() != IsoTime.INVALID && !validTime(hb.timeMs())) {
        violation("insane heartbeat " + hb);
      }
    } else if (m instanceof FeedMessage.BookMessage bm) {
      count("parsed:bookmessage");
      BookUpdate u = bm.update();
      if (!states.containsKey(u.symbol()) || u.timeMs() != IsoTime.INVALID && !validTime(u.timeMs())
          || !saneLevels(u.bidPrices(), u.bidSizes()) || !saneLevels(u.askPrices(), u.askSizes())) {
        violation("insane book update " + Arrays.toString(u.bidPrices()) + Arrays.toString(u.bidSizes())
            + Arrays.toString(u.askPrices()) + Arrays.toString(u.askSizes()));
      }
    } else if (m instanceof FeedMessage.Malformed bad) {
      count("malformed:" + bad.reason().key());
    } else {
      count("parsed:" + m.getClass().getSimpleName().toLowerCase(Locale.ROOT));
    }
  }

  private static boolean saneLevels(long[] prices, double[] sizes) {
    for (int i = 0; i < prices.length; i++) {
      if (!(prices[i] > 0 && prices[i] <= Prices.MAX && sizes[i] >= 0 && sizes[i] <= Prices.MAX)) {
        return false;
      }
    }
    return prices.length == sizes.length;
  }

  private static boolean validTime(long ms) {
    return ms >= 0 && ms <= LAST_VALID_MS;
  }

  private void offer(FeedMessage m) {
    if (m instanceof FeedMessage.TradeMessage tm) {
      offered.add(tm.trade());
      gate.trade(tm.trade(), 0);
    } else if (m instanceof FeedMessage.TickerMessage tk) {
      gate.quote(tk.quote(), 0);
    } else if (m instanceof FeedMessage.Heartbeat hb) {
      gate.heartbeat(hb.symbol(), hb.lastTradeId(), hb.timeMs());
    } else if (m instanceof FeedMessage.BookMessage bm) {
      BookUpdate u = bm.update();
      // as the feed stamps a message without a time with its arrival
      count("book:" + states.get(u.symbol()).apply(u.timeMs() != IsoTime.INVALID ? u : new BookUpdate(u.symbol(),
          START_MS, u.snapshot(), u.bidPrices(), u.bidSizes(), u.askPrices(), u.askSizes())).name()
          .toLowerCase(Locale.ROOT));
    }
  }

  /** What the gate lets through must be sane, offered, never a resend; it goes to the market as the feed's would. */
  private final class Checks implements TradeGate.Listener {
    @Override
    public void trade(Trade t) {
      count("gate:trade");
      if (!offered.remove(t)) {
        violation("let through a trade not offered, or twice: " + t);
      }
      double notional = t.price() * t.size();
      if (!(notional > 0 && notional <= TradeGate.MAX_MAGNITUDE && t.price() <= TradeGate.MAX_MAGNITUDE
          && t.size() <= TradeGate.MAX_MAGNITUDE)) {
        violation("let through an unbounded trade " + t);
      }
      Long last = lastReleasedId.put(t.symbol(), t.tradeId());
      if (last != null && t.tradeId() <= last && last - t.tradeId() <= ID_JUMP) {
        violation("let through a resend: id " + t.tradeId() + " after " + last + " of " + t.symbol());
      }
      states.get(t.symbol()).apply(t);
    }

    @Override
    public void quote(Quote q) {
      count("gate:quote");
      if (!(q.bid() <= TradeGate.MAX_MAGNITUDE && q.ask() <= TradeGate.MAX_MAGNITUDE)) {
        violation("let through an unbounded quote " + q);
      }
      states.get(q.symbol()).apply(q);
    }

    @Override
    public void gap(TradeGap gap) {
      count("gate:gap");
    }

    @Override
    public void duplicate(String symbol) {
      count("gate:duplicate");
    }

    @Override
    public void dropped(String symbol, MalformedReason reason) {
      count("gate:dropped:" + reason.key());
    }

    @Override
    public void holding(String symbol, boolean holding) {
      if (holding) {
        count("gate:held");
      }
    }
  }

  private void checkMarketViews() {
    line = "(market views)";
    long now = System.currentTimeMillis();
    for (SymbolState s : states.values()) {
      List<String> views = new ArrayList<>(List.of(MarketJson.signals(s).encode(), MarketJson.signalsTf(s).encode(),
          MarketJson.features(s).encode(), MarketJson.state(s, now).encode(),
          MarketSnapshot.of(s, now).toJson().encode(), MarketJson.book(s, 1000, now)));
      for (Timeframe tf : Timeframe.values()) {
        views.add(MarketJson.bars(s, tf, SymbolState.BARS_KEPT).encode());
      }
      for (String v : views) {
        if (v.contains("NaN") || v.contains("Infinity")) {
          violation("a market view of " + s.symbol() + " holds NaN or Infinity: " + v);
        }
      }
    }
  }

  private void count(String outcome) {
    count(outcome, 1);
  }

  private void count(String outcome, long n) {
    outcomes.merge(outcome, n, Long::sum);
  }

  private void violation(String what) {
    violationCount++;
    if (violations.size() < MAX_VIOLATIONS_KEPT) {
      violations.add(what + " -- line: " + (line.length() > 600 ? line.substring(0, 600) + "..." : line));
    }
  }

  /** {@code lines=N seed=S}; exits 1 when anything was violated. */
  public static void main(String[] args) {
    long lines = 1_000_000;
    long seed = 15;
    for (String a : args) {
      if (a.startsWith("lines=")) {
        lines = Long.parseLong(a.substring(6).replace("_", ""));
      } else if (a.startsWith("seed=")) {
        seed = Long.parseLong(a.substring(5));
      } else {
        throw new IllegalArgumentException("arguments: lines=N seed=S; got " + a);
      }
    }
    Result r = run(lines, seed);
    System.out.println(report(r));
    System.exit(r.violationCount() == 0 ? 0 : 1);
  }

  static String report(Result r) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "parser fuzz: %,d lines, seed %d, recorded capture %s, %.1f s (%,.0f lines/s): %d violations%n", r.lines(),
        r.seed(), r.capture() ? "used" : "not found", r.seconds(), r.lines() / r.seconds(), r.violationCount()));
    r.outcomes().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> sb.append(String.format(Locale.ROOT, "  %-28s %,12d%n", e.getKey(), e.getValue())));
    r.violations().forEach(v -> sb.append("  VIOLATION ").append(v).append('\n'));
    return sb.toString();
  }
}
