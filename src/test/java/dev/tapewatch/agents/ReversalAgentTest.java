package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import static dev.tapewatch.agents.Snapshots.OTHER;
import static dev.tapewatch.agents.Snapshots.SYM;
import static dev.tapewatch.agents.Snapshots.T0;
import static dev.tapewatch.agents.Snapshots.at;
import static dev.tapewatch.agents.Snapshots.single;
import static dev.tapewatch.agents.Snapshots.snap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * reversal: mom_bps_1m against the sign of mom_bps_15m by more than REVERSAL_ATR_K (1.5) × ATR_1m in bps of the last
 * price, with rvol_1m ≥ REVERSAL_RVOL_MIN (2); reversal_up when the 1m move is up; score = |mom_bps_1m| / ATR_1m bps.
 */
class ReversalAgentTest {
  private static final long COOLDOWN_MS = 300_000;

  private static ReversalAgent agent() {
    return new ReversalAgent(1.5, 2.0, 300);
  }

  /**
   * Price 1000, ATR_1m 2 → 2 / 1000 · 1e4 = 20 bps, so the move must exceed 1.5 · 20 = 30 bps. A 15m uptrend of 25
   * bps and a 1m drop of 31 bps on rvol 2.5: a reversal down.
   */
  private static Snapshots.Builder down() {
    return snap().price(1000.0)
        .tf(Timeframe.M1, -31, 0, 2.5, 2, 10, 0)
        .tf(Timeframe.M15, 25, 0, 1, 5, 10, 0);
  }

  private static Snapshots.Builder up() {
    return snap().price(1000.0)
        .tf(Timeframe.M1, 31, 0, 2.5, 2, 10, 0)
        .tf(Timeframe.M15, -25, 0, 1, 5, 10, 0);
  }

  private static List<Finding> run(Snapshots.Builder b) {
    return agent().evaluate(at(b.build(), T0), true);
  }

  private static void silent(Snapshots.Builder b) {
    assertEquals(List.of(), run(b));
  }

  @Test
  void nameIsReversal() {
    assertEquals("reversal", agent().name());
  }

  @Test
  void dropAgainstAnUptrendIsReversalDown() {
    Finding f = single(run(down()), "reversal_down");
    assertEquals("reversal", f.agent());
    assertEquals(SYM, f.symbol());
    assertEquals(31.0 / 20, f.score(), 1e-12); // 1.55
    JsonObject d = f.details();
    assertEquals(-31.0, d.getDouble("mom_bps_1m"));
    assertEquals(25.0, d.getDouble("mom_bps_15m"));
    assertEquals(20.0, d.getDouble("atr_bps_1m"), 1e-12);
    assertEquals(2.5, d.getDouble("rvol_1m"));
  }

  @Test
  void riseAgainstADowntrendIsReversalUp() {
    assertEquals(1.55, single(run(up()), "reversal_up").score(), 1e-12);
  }

  @Test
  void theMoveMustExceedKAtrs() {
    silent(down().mom(Timeframe.M1, -30));            // exactly 1.5 × 20: not more
    silent(up().mom(Timeframe.M1, 30));
    silent(down().mom(Timeframe.M1, -29.9));
    assertEquals(30.000001 / 20, single(run(down().mom(Timeframe.M1, -30.000001)), "reversal_down").score(), 1e-12);
    single(run(up().mom(Timeframe.M1, 30.000001)), "reversal_up");
  }

  @Test
  void atrIsInBpsOfTheLastPrice() {
    // same ATR of 2 at price 2000 is 10 bps: a 20 bps move is 2 ATRs, more than 1.5
    assertEquals(2.0, single(run(down().price(2000.0).mom(Timeframe.M1, -20)), "reversal_down").score(), 1e-12);
    // at price 1000 the same move is 1 ATR
    silent(down().mom(Timeframe.M1, -20));
  }

  @ParameterizedTest
  @ValueSource(doubles = {2.0, 2.0000001, 50})
  void rvolAtOrAboveTheMinimumFires(double rvol) {
    single(run(down().rvol(Timeframe.M1, rvol)), "reversal_down");
  }

  @ParameterizedTest
  @ValueSource(doubles = {1.9999999, 1.0, 0.0})
  void rvolBelowTheMinimumIsSilent(double rvol) {
    silent(down().rvol(Timeframe.M1, rvol));
  }

  @Test
  void onlyTheOneMinuteRvolCounts() {
    silent(down().rvol(Timeframe.M1, 1.5).rvol(Timeframe.M5, 10).rvol(Timeframe.M15, 10));
  }

  @Test
  void aMoveWithTheTrendIsNotAReversal() {
    silent(down().mom(Timeframe.M15, -25));
    silent(up().mom(Timeframe.M15, 25));
  }

  @Test
  void noTrendNoReversal() {
    silent(down().mom(Timeframe.M15, 0));
    silent(up().mom(Timeframe.M15, 0));
  }

  @Test
  void noOneMinuteMoveNoReversal() {
    silent(down().mom(Timeframe.M1, 0));
  }

  @Test
  void fiveMinuteMomentumIsIrrelevant() {
    single(run(down().mom(Timeframe.M5, 100)), "reversal_down");
    single(run(down().mom(Timeframe.M5, -100)), "reversal_down");
  }

  @Test
  void zeroAtrNeverGivesANonFiniteScore() {
    // the rule's score is undefined without an ATR: whatever the agent does, nothing non-finite may leave it
    for (Finding f : run(down().atr(Timeframe.M1, 0))) {
      Snapshots.assertAllFinite(f);
    }
  }

  @Test
  void noLastPriceIsSilent() {
    silent(down().lastTrade(null));
  }

  @Test
  void cooldownPerSymbolAndLabel() {
    ReversalAgent a = agent();
    MarketSnapshot d = down().build();
    single(a.evaluate(at(d, T0), true), "reversal_down");
    assertEquals(List.of(), a.evaluate(at(d, T0 + 30_000), true));
    single(a.evaluate(at(up().build(), T0 + 30_000), true), "reversal_up");
    single(a.evaluate(at(down().symbol(OTHER).build(), T0 + 30_000), true), "reversal_down");
    assertEquals(List.of(), a.evaluate(at(d, T0 + COOLDOWN_MS - 1), true));
    single(a.evaluate(at(d, T0 + COOLDOWN_MS), true), "reversal_down");
  }

  @Test
  void dryRunDoesNotStartTheCooldown() {
    ReversalAgent a = agent();
    MarketSnapshot d = down().build();
    single(a.evaluate(at(d, T0), false), "reversal_down");
    single(a.evaluate(at(d, T0 + 1_000), true), "reversal_down");
    assertEquals(List.of(), a.evaluate(at(d, T0 + 2_000), true));
  }

  @Test
  void defaultConfiguration() {
    Agent a = Snapshots.defaultAgent("reversal");
    assertEquals(List.of(), a.evaluate(at(down().mom(Timeframe.M1, -30).build(), T0), true));
    assertEquals(List.of(), a.evaluate(at(down().rvol(Timeframe.M1, 1.99).build(), T0), true));
    Finding f = single(a.evaluate(at(down().build(), T0), true), "reversal_down");
    assertTrue(f.score() > 1.5);
    assertEquals(List.of(), a.evaluate(at(down().build(), T0 + COOLDOWN_MS - 1), true));
    single(a.evaluate(at(down().build(), T0 + COOLDOWN_MS), true), "reversal_down");
  }
}
