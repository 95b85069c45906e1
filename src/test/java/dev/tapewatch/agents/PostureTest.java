package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import static dev.tapewatch.agents.Snapshots.OTHER;
import static dev.tapewatch.agents.Snapshots.SYM;
import static dev.tapewatch.agents.Snapshots.T0;
import static dev.tapewatch.agents.Snapshots.at;
import static dev.tapewatch.agents.TrendScoreAgentTest.BEAR_PUP;
import static dev.tapewatch.agents.TrendScoreAgentTest.BULL_PUP;
import static dev.tapewatch.agents.TrendScoreAgentTest.bearish;
import static dev.tapewatch.agents.TrendScoreAgentTest.bullish;
import static dev.tapewatch.agents.TrendScoreAgentTest.momentumOnly;
import static dev.tapewatch.agents.TrendScoreAgentTest.neutral;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Posture: flat → long after TS_PERSIST (3) consecutive p_up ≥ TS_ENTRY (0.65); long → flat after TS_PERSIST
 * consecutive p_up ≤ TS_EXIT (0.35); any other value resets the count. Driven through {@link Posture#step} directly
 * and through {@link TrendScoreAgent} with inputs of known p_up (see {@link TrendScoreAgentTest}).
 */
class PostureTest {
  private static final double ENTRY = 0.65;
  private static final double EXIT = 0.35;
  private static final int PERSIST = 3;
  private static final double QTY = 2.5;
  private static final long RUN = 15_000;

  /** p_up of {@link TrendScoreAgentTest#momentumOnly}: 1/(1+e^(−mom/10)). */
  private static final double P_MOM_7 = 0.668187772168166;   // ≥ 0.65: counts towards entry
  private static final double P_MOM_5_5 = 0.634135591010801; // just below entry: resets
  private static final double P_MOM_M7 = 0.331812227831834;  // ≤ 0.35: counts towards exit
  private static final double P_MOM_M5_5 = 0.365864408989199; // just above exit: resets

  private static Posture.Change step(Posture p, double pUp, long nowMs) {
    return p.step(pUp, ENTRY, EXIT, PERSIST, 100 + nowMs / 1000.0, nowMs);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Posture.step directly

  @Test
  void startsFlat() {
    Posture p = new Posture();
    assertFalse(p.isLong());
    assertEquals("flat", p.status());
    assertEquals(0, p.streak());
  }

  @Test
  void entersOnlyOnTheThirdConsecutiveRun() {
    Posture p = new Posture();
    assertNull(step(p, 0.9, 1_000));
    assertEquals(1, p.streak());
    assertNull(step(p, 0.7, 2_000));
    assertEquals(2, p.streak());
    assertFalse(p.isLong());
    assertEquals(Posture.Change.ENTERED, step(p, 0.66, 3_000));
    assertTrue(p.isLong());
    assertEquals("long", p.status());
    assertEquals(0, p.streak());
    assertEquals(103.0, p.entryPrice()); // last price of the run that entered
    assertEquals(3_000, p.sinceMs());
    // staying high while long changes nothing
    for (int i = 4; i < 10; i++) {
      assertNull(step(p, 0.99, i * 1_000L));
      assertTrue(p.isLong());
      assertEquals(0, p.streak());
    }
    assertEquals(103.0, p.entryPrice());
  }

  @Test
  void entryThresholdIsInclusive() {
    Posture p = new Posture();
    assertNull(step(p, ENTRY, 1));
    assertNull(step(p, ENTRY, 2));
    assertEquals(Posture.Change.ENTERED, step(p, ENTRY, 3));
  }

  @Test
  void justBelowEntryResetsTheCount() {
    Posture p = new Posture();
    assertNull(step(p, 0.8, 1));
    assertNull(step(p, 0.8, 2));
    assertNull(step(p, Math.nextDown(ENTRY), 3));
    assertEquals(0, p.streak());
    assertNull(step(p, 0.8, 4));
    assertNull(step(p, 0.8, 5));
    assertFalse(p.isLong());
    assertEquals(Posture.Change.ENTERED, step(p, 0.8, 6));
  }

  @Test
  void aMidValueResetsTheEntryCount() {
    Posture p = new Posture();
    assertNull(step(p, 0.7, 1));
    assertNull(step(p, 0.7, 2));
    assertNull(step(p, 0.5, 3));
    assertNull(step(p, 0.7, 4));
    assertNull(step(p, 0.7, 5));
    assertEquals(Posture.Change.ENTERED, step(p, 0.7, 6));
  }

  @Test
  void aLowValueWhileFlatAlsoResetsTheEntryCount() {
    Posture p = new Posture();
    assertNull(step(p, 0.7, 1));
    assertNull(step(p, 0.7, 2));
    assertNull(step(p, 0.1, 3));
    assertEquals(0, p.streak());
    assertNull(step(p, 0.7, 4));
    assertNull(step(p, 0.7, 5));
    assertEquals(Posture.Change.ENTERED, step(p, 0.7, 6));
  }

  @Test
  void exitsOnlyOnTheThirdConsecutiveLowRun() {
    Posture p = Posture.restored(true, 50, 0);
    assertNull(step(p, 0.2, 1));
    assertNull(step(p, 0.3, 2));
    assertTrue(p.isLong());
    assertEquals(Posture.Change.EXITED, step(p, EXIT, 3_000)); // the exit threshold is inclusive
    assertFalse(p.isLong());
    assertEquals("flat", p.status());
    assertEquals(0, p.streak());
    assertEquals(3_000, p.sinceMs());
    // staying low while flat changes nothing
    for (int i = 4; i < 10; i++) {
      assertNull(step(p, 0.01, i));
      assertFalse(p.isLong());
    }
  }

  @Test
  void aMidOrHighValueResetsTheExitCount() {
    Posture p = Posture.restored(true, 50, 0);
    assertNull(step(p, 0.3, 1));
    assertNull(step(p, 0.3, 2));
    assertNull(step(p, Math.nextUp(EXIT), 3)); // just above exit
    assertEquals(0, p.streak());
    assertNull(step(p, 0.3, 4));
    assertNull(step(p, 0.3, 5));
    assertNull(step(p, 0.9, 6)); // high while long: not towards exit either
    assertNull(step(p, 0.3, 7));
    assertNull(step(p, 0.3, 8));
    assertTrue(p.isLong());
    assertEquals(Posture.Change.EXITED, step(p, 0.3, 9));
  }

  @Test
  void fullRoundTrip() {
    Posture p = new Posture();
    double[] pUps = {0.7, 0.7, 0.7, 0.5, 0.2, 0.2, 0.4, 0.2, 0.2, 0.2, 0.9};
    Posture.Change[] expected = {null, null, Posture.Change.ENTERED, null, null, null, null, null, null, Posture.Change.EXITED, null};
    for (int i = 0; i < pUps.length; i++) {
      assertEquals(expected[i], step(p, pUps[i], i), "run " + i + " p_up " + pUps[i]);
    }
  }

  @Test
  void persistOfOneChangesAtOnce() {
    Posture p = new Posture();
    assertEquals(Posture.Change.ENTERED, p.step(0.65, ENTRY, EXIT, 1, 10, 1));
    assertNull(p.step(0.5, ENTRY, EXIT, 1, 10, 2));
    assertEquals(Posture.Change.EXITED, p.step(0.35, ENTRY, EXIT, 1, 10, 3));
  }

  @Test
  void restoredLongExits() {
    Posture p = Posture.restored(true, 123.5, 42);
    assertTrue(p.isLong());
    assertEquals(123.5, p.entryPrice());
    assertEquals(42, p.sinceMs());
    assertNull(step(p, 0.9, 1)); // no second entry
    assertNull(step(p, 0.1, 2));
    assertNull(step(p, 0.1, 3));
    assertEquals(Posture.Change.EXITED, step(p, 0.1, 4));
    assertFalse(p.isLong());
  }

  @Test
  void copyIsIndependent() {
    Posture p = new Posture();
    step(p, 0.9, 1);
    step(p, 0.9, 2);
    Posture c = p.copy();
    assertNotSame(p, c);
    assertEquals(2, c.streak());
    assertEquals(Posture.Change.ENTERED, step(c, 0.9, 3));
    assertFalse(p.isLong());
    assertEquals(2, p.streak());
  }

  // ------------------------------------------------------------------------------------------------------------
  // through TrendScoreAgent

  private static TrendScoreAgent agent() {
    return new TrendScoreAgent(TrendScoreAgentTest.WEIGHTS, TrendScoreAgentTest.MTF, ENTRY, EXIT, PERSIST, QTY);
  }

  private static Finding scoreOf(List<Finding> out) {
    return TrendScoreAgentTest.scoreFinding(out);
  }

  /** The enter_long/exit_long finding of {@code out}, or null. */
  private static Finding changeOf(List<Finding> out) {
    List<Finding> changes = out.stream().filter(f -> !f.label().equals("trend_score")).toList();
    assertTrue(changes.size() <= 1, out.toString());
    if (changes.isEmpty()) {
      assertEquals(1, out.size(), out.toString());
      return null;
    }
    assertEquals(2, out.size(), out.toString());
    Finding f = changes.get(0);
    Snapshots.assertAllFinite(f);
    return f;
  }

  private static String postureOf(List<Finding> out) {
    return scoreOf(out).details().getString("posture");
  }

  private static void assertChangeDetails(Finding f, String label, String status, double qty, double avgPrice,
      double price, double pUp) {
    assertEquals(label, f.label());
    assertEquals("trend_score", f.agent());
    assertEquals(pUp, f.score(), 1e-12);
    JsonObject d = f.details();
    assertEquals(status, d.getString("status"));
    assertEquals(qty, d.getDouble("qty"));
    assertEquals(avgPrice, d.getDouble("avg_price"));
    assertEquals(price, d.getDouble("price"));
    assertEquals(label, d.getString("last_action"));
    assertEquals(pUp, d.getDouble("last_conf"), 1e-12);
  }

  @Test
  void agentEntersAfterThreeConsecutiveHighRunsAndAMidValueResets() {
    TrendScoreAgent a = agent();
    long t = T0;
    assertNull(changeOf(a.evaluate(at(bullish(100), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(bullish(101), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(neutral(102), t += RUN), true))); // p_up 0.5 resets
    assertNull(changeOf(a.evaluate(at(bullish(103), t += RUN), true)));
    List<Finding> second = a.evaluate(at(bullish(104), t += RUN), true);
    assertNull(changeOf(second));
    assertEquals("flat", postureOf(second));
    assertEquals(2, scoreOf(second).details().getInteger("streak"));

    List<Finding> third = a.evaluate(at(bullish(105), t += RUN), true);
    Finding enter = changeOf(third);
    assertChangeDetails(enter, "enter_long", "long", QTY, 105, 105, BULL_PUP);
    assertEquals(t, enter.tsUtc().toEpochMilli());
    assertEquals(SYM, enter.symbol());
    assertEquals("long", postureOf(third));
    assertEquals(0, scoreOf(third).details().getInteger("streak"));
    assertEquals(scoreOf(third).score(), enter.score());

    // long stays long on high and mid values
    for (MarketSnapshot m : List.of(bullish(106), neutral(107), bullish(108), momentumOnly(-5.5, 109))) {
      List<Finding> out = a.evaluate(at(m, t += RUN), true);
      assertNull(changeOf(out));
      assertEquals("long", postureOf(out));
    }
  }

  @Test
  void agentExitsAfterThreeConsecutiveLowRunsAndAMidValueResets() {
    TrendScoreAgent a = agent();
    long t = T0;
    for (int i = 0; i < 3; i++) {
      a.evaluate(at(bullish(200), t += RUN), true);
    }
    assertNull(changeOf(a.evaluate(at(bearish(190), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(bearish(185), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(neutral(180), t += RUN), true))); // resets
    assertNull(changeOf(a.evaluate(at(bearish(175), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(bearish(170), t += RUN), true)));
    List<Finding> out = a.evaluate(at(bearish(165), t += RUN), true);
    Finding exit = changeOf(out);
    // avg_price is the last price at entry (200), price the current one
    assertChangeDetails(exit, "exit_long", "flat", 0.0, 200, 165, BEAR_PUP);
    assertEquals("flat", postureOf(out));
    // flat stays flat on low values
    for (int i = 0; i < 4; i++) {
      List<Finding> after = a.evaluate(at(bearish(160), t += RUN), true);
      assertNull(changeOf(after));
      assertEquals("flat", postureOf(after));
    }
  }

  @Test
  void agentThresholdsJustAboveAndBelow() {
    TrendScoreAgent a = agent();
    long t = T0;
    // p_up 0.668 counts, 0.634 resets
    assertEquals(P_MOM_7, scoreOf(a.evaluate(at(momentumOnly(7, 100), t += RUN), true)).score(), 1e-12);
    a.evaluate(at(momentumOnly(7, 100), t += RUN), true);
    assertEquals(P_MOM_5_5, scoreOf(a.evaluate(at(momentumOnly(5.5, 100), t += RUN), true)).score(), 1e-12);
    assertNull(changeOf(a.evaluate(at(momentumOnly(7, 100), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(momentumOnly(7, 100), t += RUN), true)));
    assertChangeDetails(changeOf(a.evaluate(at(momentumOnly(7, 101), t += RUN), true)), "enter_long", "long", QTY,
        101, 101, P_MOM_7);
    // p_up 0.332 counts towards exit, 0.366 resets
    assertEquals(P_MOM_M7, scoreOf(a.evaluate(at(momentumOnly(-7, 99), t += RUN), true)).score(), 1e-12);
    a.evaluate(at(momentumOnly(-7, 99), t += RUN), true);
    assertEquals(P_MOM_M5_5, scoreOf(a.evaluate(at(momentumOnly(-5.5, 99), t += RUN), true)).score(), 1e-12);
    assertNull(changeOf(a.evaluate(at(momentumOnly(-7, 99), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(momentumOnly(-7, 99), t += RUN), true)));
    assertChangeDetails(changeOf(a.evaluate(at(momentumOnly(-7, 98), t += RUN), true)), "exit_long", "flat", 0.0,
        101, 98, P_MOM_M7);
  }

  @Test
  void restoredLongPositionExitsCorrectly() {
    TrendScoreAgent a = agent();
    a.restorePosture(SYM, "long", 123.5, Instant.ofEpochMilli(T0 - 3_600_000));
    long t = T0;
    List<Finding> first = a.evaluate(at(bullish(130), t += RUN), true);
    assertNull(changeOf(first)); // already long: no second entry
    assertEquals("long", postureOf(first));
    assertNull(changeOf(a.evaluate(at(bearish(120), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(bearish(119), t += RUN), true)));
    Finding exit = changeOf(a.evaluate(at(bearish(118), t += RUN), true));
    assertChangeDetails(exit, "exit_long", "flat", 0.0, 123.5, 118, BEAR_PUP);
  }

  @Test
  void restoredFlatPositionStillNeedsThreeRuns() {
    TrendScoreAgent a = agent();
    a.restorePosture(SYM, "flat", 0.0, Instant.ofEpochMilli(T0));
    long t = T0;
    assertNull(changeOf(a.evaluate(at(bearish(100), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(bullish(100), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(bullish(100), t += RUN), true)));
    assertEquals("enter_long", changeOf(a.evaluate(at(bullish(100), t += RUN), true)).label());
  }

  @Test
  void restoreOnlyConcernsItsSymbol() {
    TrendScoreAgent a = agent();
    a.restorePosture(OTHER, "long", 99, Instant.ofEpochMilli(T0));
    assertEquals("flat", postureOf(a.evaluate(at(bearish(100), T0), true)));
    assertEquals("long", postureOf(a.evaluate(at(Snapshots.snap().symbol(OTHER).build(), T0), true)));
  }

  @Test
  void symbolsHaveTheirOwnPosture() {
    TrendScoreAgent a = agent();
    long t = T0;
    MarketSnapshot otherBull = Snapshots.snap().symbol(OTHER)
        .tf(Timeframe.M1, 100, 100, 10, 1, 5, 5)
        .tf(Timeframe.M5, 100, 100, 10, 1, 5, 5)
        .tf(Timeframe.M15, 100, 100, 10, 1, 5, 5).build();
    a.evaluate(at(bullish(100), t += RUN), true);
    a.evaluate(at(bullish(100), t += RUN), true);
    assertNull(changeOf(a.evaluate(at(otherBull, t += RUN), true)));
    Finding enter = changeOf(a.evaluate(at(bullish(100), t += RUN), true));
    assertEquals(SYM, enter.symbol());
    assertNull(changeOf(a.evaluate(at(otherBull, t += RUN), true)));
    assertEquals(OTHER, changeOf(a.evaluate(at(otherBull, t += RUN), true)).symbol());
  }

  @Test
  void dryRunsNeverCountTowardsEntry() {
    TrendScoreAgent a = agent();
    long t = T0;
    for (int i = 0; i < 10; i++) {
      List<Finding> out = a.evaluate(at(bullish(100), t += RUN), false);
      assertEquals("flat", postureOf(out));
      assertEquals(1, scoreOf(out).details().getInteger("streak")); // counted on a copy only
      assertNull(changeOf(out));
    }
    assertNull(changeOf(a.evaluate(at(bullish(100), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(bullish(100), t += RUN), true)));
    assertEquals("enter_long", changeOf(a.evaluate(at(bullish(100), t += RUN), true)).label());
  }

  @Test
  void aDryRunThatWouldEnterDoesNotEnter() {
    TrendScoreAgent a = agent();
    long t = T0;
    a.evaluate(at(bullish(100), t += RUN), true);
    a.evaluate(at(bullish(100), t += RUN), true);
    // the third high run as a dry run: whatever it reports, the posture stays flat with a count of 2
    a.evaluate(at(bullish(150), t += RUN), false);
    a.evaluate(at(bullish(150), t += RUN), false);
    List<Finding> committed = a.evaluate(at(bullish(110), t += RUN), true);
    Finding enter = changeOf(committed);
    assertChangeDetails(enter, "enter_long", "long", QTY, 110, 110, BULL_PUP);
  }

  @Test
  void aDryRunDoesNotResetTheCountEither() {
    TrendScoreAgent a = agent();
    long t = T0;
    a.evaluate(at(bullish(100), t += RUN), true);
    a.evaluate(at(bullish(100), t += RUN), true);
    a.evaluate(at(neutral(100), t += RUN), false); // would reset, but it is a dry run
    assertEquals("enter_long", changeOf(a.evaluate(at(bullish(100), t += RUN), true)).label());
  }

  @Test
  void dryRunsNeverExit() {
    TrendScoreAgent a = agent();
    a.restorePosture(SYM, "long", 100, Instant.ofEpochMilli(T0));
    long t = T0;
    for (int i = 0; i < 6; i++) {
      a.evaluate(at(bearish(90), t += RUN), false);
    }
    List<Finding> out = a.evaluate(at(bullish(95), t += RUN), true);
    assertNull(changeOf(out));
    assertEquals("long", postureOf(out));
    a.evaluate(at(bearish(90), t += RUN), true);
    a.evaluate(at(bearish(90), t += RUN), true);
    a.evaluate(at(bearish(90), t += RUN), false);
    Finding exit = changeOf(a.evaluate(at(bearish(91), t += RUN), true));
    assertChangeDetails(exit, "exit_long", "flat", 0.0, 100, 91, BEAR_PUP);
  }

  @Test
  void defaultConfigurationEntersOnTheThirdRunWithQtyOne() {
    Agent a = Snapshots.defaultAgent("trend_score");
    long t = T0;
    assertNull(changeOf(a.evaluate(at(bullish(100), t += RUN), true)));
    assertNull(changeOf(a.evaluate(at(bullish(100), t += RUN), true)));
    assertChangeDetails(changeOf(a.evaluate(at(bullish(100), t += RUN), true)), "enter_long", "long", 1.0, 100, 100,
        BULL_PUP);
  }
}
