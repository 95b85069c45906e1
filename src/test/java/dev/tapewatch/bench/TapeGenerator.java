package dev.tapewatch.bench;

import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a seeded tape of Coinbase Exchange ws-feed {@code match} messages, one JSON object a line, exactly as the
 * feed sends them (decimals as strings, microsecond UTC times, maker/taker order UUIDs, per-product trade ids and a
 * sequence that also counts the order-book events in between).
 */
final class TapeGenerator {
  /** 2026-11-24T07:00:00Z in epoch microseconds. */
  static final long START_MICROS = LocalDateTime.of(2026, 11, 24, 7, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;

  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Known products with a realistic start price and the number of price decimals (the product's quote tick). */
  private static final String[][] PRODUCTS = {
      {"BTC-USD", "95123.45", "2"},
      {"ETH-USD", "3412.87", "2"},
      {"SOL-USD", "241.316", "3"},
      {"ADA-USD", "0.8123", "4"},
      {"XRP-USD", "1.4271", "4"},
      {"DOGE-USD", "0.38125", "5"},
      {"LTC-USD", "98.76", "2"},
      {"AVAX-USD", "41.27", "2"},
  };

  /** What was written. */
  record Tape(Path path, long messages, long bytes, Map<String, Long> tradesPerSymbol, List<String> lines) {
    List<String> symbols() {
      return new ArrayList<>(tradesPerSymbol.keySet());
    }
  }

  private static final class Product {
    final String id;
    final int decimals;
    final long tickScale;
    long priceTicks;
    long tradeId;
    long sequence;
    long count;

    Product(String id, String price, int decimals, SplittableRandom rnd) {
      this.id = id;
      this.decimals = decimals;
      this.tickScale = pow10(decimals);
      this.priceTicks = Math.round(Double.parseDouble(price) * tickScale);
      this.tradeId = 100_000_000L + rnd.nextLong(900_000_000L);
      this.sequence = 10_000_000_000L + rnd.nextLong(90_000_000_000L);
    }
  }

  private TapeGenerator() {
  }

  /**
   * The products of a tape of {@code n}: the first {@code n} known ones, or beyond {@value #KNOWN} as many made-up ones
   * ({@code S000-USD}, {@code S001-USD}, ...), each with its own start price and tick.
   */
  static List<String> symbols(int n) {
    return products(n).stream().map(p -> p[0]).toList();
  }

  static final int KNOWN = 8;
  static final int MAX_SYMBOLS = 1000;

  private static List<String[]> products(int n) {
    if (n < 1 || n > MAX_SYMBOLS) {
      throw new IllegalArgumentException("symbols must be 1.." + MAX_SYMBOLS);
    }
    if (n <= KNOWN) {
      return List.of(PRODUCTS).subList(0, n);
    }
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Prices from one tick to 9,973 with 2 to 5 decimals, so that the feed's numbers vary as on Coinbase.
      int decimals = 2 + i % 4;
      String price = BigDecimal.valueOf(1 + (i * 7919L) % 9973, i % 8).setScale(decimals, RoundingMode.HALF_UP)
          .max(BigDecimal.ONE.movePointLeft(decimals)).toPlainString();
      out.add(new String[] {String.format(Locale.ROOT, "S%03d-USD", i), price, Integer.toString(decimals)});
    }
    return out;
  }

  /**
   * Writes {@code messages} matches over the products of {@code symbols(symbols)}. Consecutive messages are
   * {@code minGapMicros..maxGapMicros} apart (equal bounds: a fixed pace). With {@code keepLines} the lines are also
   * returned in memory (for the parse-only baseline).
   */
  static Tape write(Path path, long messages, int symbols, long seed, long minGapMicros, long maxGapMicros,
      boolean keepLines) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Product> products = new ArrayList<>();
    for (String[] p : products(symbols)) {
      products.add(new Product(p[0], p[1], Integer.parseInt(p[2]), rnd));
    }
    // Skewed like the real feed: the first product trades most.
    double[] weight = new double[symbols];
    double sum = 0;
    for (int i = 0; i < symbols; i++) {
      weight[i] = 1.0 / (1 + 0.5 * i);
      sum += weight[i];
    }
    double[] cumulative = new double[symbols];
    double acc = 0;
    for (int i = 0; i < symbols; i++) {
      acc += weight[i] / sum;
      cumulative[i] = acc;
    }
    List<String> lines = keepLines ? new ArrayList<>((int) Math.min(messages, Integer.MAX_VALUE - 8)) : null;
    StringBuilder sb = new StringBuilder(320);
    long micros = START_MICROS;
    long cachedSecond = Long.MIN_VALUE;
    String secondText = "";
    long bytes = 0;
    try (BufferedWriter out = new BufferedWriter(
        new OutputStreamWriter(Files.newOutputStream(path), StandardCharsets.UTF_8), 1 << 20)) {
      for (long n = 0; n < messages; n++) {
        double u = rnd.nextDouble();
        int k = 0;
        while (k < symbols - 1 && u > cumulative[k]) {
          k++;
        }
        Product p = products.get(k);
        // Random walk of a few ticks, never to zero or below.
        long step = rnd.nextInt(7) - 3;
        p.priceTicks = Math.max(1, p.priceTicks + step * Math.max(1, p.priceTicks / 100_000));
        p.tradeId++;
        p.sequence += 1 + rnd.nextInt(40);
        p.count++;
        // Sizes: mostly small, sometimes large; 8 decimals like the feed.
        double r = rnd.nextDouble();
        long sizeUnits = 1 + (long) (r * r * r * 50_000_000L * (k == 0 ? 1 : 10));

        long second = Math.floorDiv(micros, 1_000_000L);
        if (second != cachedSecond) {
          cachedSecond = second;
          secondText = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).format(SECOND);
        }
        sb.setLength(0);
        sb.append("{\"type\":\"match\",\"trade_id\":").append(p.tradeId).append(",\"maker_order_id\":\"");
        uuid(sb, rnd);
        sb.append("\",\"taker_order_id\":\"");
        uuid(sb, rnd);
        sb.append("\",\"side\":\"").append(rnd.nextBoolean() ? "buy" : "sell").append("\",\"size\":\"");
        fixed(sb, sizeUnits, 8);
        sb.append("\",\"price\":\"");
        fixed(sb, p.priceTicks, p.decimals);
        sb.append("\",\"product_id\":\"").append(p.id).append("\",\"sequence\":").append(p.sequence)
            .append(",\"time\":\"").append(secondText).append('.');
        pad(sb, Math.floorMod(micros, 1_000_000L), 6);
        sb.append("Z\"}");
        String line = sb.toString();
        out.write(line);
        out.write('\n');
        bytes += line.length() + 1;
        if (lines != null) {
          lines.add(line);
        }
        micros += minGapMicros == maxGapMicros ? minGapMicros
            : minGapMicros + rnd.nextLong(maxGapMicros - minGapMicros + 1);
      }
    }
    Map<String, Long> perSymbol = new LinkedHashMap<>();
    products.forEach(p -> perSymbol.put(p.id, p.count));
    return new Tape(path, messages, bytes, perSymbol, lines);
  }

  private static long pow10(int n) {
    long v = 1;
    for (int i = 0; i < n; i++) {
      v *= 10;
    }
    return v;
  }

  /** {@code units / 10^decimals} as a plain decimal with exactly {@code decimals} digits after the point. */
  private static void fixed(StringBuilder sb, long units, int decimals) {
    long scale = pow10(decimals);
    sb.append(units / scale);
    if (decimals > 0) {
      sb.append('.');
      pad(sb, units % scale, decimals);
    }
  }

  private static void pad(StringBuilder sb, long v, int width) {
    String s = Long.toString(v);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    sb.append(s);
  }

  /** A random (version 4) UUID in its usual lower-case text form. */
  private static void uuid(StringBuilder sb, SplittableRandom rnd) {
    long hi = (rnd.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lo = (rnd.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    hex(sb, hi >>> 32, 8);
    sb.append('-');
    hex(sb, (hi >>> 16) & 0xffff, 4);
    sb.append('-');
    hex(sb, hi & 0xffff, 4);
    sb.append('-');
    hex(sb, lo >>> 48, 4);
    sb.append('-');
    hex(sb, lo & 0xffffffffffffL, 12);
  }

  private static void hex(StringBuilder sb, long v, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      sb.append(HEX[(int) ((v >>> (4 * i)) & 0xf)]);
    }
  }
}
