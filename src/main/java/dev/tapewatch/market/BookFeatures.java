package dev.tapewatch.market;

import dev.tapewatch.tape.Prices;
import io.vertx.core.json.JsonObject;

/**
 * What the top of a two-sided book says, with b/a the best bid and ask prices and qb/qa their quantities:
 * <ul>
 *   <li>mid = (b + a) / 2; spread_bps = (a − b) / mid · 10⁴;</li>
 *   <li>microprice = (b · qa + a · qb) / (qb + qa), the mid leaning towards the side with less quantity;</li>
 *   <li>imbalance_n = (Σ bid qty − Σ ask qty) / (Σ bid qty + Σ ask qty) over the best n levels of each side (all of a
 *   side's levels when it has fewer), in [−1, 1];</li>
 *   <li>depth within n bps: the bid quantity at prices p with (mid − p) / mid · 10⁴ ≤ n, and the ask quantity at
 *   prices with (p − mid) / mid · 10⁴ ≤ n, decided exactly on the scaled prices.</li>
 * </ul>
 * Every figure is finite: the quantities of a book are positive and bounded ({@link Prices#MAX}).
 *
 * @param timeMs the time of the book's latest change, from which {@code book_age_ms} is measured
 */
public record BookFeatures(double bestBid, double bestAsk, double mid, double spreadBps, double microprice,
    double imbalance1, double imbalance5, double imbalance10, DepthBand depth10, DepthBand depth25,
    DepthBand depth50, long timeMs) {

  /** The quantity on each side within a band of the mid. */
  public record DepthBand(double bid, double ask) {
    JsonObject toJson() {
      return new JsonObject().put("bid", bid).put("ask", ask);
    }

    static DepthBand fromJson(JsonObject j) {
      return new DepthBand(j.getDouble("bid"), j.getDouble("ask"));
    }
  }

  /** The features of the book, or null unless it is {@link OrderBook#ok()} with both sides. */
  public static BookFeatures of(OrderBook book) {
    if (!book.ok() || book.bidLevels() == 0 || book.askLevels() == 0) {
      return null;
    }
    long b = book.bidPrice(0);
    long a = book.askPrice(0);
    double bid = Prices.toDouble(b);
    double ask = Prices.toDouble(a);
    double mid = Prices.toDouble(b + a) / 2;
    double qb = book.bidQuantity(0);
    double qa = book.askQuantity(0);
    return new BookFeatures(bid, ask, mid, (ask - bid) / mid * 1e4, (bid * qa + ask * qb) / (qb + qa),
        imbalance(book, 1), imbalance(book, 5), imbalance(book, 10), depth(book, 10), depth(book, 25),
        depth(book, 50), book.timeMs());
  }

  private static double imbalance(OrderBook book, int levels) {
    double bid = 0;
    for (int i = 0; i < Math.min(levels, book.bidLevels()); i++) {
      bid += book.bidQuantity(i);
    }
    double ask = 0;
    for (int i = 0; i < Math.min(levels, book.askLevels()); i++) {
      ask += book.askQuantity(i);
    }
    return (bid - ask) / (bid + ask);
  }

  /**
   * With m2 = b + a (twice the mid, exact): a bid p is within n bps when (m2 − 2p) · 10⁴ ≤ n · m2, an ask when
   * (2p − m2) · 10⁴ ≤ n · m2; both products are compared in 128 bits.
   */
  private static DepthBand depth(OrderBook book, int bps) {
    long m2 = book.bidPrice(0) + book.askPrice(0);
    double bid = 0;
    for (int i = 0; i < book.bidLevels() && within(m2 - 2 * book.bidPrice(i), m2, bps); i++) {
      bid += book.bidQuantity(i);
    }
    double ask = 0;
    for (int i = 0; i < book.askLevels() && within(2 * book.askPrice(i) - m2, m2, bps); i++) {
      ask += book.askQuantity(i);
    }
    return new DepthBand(bid, ask);
  }

  /** distance · 10⁴ ≤ bps · m2, for distance and m2 non-negative (a level never lies on the other side of the mid). */
  private static boolean within(long distance, long m2, int bps) {
    long leftHigh = Math.multiplyHigh(distance, 10_000L);
    long rightHigh = Math.multiplyHigh(m2, bps);
    return leftHigh < rightHigh || leftHigh == rightHigh && Long.compareUnsigned(distance * 10_000L, m2 * bps) <= 0;
  }

  /** The imbalance over the best 1, 5 or 10 levels. */
  public double imbalance(int levels) {
    return switch (levels) {
      case 1 -> imbalance1;
      case 5 -> imbalance5;
      case 10 -> imbalance10;
      default -> throw new IllegalArgumentException("imbalance is kept over 1, 5 or 10 levels, not " + levels);
    };
  }

  /** {@code {"10": {bid, ask}, "25": {...}, "50": {...}}}. */
  public JsonObject depthJson() {
    return new JsonObject().put("10", depth10.toJson()).put("25", depth25.toJson()).put("50", depth50.toJson());
  }

  /**
   * What agents read: {@code {best_bid, best_ask, mid, spread_bps, microprice, imbalance_1, imbalance_5,
   * imbalance_10, depth_bps: {"10": {bid, ask}, "25": .., "50": ..}, time_ms}}.
   */
  public JsonObject toJson() {
    return new JsonObject()
        .put("best_bid", bestBid)
        .put("best_ask", bestAsk)
        .put("mid", mid)
        .put("spread_bps", spreadBps)
        .put("microprice", microprice)
        .put("imbalance_1", imbalance1)
        .put("imbalance_5", imbalance5)
        .put("imbalance_10", imbalance10)
        .put("depth_bps", depthJson())
        .put("time_ms", timeMs);
  }

  public static BookFeatures fromJson(JsonObject j) {
    JsonObject depth = j.getJsonObject("depth_bps");
    return new BookFeatures(j.getDouble("best_bid"), j.getDouble("best_ask"), j.getDouble("mid"),
        j.getDouble("spread_bps"), j.getDouble("microprice"), j.getDouble("imbalance_1"), j.getDouble("imbalance_5"),
        j.getDouble("imbalance_10"), DepthBand.fromJson(depth.getJsonObject("10")),
        DepthBand.fromJson(depth.getJsonObject("25")), DepthBand.fromJson(depth.getJsonObject("50")),
        j.getLong("time_ms"));
  }
}
