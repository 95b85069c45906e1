package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import static dev.tapewatch.agents.Snapshots.OTHER;
import static dev.tapewatch.agents.Snapshots.SYM;
import static dev.tapewatch.agents.Snapshots.T0;
import static dev.tapewatch.agents.Snapshots.at;
import static dev.tapewatch.agents.Snapshots.single;
import static dev.tapewatch.agents.Snapshots.snap;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * new_trend: mom_bps_5m and mom_bps_15m of the same sign, |mom_bps_15m| ≥ NEW_TREND_MIN_BPS (15), and the price
 * crossed the 15m VWAP within the last 3 one-minute bars in that direction (last price beyond the VWAP, one of the
 * three previous 1m closes on the other side or on it); score = |mom_bps_15m| / (atr_15m / price · 1e4), 0 when the
 * ATR is 0.
 */
class NewTrendAgentTest {
  private static final long COOLDOWN_MS = 300_000;
  private static final double VWAP = 999;

  private static NewTrendAgent agent() {
    return new NewTrendAgent(15, 300);
  }

  /** A rise through the 15m VWAP of 999: last price 1000, the oldest of the three previous closes below. */
  private static Snapshots.Builder up() {
    return snap().price(1000.0).vwap(Timeframe.M15, VWAP)
        .tf(Timeframe.M5, 8, 0, 1, 0.5, 10, 0)
        .tf(Timeframe.M15, 30, 0, 1, 2, 10, 0)
        .closes(998.0, 999.5, 999.8, 1000.0);
  }

  /** The mirror: a fall through the VWAP of 999 to 998. */
  private static Snapshots.Builder down() {
    return snap().price(998.0).vwap(Timeframe.M15, VWAP)
        .tf(Timeframe.M5, -8, 0, 1, 0.5, 10, 0)
        .tf(Timeframe.M15, -30, 0, 1, 2, 10, 0)
        .closes(999.5, 998.5, 998.2, 998.0);
  }

  private static List<Finding> run(Snapshots.Builder b) {
    return agent().evaluate(at(b.build(), T0), true);
  }

  private static void silent(Snapshots.Builder b) {
    assertEquals(List.of(), run(b));
  }

  @Test
  void nameIsNewTrend() {
    assertEquals("new_trend", agent().name());
  }

  @Test
  void upCross() {
    Finding f = single(run(up()), "new_trend_up");
    assertEquals("new_trend", f.agent());
    assertEquals(SYM, f.symbol());
    // ATR_15m in bps = 2 / 1000 · 1e4 = 20; score = 30 / 20 = 1.5
    assertEquals(1.5, f.score(), 1e-12);
    JsonObject d = f.details();
    assertEquals(8.0, d.getDouble("mom_bps_5m"));
    assertEquals(30.0, d.getDouble("mom_bps_15m"));
    assertEquals(VWAP, d.getDouble("vwap_15m"));
    assertEquals(1000.0, d.getDouble("price"));
    assertEquals(20.0, d.getDouble("atr_bps_15m"), 1e-12);
    assertEquals(new JsonArray(List.of(998.0, 999.5, 999.8)), d.getJsonArray("previous_1m_closes"));
  }

  @Test
  void downCross() {
    Finding f = single(run(down()), "new_trend_down");
    // ATR_15m in bps = 2 / 998 · 1e4; score = 30 / that = 30 · 998 / 20000 = 1.497
    assertEquals(1.497, f.score(), 1e-12);
  }

  @Test
  void momentumFloorIsInclusive() {
    assertEquals(0.75, single(run(up().mom(Timeframe.M15, 15)), "new_trend_up").score(), 1e-12);
    single(run(down().mom(Timeframe.M15, -15)), "new_trend_down");
    silent(up().mom(Timeframe.M15, 14.999999));
    silent(down().mom(Timeframe.M15, -14.999999));
    silent(up().mom(Timeframe.M15, 0));
  }

  @Test
  void fiveMinuteMomentumMustAgree() {
    silent(up().mom(Timeframe.M5, -8));
    silent(down().mom(Timeframe.M5, 8));
    silent(up().mom(Timeframe.M5, 0));
    silent(down().mom(Timeframe.M5, 0));
    // any size of agreeing 5m momentum will do
    single(run(up().mom(Timeframe.M5, 0.001)), "new_trend_up");
  }

  @Test
  void oneMinuteMomentumIsIrrelevant() {
    single(run(up().mom(Timeframe.M1, -300)), "new_trend_up");
  }

  @Test
  void priceMustBeBeyondTheVwap() {
    silent(up().price(VWAP));      // on it is not beyond
    silent(up().price(998.5));     // below while momentum is up
    silent(down().price(VWAP));
    silent(down().price(999.5));   // above while momentum is down
    single(run(up().price(999.000001)), "new_trend_up");
  }

  @Test
  void aPreviousCloseOnTheVwapCountsAsTheOtherSide() {
    single(run(up().closes(999.5, VWAP, 1000.0, 1000.0)), "new_trend_up");
    single(run(down().closes(998.0, 998.0, VWAP, 998.0)), "new_trend_down");
  }

  @Test
  void eachOfTheThreePreviousClosesCanBeTheCross() {
    single(run(up().closes(998.0, 1000.0, 1000.0, 1000.0)), "new_trend_up");
    single(run(up().closes(1000.0, 998.0, 1000.0, 1000.0)), "new_trend_up");
    single(run(up().closes(1000.0, 1000.0, 998.0, 1000.0)), "new_trend_up");
  }

  @Test
  void noCrossWhenThePreviousClosesWereAlreadyBeyond() {
    silent(up().closes(999.1, 1000.0, 999.5, 1000.0));
    silent(down().closes(998.9, 998.0, 990.0, 998.0));
  }

  @Test
  void aCrossOlderThanThreeBarsDoesNotCount() {
    // five closes: the one below the VWAP is the fourth before the current bar
    silent(up().closes(998.0, 1000.0, 1000.0, 1000.0, 1000.0));
    single(run(up().closes(1000.0, 998.0, 1000.0, 1000.0, 1000.0)), "new_trend_up");
  }

  @Test
  void theCurrentBarCloseIsNotAPreviousClose() {
    // only the current bar's close sits below: the previous three were above
    silent(up().closes(1000.0, 1000.0, 1000.0, 998.0));
  }

  @Test
  void aCrossInTheOtherDirectionDoesNotCount() {
    // momentum down, price below: the previous closes were below too (it crossed up before, not down)
    silent(down().closes(990.0, 991.0, 992.0, 998.0));
  }

  @Test
  void fewerCloses() {
    single(run(up().closes(998.0, 1000.0)), "new_trend_up"); // one previous close, on the other side
    silent(up().closes(1000.0));                              // no previous close: no cross to see
    silent(up().closes());
  }

  @Test
  void zeroAtrScoresZero() {
    Finding f = single(run(up().atr(Timeframe.M15, 0)), "new_trend_up");
    assertEquals(0.0, f.score());
  }

  @Test
  void noPriceOrNoVwapIsSilent() {
    silent(up().lastTrade(null));
    silent(up().vwap(Timeframe.M15, 0));
  }

  @Test
  void onlyTheFifteenMinuteVwapCounts() {
    // the 1m and 5m VWAPs above the price do not matter
    single(run(up().vwap(Timeframe.M1, 2000).vwap(Timeframe.M5, 2000)), "new_trend_up");
  }

  @Test
  void cooldownPerSymbolAndLabel() {
    NewTrendAgent a = agent();
    MarketSnapshot upSnap = up().build();
    single(a.evaluate(at(upSnap, T0), true), "new_trend_up");
    assertEquals(List.of(), a.evaluate(at(upSnap, T0 + 60_000), true));
    single(a.evaluate(at(down().build(), T0 + 60_000), true), "new_trend_down");
    single(a.evaluate(at(up().symbol(OTHER).build(), T0 + 60_000), true), "new_trend_up");
    assertEquals(List.of(), a.evaluate(at(upSnap, T0 + COOLDOWN_MS - 1), true));
    single(a.evaluate(at(upSnap, T0 + COOLDOWN_MS), true), "new_trend_up");
  }

  @Test
  void dryRunDoesNotStartTheCooldown() {
    NewTrendAgent a = agent();
    MarketSnapshot upSnap = up().build();
    single(a.evaluate(at(upSnap, T0), false), "new_trend_up");
    single(a.evaluate(at(upSnap, T0 + 1_000), true), "new_trend_up");
    assertEquals(List.of(), a.evaluate(at(upSnap, T0 + 2_000), true));
  }

  @Test
  void defaultConfiguration() {
    Agent a = Snapshots.defaultAgent("new_trend");
    assertEquals(List.of(), a.evaluate(at(up().mom(Timeframe.M15, 14.9).build(), T0), true));
    single(a.evaluate(at(up().mom(Timeframe.M15, 15).build(), T0), true), "new_trend_up");
    assertEquals(List.of(), a.evaluate(at(up().build(), T0 + COOLDOWN_MS - 1), true));
    single(a.evaluate(at(up().build(), T0 + COOLDOWN_MS), true), "new_trend_up");
  }
}
