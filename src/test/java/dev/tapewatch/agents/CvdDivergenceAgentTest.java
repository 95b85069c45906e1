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
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * cvd_divergence: cvd_2m and cvd_5m of opposite signs while |mom_bps_5m| &gt; CVD_MOM_MIN_BPS (10);
 * cvd_divergence_up when cvd_2m &gt; 0, _down when cvd_2m &lt; 0; score |mom_bps_5m|; zero CVD has no sign.
 */
class CvdDivergenceAgentTest {
  private static final long COOLDOWN_MS = 300_000;

  private static CvdDivergenceAgent agent() {
    return new CvdDivergenceAgent(10, 300);
  }

  private static MarketSnapshot snapshot(String symbol, double cvd2m, double cvd5m, double mom5) {
    return snap().symbol(symbol).cvd(cvd2m, cvd5m).mom(Timeframe.M5, mom5).build();
  }

  private static MarketSnapshot snapshot(double cvd2m, double cvd5m, double mom5) {
    return snapshot(SYM, cvd2m, cvd5m, mom5);
  }

  @Test
  void nameIsCvdDivergence() {
    assertEquals("cvd_divergence", agent().name());
  }

  @Test
  void buyersTakingOverAfterAFallIsUp() {
    Finding f = single(agent().evaluate(at(snapshot(4.5, -20, -15), T0), true), "cvd_divergence_up");
    assertEquals("cvd_divergence", f.agent());
    assertEquals(SYM, f.symbol());
    assertEquals(15.0, f.score());
    JsonObject d = f.details();
    assertEquals(4.5, d.getDouble("cvd_2m"));
    assertEquals(-20.0, d.getDouble("cvd_5m"));
    assertEquals(-15.0, d.getDouble("mom_bps_5m"));
  }

  @Test
  void sellersTakingOverAfterARiseIsDown() {
    Finding f = single(agent().evaluate(at(snapshot(-0.25, 3, 22.5), T0), true), "cvd_divergence_down");
    assertEquals(22.5, f.score());
    assertEquals(-0.25, f.details().getDouble("cvd_2m"));
  }

  @ParameterizedTest(name = "cvd2m={0} cvd5m={1} mom5={2} → {3}")
  @CsvSource({
      // just beyond the momentum floor, either direction of momentum
      "1, -1, 10.000001, cvd_divergence_up",
      "1, -1, -10.000001, cvd_divergence_up",
      "-1, 1, 10.000001, cvd_divergence_down",
      "-1, 1, -10.000001, cvd_divergence_down",
      "1e-9, -1e9, 500, cvd_divergence_up",
      "-1e9, 1e-9, -500, cvd_divergence_down"})
  void firesWhenTheRuleHolds(double cvd2m, double cvd5m, double mom5, String label) {
    Finding f = single(agent().evaluate(at(snapshot(cvd2m, cvd5m, mom5), T0), true), label);
    assertEquals(Math.abs(mom5), f.score());
  }

  @ParameterizedTest(name = "cvd2m={0} cvd5m={1} mom5={2}")
  @CsvSource({
      // momentum exactly at the floor, and below it
      "1, -1, 10",
      "1, -1, -10",
      "-1, 1, 9.999999",
      "-1, 1, 0",
      // same sign
      "1, 1, 50",
      "-1, -1, 50",
      "-3, -0.5, -50",
      // zero is not a sign
      "0, -1, 50",
      "0, 1, 50",
      "1, 0, 50",
      "-1, 0, -50",
      "0, 0, 50",
      "-0.0, 1, 50"})
  void silentOtherwise(double cvd2m, double cvd5m, double mom5) {
    assertEquals(List.of(), agent().evaluate(at(snapshot(cvd2m, cvd5m, mom5), T0), true));
  }

  @Test
  void onlyFiveMinuteMomentumCounts() {
    MarketSnapshot m = snap().cvd(5, -5).mom(Timeframe.M1, 80).mom(Timeframe.M15, -80).mom(Timeframe.M5, 3).build();
    assertEquals(List.of(), agent().evaluate(at(m, T0), true));
  }

  @Test
  void cooldownPerSymbolAndLabel() {
    CvdDivergenceAgent a = agent();
    single(a.evaluate(at(snapshot(5, -5, 20), T0), true), "cvd_divergence_up");
    assertEquals(List.of(), a.evaluate(at(snapshot(5, -5, 20), T0 + 30_000), true));
    // the other label is not held back
    single(a.evaluate(at(snapshot(-5, 5, 20), T0 + 60_000), true), "cvd_divergence_down");
    // nor another symbol
    single(a.evaluate(at(snapshot(OTHER, 5, -5, 20), T0 + 60_000), true), "cvd_divergence_up");
    assertEquals(List.of(), a.evaluate(at(snapshot(5, -5, 20), T0 + COOLDOWN_MS - 1), true));
    single(a.evaluate(at(snapshot(5, -5, 20), T0 + COOLDOWN_MS), true), "cvd_divergence_up");
    assertEquals(List.of(), a.evaluate(at(snapshot(-5, 5, 20), T0 + COOLDOWN_MS), true));
    single(a.evaluate(at(snapshot(-5, 5, 20), T0 + 60_000 + COOLDOWN_MS), true), "cvd_divergence_down");
  }

  @Test
  void dryRunDoesNotStartTheCooldown() {
    CvdDivergenceAgent a = agent();
    single(a.evaluate(at(snapshot(5, -5, 20), T0), false), "cvd_divergence_up");
    single(a.evaluate(at(snapshot(5, -5, 20), T0 + 1_000), true), "cvd_divergence_up");
    assertEquals(List.of(), a.evaluate(at(snapshot(5, -5, 20), T0 + 2_000), true));
  }

  @Test
  void defaultConfiguration() {
    Agent a = Snapshots.defaultAgent("cvd_divergence");
    assertEquals(List.of(), a.evaluate(at(snapshot(5, -5, 10), T0), true));
    single(a.evaluate(at(snapshot(5, -5, 10.5), T0), true), "cvd_divergence_up");
    assertEquals(List.of(), a.evaluate(at(snapshot(5, -5, 10.5), T0 + COOLDOWN_MS - 1), true));
    single(a.evaluate(at(snapshot(5, -5, 10.5), T0 + COOLDOWN_MS), true), "cvd_divergence_up");
  }
}
