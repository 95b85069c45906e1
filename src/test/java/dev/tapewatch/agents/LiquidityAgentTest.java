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
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * liquidity: wide_spread when (ask − bid) / mid · 1e4 ≥ LIQ_SPREAD_BPS (25), score the spread in bps; stale_tape when
 * the feed is connected and the last trade is LIQ_STALE_SEC (120) or more old, score the age in seconds; never
 * stale without any trade; both can fire in one run.
 */
class LiquidityAgentTest {
  private static final long COOLDOWN_MS = 300_000;
  private static final long STALE_MS = 120_000;

  private static LiquidityAgent agent() {
    return new LiquidityAgent(25, 120, 300);
  }

  /** 99.875 / 100.125: spread 0.25 on a mid of 100 = exactly 25 bps. Trade at T0. */
  private static Snapshots.Builder wide() {
    return snap().quote(99.875, 100.125).price(100.0).lastTrade(T0);
  }

  /** 99.99 / 100.01: 2 bps. Trade at T0. */
  private static Snapshots.Builder tight() {
    return snap().quote(99.99, 100.01).price(100.0).lastTrade(T0);
  }

  private static List<Finding> run(Snapshots.Builder b, long nowMs, boolean connected) {
    return agent().evaluate(at(b.build(), nowMs, connected), true);
  }

  @Test
  void nameIsLiquidity() {
    assertEquals("liquidity", agent().name());
  }

  @Test
  void spreadExactlyAtTheThresholdIsWide() {
    Finding f = single(run(wide(), T0, true), "wide_spread");
    assertEquals("liquidity", f.agent());
    assertEquals(SYM, f.symbol());
    assertEquals(25.0, f.score(), 1e-12);
    JsonObject d = f.details();
    assertEquals(25.0, d.getDouble("spread_bps"), 1e-12);
    assertEquals(99.875, d.getDouble("best_bid"));
    assertEquals(100.125, d.getDouble("best_ask"));
  }

  @Test
  void spreadAboveTheThreshold() {
    // 99 / 101: 2 / 100 · 1e4 = 200 bps
    assertEquals(200.0, single(run(tight().quote(99.0, 101.0), T0, true), "wide_spread").score(), 1e-9);
    // 1 / 1.02: 0.02 / 1.01 · 1e4 = 198.0198... bps
    assertEquals(0.02 / 1.01 * 1e4, single(run(tight().quote(1.0, 1.02), T0, false), "wide_spread").score(), 1e-9);
  }

  @Test
  void spreadJustBelowTheThresholdIsNot() {
    // 99.876 / 100.124: 0.248 / 100 · 1e4 = 24.8 bps
    assertEquals(List.of(), run(tight().quote(99.876, 100.124), T0, true));
    // 24.99 bps: 0.2499 on a mid of 100
    assertEquals(List.of(), run(tight().quote(99.87505, 100.12495), T0, true));
    assertEquals(List.of(), run(tight(), T0, true));
  }

  @Test
  void noQuoteNoSpreadFinding() {
    assertEquals(List.of(), run(tight().quote(null, null), T0, true));
    assertEquals(List.of(), run(tight().quote(99.0, null), T0, true));
    assertEquals(List.of(), run(tight().quote(null, 101.0), T0, true));
  }

  @Test
  void wideSpreadDoesNotNeedTheFeed() {
    single(run(wide(), T0, false), "wide_spread");
    single(run(wide().lastTrade(null), T0, true), "wide_spread");
  }

  @Test
  void tapeIsStaleAtExactlyTheLimit() {
    Finding f = single(run(tight(), T0 + STALE_MS, true), "stale_tape");
    assertEquals("liquidity", f.agent());
    assertEquals(120.0, f.score());
    assertEquals(120.0, f.details().getDouble("last_trade_age_s"));
    assertEquals(100.0, f.details().getDouble("last_price"));
  }

  @Test
  void staleScoreIsTheAgeInSeconds() {
    assertEquals(150.5, single(run(tight(), T0 + 150_500, true), "stale_tape").score());
    assertEquals(86_400.0, single(run(tight(), T0 + 86_400_000, true), "stale_tape").score());
  }

  @Test
  void tapeIsNotStaleJustBeforeTheLimit() {
    assertEquals(List.of(), run(tight(), T0 + STALE_MS - 1, true));
    assertEquals(List.of(), run(tight(), T0 + 60_000, true));
    assertEquals(List.of(), run(tight(), T0, true));
  }

  @Test
  void notStaleWhileTheFeedIsDisconnected() {
    assertEquals(List.of(), run(tight(), T0 + 10 * STALE_MS, false));
  }

  @Test
  void notStaleWithoutAnyTrade() {
    assertEquals(List.of(), run(tight().lastTrade(null), T0 + 10 * STALE_MS, true));
  }

  @Test
  void bothInOneRun() {
    List<Finding> out = run(wide(), T0 + 200_000, true);
    assertEquals(2, out.size(), out.toString());
    assertEquals(java.util.Set.of("wide_spread", "stale_tape"),
        out.stream().map(Finding::label).collect(java.util.stream.Collectors.toSet()));
    for (Finding f : out) {
      Snapshots.assertAllFinite(f);
      assertEquals(f.label().equals("wide_spread") ? 25.0 : 200.0, f.score(), 1e-12);
    }
  }

  @Test
  void cooldownPerSymbolAndLabel() {
    LiquidityAgent a = agent();
    MarketSnapshot w = wide().build();
    single(a.evaluate(at(w, T0, true), true), "wide_spread");
    assertEquals(List.of(), a.evaluate(at(w, T0 + 60_000, true), true));
    // the other label is independent: stale now, wide still held back
    single(a.evaluate(at(w, T0 + STALE_MS, true), true), "stale_tape");
    assertEquals(List.of(), a.evaluate(at(w, T0 + STALE_MS + 60_000, true), true));
    // another symbol too
    List<Finding> other = a.evaluate(at(wide().symbol(OTHER).build(), T0 + STALE_MS, true), true);
    assertEquals(2, other.size());
    other.forEach(f -> assertEquals(OTHER, f.symbol()));
    // wide_spread's cooldown ends first
    assertEquals(List.of(), a.evaluate(at(w, T0 + COOLDOWN_MS - 1, true), true));
    single(a.evaluate(at(w, T0 + COOLDOWN_MS, true), true), "wide_spread");
    single(a.evaluate(at(w, T0 + STALE_MS + COOLDOWN_MS, true), true), "stale_tape");
  }

  @Test
  void dryRunDoesNotStartTheCooldown() {
    LiquidityAgent a = agent();
    MarketSnapshot w = wide().build();
    assertEquals(2, a.evaluate(at(w, T0 + STALE_MS, true), false).size());
    assertEquals(2, a.evaluate(at(w, T0 + STALE_MS + 1, true), true).size());
    assertEquals(List.of(), a.evaluate(at(w, T0 + STALE_MS + 2, true), true));
  }

  @Test
  void defaultConfiguration() {
    Agent a = Snapshots.defaultAgent("liquidity");
    assertEquals(List.of(), a.evaluate(at(tight().quote(99.876, 100.124).build(), T0 + STALE_MS - 1, true), true));
    List<Finding> out = a.evaluate(at(wide().build(), T0 + STALE_MS, true), true);
    assertEquals(2, out.size(), out.toString());
    assertEquals(List.of(), a.evaluate(at(wide().build(), T0 + STALE_MS + COOLDOWN_MS - 1, true), true));
    assertEquals(2, a.evaluate(at(wide().build(), T0 + STALE_MS + COOLDOWN_MS, true), true).size());
  }
}
