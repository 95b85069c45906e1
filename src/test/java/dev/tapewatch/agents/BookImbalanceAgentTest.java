package dev.tapewatch.agents;

import static dev.tapewatch.agents.Snapshots.OTHER;
import static dev.tapewatch.agents.Snapshots.SYM;
import static dev.tapewatch.agents.Snapshots.T0;
import static dev.tapewatch.agents.Snapshots.at;
import static dev.tapewatch.agents.Snapshots.single;
import static dev.tapewatch.agents.Snapshots.snap;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.market.BookFeatures;
import dev.tapewatch.market.BookFeatures.DepthBand;
import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Finding;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * book_imbalance every 2 s over the best 5 levels, threshold 0.6, persistence 10 s, spread below 10 bps, cooldown
 * 300 s: runs at most 4 s apart that see |imbalance_5| ≥ 0.6 on one side, the spread under the cap, from the first of
 * them for 10 s.
 */
class BookImbalanceAgentTest {
  private static final long COOLDOWN_MS = 300_000;

  private static BookImbalanceAgent agent() {
    return new BookImbalanceAgent(2, 5, 0.6, 10, 10, 300);
  }

  /**
   * A book on a mid of 100 whose imbalance over 1, 5 and 10 levels and spread are given; the rest is what such a book
   * could hold (best bid and ask a spread apart, microprice on the mid).
   */
  static BookFeatures book(double imbalance1, double imbalance5, double imbalance10, double spreadBps) {
    double half = spreadBps / 1e4 * 100 / 2;
    return new BookFeatures(100 - half, 100 + half, 100, spreadBps, 100, imbalance1, imbalance5, imbalance10,
        new DepthBand(1, 1), new DepthBand(2, 2), new DepthBand(3, 3), T0);
  }

  private static MarketSnapshot leaning(double imbalance5) {
    return snap().book(book(0, imbalance5, 0, 2)).build();
  }

  /** Runs {@code a} every 2 s from {@code fromSec} to {@code toSec} (seconds after T0) on {@code m}; the findings. */
  private static List<Finding> runs(BookImbalanceAgent a, MarketSnapshot m, int fromSec, int toSec) {
    List<Finding> out = new java.util.ArrayList<>();
    for (int s = fromSec; s <= toSec; s += 2) {
      out.addAll(a.evaluate(at(m, T0 + s * 1000L), true));
    }
    return out;
  }

  @Test
  void itDescribesTwoDirectedLabels() {
    assertEquals("book_imbalance", agent().name());
    assertEquals(1, AgentCatalog.direction("book_imbalance", "imbalance_up", 0.7));
    assertEquals(-1, AgentCatalog.direction("book_imbalance", "imbalance_down", 0.7));
    assertEquals("BOOK_IMB_INTERVAL_SEC", BookImbalanceAgent.DESCRIPTOR.intervalSetting());
    assertEquals("FEATURE_BOOK_IMBALANCE", BookImbalanceAgent.DESCRIPTOR.switchSetting());
  }

  @Test
  void aLeanHeldForThePersistenceWindowIsAFinding() {
    BookImbalanceAgent a = agent();
    assertEquals(List.of(), runs(a, leaning(0.7), 0, 8), "held 8 s of 10");
    Finding f = single(a.evaluate(at(leaning(0.7), T0 + 10_000), true), "imbalance_up");
    assertEquals("book_imbalance", f.agent());
    assertEquals(SYM, f.symbol());
    assertEquals(0.7, f.score());
    assertEquals(new JsonObject().put("imbalance", 0.7).put("levels", 5).put("held_sec", 10.0).put("spread_bps", 2.0)
        .put("mid", 100.0).put("microprice", 100.0).put("best_bid", 99.99).put("best_ask", 100.01), f.details());
  }

  @Test
  void theThresholdItselfLeansAndTheAskSideIsDown() {
    BookImbalanceAgent a = agent();
    assertEquals(List.of(), runs(a, leaning(-0.6), 0, 8));
    Finding f = single(a.evaluate(at(leaning(-0.6), T0 + 10_000), true), "imbalance_down");
    assertEquals(0.6, f.score());
    assertEquals(-0.6, f.details().getDouble("imbalance"));
  }

  @Test
  void aRunWithoutTheLeanStartsTheWindowAgain() {
    BookImbalanceAgent a = agent();
    assertEquals(List.of(), runs(a, leaning(0.7), 0, 4));
    assertEquals(List.of(), runs(a, leaning(0.59), 6, 6));
    assertEquals(List.of(), runs(a, leaning(0.7), 8, 16), "held from 8 s: 8 s at 16 s");
    single(a.evaluate(at(leaning(0.7), T0 + 18_000), true), "imbalance_up");
  }

  @Test
  void runsMoreThanTwoPeriodsApartAreNoSeries() {
    BookImbalanceAgent a = agent();
    assertEquals(List.of(), runs(a, leaning(0.7), 0, 0));
    // 4 s later (two periods): the series goes on
    assertEquals(List.of(), runs(a, leaning(0.7), 4, 8));
    single(a.evaluate(at(leaning(0.7), T0 + 10_000), true), "imbalance_up");
    BookImbalanceAgent b = agent();
    assertEquals(List.of(), runs(b, leaning(0.7), 0, 0));
    // a run-now 5 s after the last run has seen nothing in between: the lean starts again there
    assertEquals(List.of(), runs(b, leaning(0.7), 5, 13));
    single(b.evaluate(at(leaning(0.7), T0 + 15_000), true), "imbalance_up");
  }

  @Test
  void turningToTheOtherSideStartsTheWindowAgain() {
    BookImbalanceAgent a = agent();
    assertEquals(List.of(), runs(a, leaning(0.7), 0, 8));
    assertEquals(List.of(), runs(a, leaning(-0.8), 10, 18));
    Finding f = single(a.evaluate(at(leaning(-0.8), T0 + 20_000), true), "imbalance_down");
    assertEquals(10.0, f.details().getDouble("held_sec"));
  }

  @Test
  void aSpreadAtTheCapOrNoBookBreaksTheLean() {
    BookImbalanceAgent a = agent();
    assertEquals(List.of(), runs(a, leaning(0.9), 0, 8));
    assertEquals(List.of(), runs(a, snap().book(book(0, 0.9, 0, 10)).build(), 10, 10), "spread exactly 10 bps");
    assertEquals(List.of(), runs(a, leaning(0.9), 12, 20));
    assertEquals(List.of(), runs(a, snap().build(), 22, 22), "no book");
    assertEquals(List.of(), runs(a, leaning(0.9), 24, 32));
    single(a.evaluate(at(snap().book(book(0, 0.9, 0, 9.99)).build(), T0 + 34_000), true), "imbalance_up");
  }

  @Test
  void theLevelsSayWhichImbalanceIsRead() {
    MarketSnapshot onlyTop = snap().book(book(0.9, 0.1, 0.1, 2)).build();
    assertEquals(List.of(), runs(agent(), onlyTop, 0, 20));
    BookImbalanceAgent top = new BookImbalanceAgent(2, 1, 0.6, 10, 10, 300);
    assertEquals(0.9, single(runs(top, onlyTop, 0, 10), "imbalance_up").score());
    BookImbalanceAgent deep = new BookImbalanceAgent(2, 10, 0.6, 10, 10, 300);
    assertEquals(0.65, single(runs(deep, snap().book(book(0, 0, -0.65, 2)).build(), 0, 10), "imbalance_down")
        .score());
  }

  @Test
  void oneFindingPerCooldownWhileTheLeanLasts() {
    BookImbalanceAgent a = agent();
    assertEquals(1, runs(a, leaning(0.7), 0, 10).size());
    assertEquals(List.of(), runs(a, leaning(0.7), 12, 308), "held all along, within the cooldown");
    Finding again = single(a.evaluate(at(leaning(0.7), T0 + 10_000 + COOLDOWN_MS), true), "imbalance_up");
    assertEquals(310.0, again.details().getDouble("held_sec"));
    // another symbol has its own window and cooldown
    assertEquals(List.of(), runs(a, snap().symbol(OTHER).book(book(0, 0.7, 0, 2)).build(), 0, 8));
  }

  @Test
  void aDryRunNeitherStartsTheWindowNorTheCooldown() {
    BookImbalanceAgent a = agent();
    for (int s = 0; s <= 20; s += 2) {
      assertEquals(List.of(), a.evaluate(at(leaning(0.7), T0 + s * 1000L), false));
    }
    assertEquals(List.of(), runs(a, leaning(0.7), 22, 30));
    assertEquals(1, a.evaluate(at(leaning(0.7), T0 + 32_000), false).size(), "a dry run at the end of the window");
    single(a.evaluate(at(leaning(0.7), T0 + 32_000), true), "imbalance_up");
  }

  @Test
  void aSymbolLetGoForgetsItsLean() {
    BookImbalanceAgent a = agent();
    assertEquals(List.of(), runs(a, leaning(0.7), 0, 8));
    a.forget(SYM);
    assertEquals(List.of(), runs(a, leaning(0.7), 10, 18));
    single(a.evaluate(at(leaning(0.7), T0 + 20_000), true), "imbalance_up");
  }

  /** The defaults: every 5 s, over 5 levels, 0.6 held for 15 s. */
  @Test
  void defaultConfiguration() {
    Agent a = Snapshots.defaultAgent("book_imbalance");
    for (int s = 0; s < 15; s += 5) {
      assertEquals(List.of(), a.evaluate(at(leaning(0.6), T0 + s * 1000L), true));
    }
    single(a.evaluate(at(leaning(0.6), T0 + 15_000), true), "imbalance_up");
    Agent higher = Snapshots.catalogAgent(Snapshots.config("BOOK_IMB_THRESHOLD", "0.61"), "book_imbalance");
    for (int s = 0; s <= 30; s += 5) {
      assertEquals(List.of(), higher.evaluate(at(leaning(0.6), T0 + s * 1000L), true));
    }
    AgentCatalog.Entry off = AgentCatalog.build(Snapshots.config("FEATURE_BOOK_IMBALANCE", "false").agents()).stream()
        .filter(e -> e.name().equals("book_imbalance")).findFirst().orElseThrow();
    assertEquals("FEATURE_BOOK_IMBALANCE=false", off.disabledBy());
    assertEquals(5, AgentCatalog.build(Snapshots.config().agents()).stream()
        .filter(e -> e.name().equals("book_imbalance")).findFirst().orElseThrow().intervalSec());
  }
}
