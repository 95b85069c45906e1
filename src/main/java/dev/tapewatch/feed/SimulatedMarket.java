package dev.tapewatch.feed;

import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A seedable random tape for one symbol: a geometric random walk at a realistic price level whose drift switches
 * between up, down and flat regimes every few minutes, trade arrivals at several a second (less down the
 * {@link SimulatedProducts} list) with occasional volume bursts, taker side leaning with the drift, a quote around the last price, and a level-2 book whose best levels are
 * that quote. Plain: the caller supplies the clock.
 *
 * <p>The book holds a side's best level at the quote and up to {@value #BOOK_LEVELS} levels a side behind it on a grid
 * {@value #BOOK_STEP_BPS} bps apart, most of them filled, larger further out; each step a few levels change size, one
 * may empty, gaps fill in, and the book follows the quote. While the
 * drift is up the best {@value #LEANING_LEVELS} bid levels are stacked {@value #LEAN}× deeper (the asks while it is
 * down), so the book leans with the market. Its first step gives a snapshot, each later one an update of the levels
 * that changed. The book has a random generator of its own, so the trades and quotes of a seed are the same with or
 * without it.
 */
public final class SimulatedMarket {
  private static final double BASE_TRADES_PER_SEC = 4.0;
  private static final double VOLATILITY_PER_SQRT_SEC = 0.00012;
  static final int BOOK_LEVELS = 200;
  /** The spacing of the levels behind the best, in bps of the starting price (at least a tick). */
  static final double BOOK_STEP_BPS = 0.25;
  static final int LEANING_LEVELS = 5;
  static final double LEAN = 8.0;
  private static final double FILLED = 0.85;
  /** Ticks from the best within which a gap fills quickly, as a liquid book's top is dense. */
  private static final int DENSE_LEVELS = 10;

  private final String symbol;
  private final SplittableRandom random;
  private final SplittableRandom bookRandom;
  private final double ticksPerUnit;
  private final double typicalSize;
  private final double tradesPerSec;
  private Levels bids;
  private Levels asks;
  /** What each side was before the step in progress, and then the room its next move is written into. */
  private Levels spareBids;
  private Levels spareAsks;
  private boolean snapshotDue = true;
  private double price;
  private double driftPerSec;
  private long regimeEndsMs;
  private long burstEndsMs;
  private long tradeId;

  public SimulatedMarket(String symbol, long seed) {
    this.symbol = symbol;
    this.random = new SplittableRandom(seed ^ symbol.hashCode() * 0x9E3779B97F4A7C15L);
    this.bookRandom = new SplittableRandom(~(seed ^ symbol.hashCode() * 0x9E3779B97F4A7C15L));
    this.tradesPerSec = BASE_TRADES_PER_SEC * SimulatedProducts.activity(symbol);
    String base = symbol.substring(0, symbol.indexOf('-'));
    switch (base) {
      case "BTC" -> {
        price = 95_000;
        ticksPerUnit = 100;
        typicalSize = 0.02;
      }
      case "ETH" -> {
        price = 3_400;
        ticksPerUnit = 100;
        typicalSize = 0.4;
      }
      case "ADA", "XRP", "DOGE" -> {
        price = 0.45;
        ticksPerUnit = 10_000;
        typicalSize = 1_500;
      }
      default -> {
        price = 100;
        ticksPerUnit = 100;
        typicalSize = 5;
      }
    }
    price *= 0.9 + 0.2 * random.nextDouble();
    long step = Math.max(1, Math.round(price * BOOK_STEP_BPS / 1e4 * ticksPerUnit));
    bids = new Levels(-1, step, 0);
    asks = new Levels(1, step, 0);
    spareBids = new Levels(-1, step, 0);
    spareAsks = new Levels(1, step, 0);
  }

  /**
   * Generates the trades of (fromMs, toMs] in time order, then the quote at {@code toMs} and the book's change (a
   * snapshot the first time and after {@link #snapshotDue()}; nothing when no level changed).
   */
  public void advance(long fromMs, long toMs, Consumer<Trade> trades, Consumer<Quote> quotes,
      Consumer<BookUpdate> books) {
    long t = fromMs;
    while (true) {
      double rate = tradesPerSec * (t < burstEndsMs ? 6.0 : 1.0);
      t += Math.max(1, (long) (-Math.log(1 - random.nextDouble()) / rate * 1000));
      if (t > toMs) {
        break;
      }
      maybeSwitchRegime(t);
      trades.accept(nextTrade(t));
    }
    double halfSpread = Math.max(1 / ticksPerUnit, price * 0.00008 * (1 + random.nextDouble()));
    long bidTick = ticks(price - halfSpread);
    long askTick = ticks(price + halfSpread);
    quotes.accept(new Quote(symbol, toMs, bidTick / ticksPerUnit, askTick / ticksPerUnit));
    BookUpdate change = moveBook(toMs, bidTick, askTick);
    if (change != null) {
      books.accept(change);
    }
  }

  /** The next step gives a snapshot of the whole book: the feed was asked for a fresh one. */
  public void snapshotDue() {
    snapshotDue = true;
  }

  /** Moves the book to the quote and changes a few levels; the levels changed, or the snapshot, or null. */
  private BookUpdate moveBook(long timeMs, long bidTick, long askTick) {
    Levels bidsBefore = bids;
    Levels asksBefore = asks;
    bids = bids.movedTo(bidTick, spareBids);
    asks = asks.movedTo(askTick, spareAsks);
    spareBids = bidsBefore;
    spareAsks = asksBefore;
    for (int k = 0; k < BOOK_LEVELS; k++) {
      if (k == 0 || bids.qty[k] == 0 && bookRandom.nextDouble() < fill(bidsBefore, bids.tick(k), k)) {
        bids.qty[k] = quantity(k, driftPerSec > 0);
      }
      if (k == 0 || asks.qty[k] == 0 && bookRandom.nextDouble() < fill(asksBefore, asks.tick(k), k)) {
        asks.qty[k] = quantity(k, driftPerSec < 0);
      }
    }
    for (int n = 0; n < 3; n++) {
      int k = (int) Math.min(BOOK_LEVELS - 1, -Math.log(1 - bookRandom.nextDouble()) * 8);
      boolean bid = bookRandom.nextBoolean();
      (bid ? bids : asks).qty[k] = k > 0 && bookRandom.nextDouble() < 0.2 ? 0
          : quantity(k, bid ? driftPerSec > 0 : driftPerSec < 0);
    }
    restack(bids, driftPerSec > 0);
    restack(asks, driftPerSec < 0);
    if (snapshotDue) {
      snapshotDue = false;
      return update(timeMs, true, bids.levels(null), asks.levels(null));
    }
    PriceLevels bidChanges = bids.levels(bidsBefore);
    PriceLevels askChanges = asks.levels(asksBefore);
    return bidChanges.size() + askChanges.size() == 0 ? null : update(timeMs, false, bidChanges, askChanges);
  }

  /**
   * The chance that an empty level {@code k} levels from the best fills this step: a price the side did not reach
   * before (a new book, or one that moved) is as full as a new book; a gap it had fills quickly near the top and slowly
   * further out.
   */
  private static double fill(Levels before, long tick, int k) {
    return !before.reaches(tick) ? FILLED : k < DENSE_LEVELS ? 0.5 : 0.05;
  }

  /** Now and then a new quantity for one of the best levels, so that they follow a change of drift within a second. */
  private void restack(Levels side, boolean leaning) {
    for (int k = 0, seen = 0; k < BOOK_LEVELS && seen < LEANING_LEVELS; k++) {
      if (side.qty[k] > 0) {
        if (bookRandom.nextDouble() < 0.3) {
          side.qty[k] = quantity(seen, leaning);
        }
        seen++;
      }
    }
  }

  private double quantity(int k, boolean leaning) {
    double qty = typicalSize * (1 + 0.05 * k) * Math.exp(bookRandom.nextGaussian() * 0.6)
        * (leaning && k < LEANING_LEVELS ? LEAN : 1);
    return Math.max(1e-8, Math.round(qty * 1e8) / 1e8);
  }

  /** The levels found, in ticks, as a book update with exact prices. */
  private BookUpdate update(long timeMs, boolean snapshot, PriceLevels bidTicks, PriceLevels askTicks) {
    return new BookUpdate(symbol, timeMs, snapshot, prices(bidTicks), bidTicks.sizes(), prices(askTicks),
        askTicks.sizes());
  }

  private long[] prices(PriceLevels ticks) {
    long scale = BookUpdate.PRICE_SCALE / (long) ticksPerUnit;
    long[] prices = ticks.prices();
    for (int i = 0; i < prices.length; i++) {
      prices[i] *= scale;
    }
    return prices;
  }

  /**
   * One side of the simulated book: its best level at the quote, {@code qty[0]}, and behind it levels on a grid of
   * {@code step} ticks, {@code qty[k]} the k-th grid level from the best (0: no level), running down from the best bid
   * and up from the best ask, as resting orders cluster at round prices.
   */
  private static final class Levels {
    final int direction;
    final long step;
    long best;
    /** The grid level nearest the best, strictly behind it. */
    long firstGrid;
    final double[] qty = new double[BOOK_LEVELS];

    Levels(int direction, long step, long best) {
      this.direction = direction;
      this.step = step;
      placeBestAt(best);
    }

    private void placeBestAt(long tick) {
      best = tick;
      firstGrid = direction < 0 ? Math.floorDiv(tick - 1, step) * step : Math.floorDiv(tick, step) * step + step;
    }

    /** Whether {@code tick} lies between the best and the last grid level. */
    boolean reaches(long tick) {
      return best != 0 && (tick - best) * direction >= 0 && (tick(BOOK_LEVELS - 1) - tick) * direction >= 0;
    }

    long tick(int k) {
      return k == 0 ? best : firstGrid + direction * (k - 1) * step;
    }

    double at(long tick) {
      if (best == 0) {
        return 0;
      }
      if (tick == best) {
        return qty[0];
      }
      long behind = (tick - firstGrid) * direction;
      return behind < 0 || behind % step != 0 || behind / step + 1 >= BOOK_LEVELS ? 0 : qty[(int) (behind / step) + 1];
    }

    /**
     * The side with its best at {@code tick}, written into {@code moved} (whose levels are all overwritten): the
     * levels within the window kept, those beyond it or across dropped.
     */
    Levels movedTo(long tick, Levels moved) {
      moved.placeBestAt(tick);
      moved.qty[0] = at(tick);
      long shift = gridShift(moved);
      for (int k = 1; k < BOOK_LEVELS; k++) {
        moved.qty[k] = atGridLevelOf(moved, k, shift);
      }
      return moved;
    }

    /** How many grid steps {@code other}'s grid starts behind this one's: both grids are multiples of the step. */
    private long gridShift(Levels other) {
      return (other.firstGrid - firstGrid) * direction / step;
    }

    /**
     * {@code at(other.tick(k))} for a grid level {@code k ≥ 1} of {@code other}, a side of the same direction and
     * step, whose grid starts {@code shift} steps behind this one's: the level's index here without a division, as
     * this runs for every level of every side of every product at each step.
     */
    private double atGridLevelOf(Levels other, int k, long shift) {
      if (best == 0) {
        return 0;
      }
      if (other.tick(k) == best) {
        return qty[0];
      }
      long i = shift + k;
      return i < 1 || i >= BOOK_LEVELS ? 0 : qty[(int) i];
    }

    /** Every level best first ({@code before} null), or the levels that differ from {@code before}'s, 0 for gone. */
    PriceLevels levels(Levels before) {
      PriceLevels out = new PriceLevels();
      if (before == null) {
        for (int k = 0; k < BOOK_LEVELS; k++) {
          if (qty[k] > 0) {
            out.add(tick(k), qty[k]);
          }
        }
        return out;
      }
      long toBefore = gridShift(before);
      long toThis = before.gridShift(this);
      for (int k = 0; k < BOOK_LEVELS; k++) {
        double now = k == 0 ? at(before.tick(0)) : atGridLevelOf(before, k, toBefore);
        if (before.qty[k] > 0 && now != before.qty[k]) {
          out.add(before.tick(k), now);
        }
        double was = k == 0 ? before.at(tick(0)) : before.atGridLevelOf(this, k, toThis);
        if (qty[k] > 0 && was == 0) {
          out.add(tick(k), qty[k]);
        }
      }
      return out;
    }
  }

  private void maybeSwitchRegime(long t) {
    if (t >= regimeEndsMs) {
      double pick = random.nextDouble();
      driftPerSec = pick < 0.3 ? 0.000008 : pick < 0.6 ? -0.000008 : 0.0;
      regimeEndsMs = t + 120_000 + (long) (random.nextDouble() * 480_000);
    }
    if (t >= burstEndsMs && random.nextDouble() < 0.0005) {
      burstEndsMs = t + 20_000 + (long) (random.nextDouble() * 40_000);
    }
  }

  private Trade nextTrade(long t) {
    // A quiet product moves as much per second as a busy one, in fewer, larger steps.
    double dt = 1.0 / tradesPerSec;
    double gauss = random.nextGaussian();
    price *= Math.exp(driftPerSec * dt + VOLATILITY_PER_SQRT_SEC * Math.sqrt(dt) * gauss);
    double buyBias = 0.5 + Math.signum(driftPerSec) * 0.1;
    Side side = random.nextDouble() < buyBias ? Side.BUY : Side.SELL;
    double size = typicalSize * Math.exp(random.nextDouble() * 3 - 1.5) * (t < burstEndsMs ? 2.0 : 1.0);
    return new Trade(symbol, t, ticks(price) / ticksPerUnit, Math.max(1e-8, Math.round(size * 1e8) / 1e8), side,
        ++tradeId);
  }

  /**
   * The price in whole ticks, at least one; divided by the ticks per unit (a whole number) it gives the double nearest
   * the decimal price.
   */
  private long ticks(double p) {
    return Math.max(1, Math.round(p * ticksPerUnit));
  }
}
