package dev.tapewatch.agents;

import dev.tapewatch.agents.LabelSpec.Direction;
import dev.tapewatch.market.BookFeatures;
import dev.tapewatch.market.MarketSnapshot;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code book_imbalance}: the order book leans one way and keeps leaning. A run sees the lean when the imbalance over
 * the best BOOK_IMB_LEVELS levels a side is at or beyond ±BOOK_IMB_THRESHOLD with the spread below
 * BOOK_IMB_MAX_SPREAD_BPS; the lean holds from the first of an unbroken series of runs that saw it on the same side.
 * Once it has held BOOK_IMB_PERSIST_SEC, {@code imbalance_up} (bids heavier) or {@code imbalance_down} (asks heavier),
 * score |imbalance|. A run without a book, or without the lean, breaks the series, and so does a gap of more than two
 * periods since the run before (a run-now long after the last timed run has seen nothing in between).
 */
public final class BookImbalanceAgent extends CooldownAgent {
  private static final LabelSpec UP = LabelSpec.signal("imbalance_up", Direction.UP,
      "bids outweigh asks near the top of the book beyond BOOK_IMB_THRESHOLD for BOOK_IMB_PERSIST_SEC; "
          + "score = |imbalance|",
      (score, d) -> "book leaning to the bid, imbalance " + LabelSpec.number(LabelSpec.field(d, "imbalance"))
          + " for " + LabelSpec.number(LabelSpec.field(d, "held_sec")) + " s");
  private static final LabelSpec DOWN = LabelSpec.signal("imbalance_down", Direction.DOWN,
      "asks outweigh bids near the top of the book beyond BOOK_IMB_THRESHOLD for BOOK_IMB_PERSIST_SEC; "
          + "score = |imbalance|",
      (score, d) -> "book leaning to the ask, imbalance " + LabelSpec.number(LabelSpec.field(d, "imbalance"))
          + " for " + LabelSpec.number(LabelSpec.field(d, "held_sec")) + " s");
  public static final AgentDescriptor DESCRIPTOR = new AgentDescriptor("book_imbalance",
      "the order book leaning one way near its top, and staying so", List.of(UP, DOWN),
      "BOOK_IMB_INTERVAL_SEC", "FEATURE_BOOK_IMBALANCE", 0.0, false, false);

  /** An unbroken series of runs that saw the lean on one side (+1 bids, −1 asks), from the first to the last. */
  private record Lean(int side, long sinceMs, long lastMs) {
  }

  private final long maxGapMs;
  private final int levels;
  private final double threshold;
  private final long persistMs;
  private final double maxSpreadBps;
  private final Map<String, Lean> leans = new HashMap<>();

  /** {@code intervalSec}: the agent's period; runs more than two periods apart are no series. */
  public BookImbalanceAgent(int intervalSec, int levels, double threshold, long persistSec, double maxSpreadBps,
      long cooldownSec) {
    super(DESCRIPTOR, cooldownSec);
    this.maxGapMs = 2000L * intervalSec;
    this.levels = levels;
    this.threshold = threshold;
    this.persistMs = persistSec * 1000;
    this.maxSpreadBps = maxSpreadBps;
  }

  /** The side this run sees the book lean to, 0 for none. */
  private int side(BookFeatures book) {
    if (book == null || book.spreadBps() >= maxSpreadBps) {
      return 0;
    }
    double imbalance = book.imbalance(levels);
    return imbalance >= threshold ? 1 : imbalance <= -threshold ? -1 : 0;
  }

  /** The lean as it stands after this run, or null. */
  private Lean lean(AgentInput input) {
    int side = side(input.market().book());
    if (side == 0) {
      return null;
    }
    Lean before = leans.get(input.market().symbol());
    boolean goesOn = before != null && before.side() == side && input.nowMs() - before.lastMs() <= maxGapMs;
    return new Lean(side, goesOn ? before.sinceMs() : input.nowMs(), input.nowMs());
  }

  @Override
  List<Hit> check(AgentInput input) {
    Lean lean = lean(input);
    if (lean == null || input.nowMs() - lean.sinceMs() < persistMs) {
      return List.of();
    }
    MarketSnapshot m = input.market();
    BookFeatures book = m.book();
    double imbalance = book.imbalance(levels);
    return List.of(new Hit((lean.side() > 0 ? UP : DOWN).label(), Math.abs(imbalance), new JsonObject()
        .put("imbalance", imbalance)
        .put("levels", levels)
        .put("held_sec", (input.nowMs() - lean.sinceMs()) / 1000.0)
        .put("spread_bps", book.spreadBps())
        .put("mid", book.mid())
        .put("microprice", book.microprice())
        .put("best_bid", book.bestBid())
        .put("best_ask", book.bestAsk())));
  }

  @Override
  void remember(AgentInput input) {
    Lean lean = lean(input);
    if (lean == null) {
      leans.remove(input.market().symbol());
    } else {
      leans.put(input.market().symbol(), lean);
    }
  }

  @Override
  void forgetRemembered(String symbol) {
    leans.remove(symbol);
  }
}
