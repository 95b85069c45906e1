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

/** rvol_spike: rvol_5m ≥ RVOL_SPIKE_MIN (3.0) → score rvol; one finding per symbol per RVOL_COOLDOWN_SEC (300). */
class RvolSpikeAgentTest {
  private static final long COOLDOWN_MS = 300_000;

  private static RvolSpikeAgent agent() {
    return new RvolSpikeAgent(3.0, 300);
  }

  private static MarketSnapshot spike(String symbol, double rvol) {
    return snap().symbol(symbol).tf(Timeframe.M5, 12, 3, rvol, 0.5, 42.5, 10).quote(99.5, 100.5).build();
  }

  @Test
  void nameIsRvolSpike() {
    assertEquals("rvol_spike", agent().name());
  }

  @ParameterizedTest
  @ValueSource(doubles = {3.0, 3.0000001, 4.2, 1e6})
  void firesAtAndAboveTheThreshold(double rvol) {
    Finding f = single(agent().evaluate(at(spike(SYM, rvol), T0), true), "rvol_spike");
    assertEquals("rvol_spike", f.agent());
    assertEquals(SYM, f.symbol());
    assertEquals(rvol, f.score());
    assertEquals(T0, f.tsUtc().toEpochMilli());
    JsonObject d = f.details();
    assertEquals(rvol, d.getDouble("rvol"));
    assertEquals(42.5, d.getDouble("volume_5m"));
    assertEquals(99.5, d.getDouble("best_bid"));
    assertEquals(100.5, d.getDouble("best_ask"));
  }

  @ParameterizedTest
  @ValueSource(doubles = {2.9999999, 2.0, 1.0, 0.0})
  void silentBelowTheThreshold(double rvol) {
    assertEquals(List.of(), agent().evaluate(at(spike(SYM, rvol), T0), true));
  }

  @Test
  void onlyTheFiveMinuteRvolCounts() {
    MarketSnapshot m = snap().rvol(Timeframe.M1, 50).rvol(Timeframe.M15, 50).rvol(Timeframe.M5, 2.5).build();
    assertEquals(List.of(), agent().evaluate(at(m, T0), true));
  }

  @Test
  void defaultConfigurationUsesThreeAndFiveMinutes() {
    Agent a = Snapshots.defaultAgent("rvol_spike");
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 2.99), T0), true));
    single(a.evaluate(at(spike(SYM, 3.0), T0), true), "rvol_spike");
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 3.0), T0 + COOLDOWN_MS - 1), true));
    single(a.evaluate(at(spike(SYM, 3.0), T0 + COOLDOWN_MS), true), "rvol_spike");
  }

  @Test
  void aRecalledFindingHoldsTheCooldownFromItsOwnTime() {
    RvolSpikeAgent a = agent();
    a.recall(Finding.of(T0, "rvol_spike", SYM, 4.0, "rvol_spike", new JsonObject()));
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 5), T0 + COOLDOWN_MS - 1), true));
    single(a.evaluate(at(spike(SYM, 5), T0 + COOLDOWN_MS), true), "rvol_spike");
    a.recall(Finding.of(T0, "rvol_spike", SYM, 4.0, "rvol_spike", new JsonObject()));
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 5), T0 + COOLDOWN_MS + 1), true),
        "an older recalled finding does not shorten a later cooldown");
  }

  @Test
  void aForgottenSymbolStartsAfreshAndOnlyThatSymbol() {
    RvolSpikeAgent a = agent();
    single(a.evaluate(at(spike(SYM, 5), T0), true), "rvol_spike");
    single(a.evaluate(at(spike("ETH-USD", 5), T0), true), "rvol_spike");
    a.forget(SYM);
    single(a.evaluate(at(spike(SYM, 5), T0 + 1_000), true), "rvol_spike");
    assertEquals(List.of(), a.evaluate(at(spike("ETH-USD", 5), T0 + 1_000), true), "ETH-USD keeps its cooldown");
    assertTrue(a.remembers());
  }

  @Test
  void oneSpikeGivesOneFindingWithinTheCooldown() {
    RvolSpikeAgent a = agent();
    single(a.evaluate(at(spike(SYM, 5), T0), true), "rvol_spike");
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 5), T0 + 30_000), true));
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 9), T0 + 150_000), true));
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 5), T0 + COOLDOWN_MS - 1), true));
    // cooldown over: one again, and it restarts the cooldown
    Finding again = single(a.evaluate(at(spike(SYM, 6), T0 + COOLDOWN_MS), true), "rvol_spike");
    assertEquals(6.0, again.score());
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 6), T0 + COOLDOWN_MS + 1_000), true));
    single(a.evaluate(at(spike(SYM, 6), T0 + 2 * COOLDOWN_MS), true), "rvol_spike");
  }

  @Test
  void aQuietRunInsideTheCooldownDoesNotResetIt() {
    RvolSpikeAgent a = agent();
    single(a.evaluate(at(spike(SYM, 5), T0), true), "rvol_spike");
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 1), T0 + 60_000), true));
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 5), T0 + 120_000), true));
    single(a.evaluate(at(spike(SYM, 5), T0 + COOLDOWN_MS), true), "rvol_spike");
  }

  @Test
  void anotherSymbolHasItsOwnCooldown() {
    RvolSpikeAgent a = agent();
    single(a.evaluate(at(spike(SYM, 5), T0), true), "rvol_spike");
    Finding other = single(a.evaluate(at(spike(OTHER, 4), T0 + 1_000), true), "rvol_spike");
    assertEquals(OTHER, other.symbol());
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 5), T0 + 2_000), true));
    assertEquals(List.of(), a.evaluate(at(spike(OTHER, 5), T0 + 2_000), true));
    // each symbol's cooldown ends on its own clock
    single(a.evaluate(at(spike(SYM, 5), T0 + COOLDOWN_MS), true), "rvol_spike");
    assertEquals(List.of(), a.evaluate(at(spike(OTHER, 5), T0 + COOLDOWN_MS), true));
    single(a.evaluate(at(spike(OTHER, 5), T0 + 1_000 + COOLDOWN_MS), true), "rvol_spike");
  }

  @Test
  void dryRunDoesNotStartTheCooldown() {
    RvolSpikeAgent a = agent();
    // a dry run reports what it sees ...
    single(a.evaluate(at(spike(SYM, 5), T0), false), "rvol_spike");
    single(a.evaluate(at(spike(SYM, 5), T0 + 1_000), false), "rvol_spike");
    // ... and leaves the agent as it was: the first committed run still fires
    single(a.evaluate(at(spike(SYM, 5), T0 + 2_000), true), "rvol_spike");
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 5), T0 + 3_000), true));
  }

  @Test
  void dryRunInsideACooldownDoesNotExtendIt() {
    RvolSpikeAgent a = agent();
    single(a.evaluate(at(spike(SYM, 5), T0), true), "rvol_spike");
    assertEquals(List.of(), a.evaluate(at(spike(SYM, 5), T0 + 10_000), false));
    // a dry run after the cooldown sees the spike but must not restart the cooldown
    single(a.evaluate(at(spike(SYM, 5), T0 + COOLDOWN_MS + 10_000), false), "rvol_spike");
    single(a.evaluate(at(spike(SYM, 5), T0 + COOLDOWN_MS + 20_000), true), "rvol_spike");
  }

  @Test
  void missingQuoteStillGivesAFiniteScore() {
    MarketSnapshot m = snap().tf(Timeframe.M5, 0, 0, 3.5, 0, 7, 0).quote(null, null).build();
    Finding f = single(agent().evaluate(at(m, T0), true), "rvol_spike");
    assertEquals(3.5, f.score());
    assertTrue(f.details().containsKey("best_bid"));
  }
}
