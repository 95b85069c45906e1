package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import static dev.tapewatch.agents.Snapshots.at;
import static dev.tapewatch.agents.Snapshots.snap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The macro watcher on a scripted clock: windows of ±10 minutes around 13:30 UTC daily and a dated CPI release. */
class MacroWatchAgentTest {
  private final MacroWatchAgent agent = new MacroWatchAgent(TapewatchConfig.load(Map.of(
      "MACRO_WINDOWS", "13:30,2026-12-10T19:00:00Z")).agents().macro().windows(), 10, 2.0);

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private static MarketSnapshot market(String symbol, double rvol1m) {
    return snap().symbol(symbol).rvol(Timeframe.M1, rvol1m).mom(Timeframe.M1, 12.5).mom(Timeframe.M5, 30).build();
  }

  @Test
  void firesInsideAWindowOncePerSymbolAndNotOutside() {
    assertEquals(List.of(), agent.evaluate(at(market("BTC-USD", 5), ms("2026-11-24T13:19:59Z")), true),
        "before the window");
    List<Finding> inside = agent.evaluate(at(market("BTC-USD", 2.0), ms("2026-11-24T13:25:00Z")), true);
    assertEquals(1, inside.size());
    Finding f = inside.get(0);
    assertEquals("macro_watch", f.agent());
    assertEquals("macro_move", f.label());
    assertEquals(2.0, f.score());
    assertEquals(new JsonObject().put("window", "13:30").put("window_centre", "2026-11-24T13:30:00Z")
        .put("rvol_1m", 2.0).put("mom_bps_1m", 12.5).put("mom_bps_5m", 30.0).put("price", 100.0), f.details());
    assertEquals(List.of(), agent.evaluate(at(market("BTC-USD", 9), ms("2026-11-24T13:39:00Z")), true),
        "one per symbol per window");
    assertEquals(1, agent.evaluate(at(market("ETH-USD", 3), ms("2026-11-24T13:39:00Z")), true).size(),
        "another symbol is independent");
    assertEquals(List.of(), agent.evaluate(at(market("SOL-USD", 1.99), ms("2026-11-24T13:30:00Z")), true),
        "rvol below MACRO_RVOL_MIN");
    assertEquals(List.of(), agent.evaluate(at(market("SOL-USD", 4), ms("2026-11-24T13:40:00.001Z")), true),
        "after the window");
    assertEquals(1, agent.evaluate(at(market("BTC-USD", 4), ms("2026-11-25T13:21:00Z")), true).size(),
        "the next day's window is a new window");
  }

  @Test
  void aFindingMadeElsewhereInTheWindowIsRecalledAndNotRepeated() {
    Finding earlier = new MacroWatchAgent(TapewatchConfig.load(Map.of("MACRO_WINDOWS", "13:30")).agents().macro().windows(), 10,
        2.0).evaluate(at(market("BTC-USD", 3), ms("2026-11-24T13:22:00Z")), true).get(0);
    agent.recall(earlier);
    assertEquals(List.of(), agent.evaluate(at(market("BTC-USD", 5), ms("2026-11-24T13:31:00Z")), true),
        "the window's finding was made before the takeover");
    assertEquals(1, agent.evaluate(at(market("ETH-USD", 5), ms("2026-11-24T13:31:00Z")), true).size());
    assertEquals(1, agent.evaluate(at(market("BTC-USD", 5), ms("2026-11-25T13:31:00Z")), true).size(),
        "the next window is a new one");
  }

  @Test
  void aForgottenSymbolMayFireAgainInTheSameWindow() {
    assertEquals(1, agent.evaluate(at(market("BTC-USD", 5), ms("2026-11-24T13:25:00Z")), true).size());
    assertEquals(1, agent.evaluate(at(market("ETH-USD", 5), ms("2026-11-24T13:25:00Z")), true).size());
    agent.forget("BTC-USD");
    assertEquals(1, agent.evaluate(at(market("BTC-USD", 5), ms("2026-11-24T13:26:00Z")), true).size());
    assertEquals(List.of(), agent.evaluate(at(market("ETH-USD", 5), ms("2026-11-24T13:26:00Z")), true));
  }

  @Test
  void aDatedWindowFiresOnlyAroundItsInstantAndADryRunLeavesNoTrace() {
    assertEquals(List.of(), agent.evaluate(at(market("BTC-USD", 5), ms("2026-12-09T19:00:00Z")), true));
    assertEquals(1, agent.evaluate(at(market("BTC-USD", 5), ms("2026-12-10T18:55:00Z")), false).size());
    List<Finding> real = agent.evaluate(at(market("BTC-USD", 5), ms("2026-12-10T18:56:00Z")), true);
    assertEquals("2026-12-10T19:00:00Z", real.get(0).details().getString("window_centre"));
  }

  @Test
  void agentsShowsTheNextWindow() {
    JsonObject next = agent.statusExtras(ms("2026-11-24T14:00:00Z")).getJsonObject("next_window");
    assertEquals(new JsonObject().put("window", "13:30").put("centre", "2026-11-25T13:30:00Z")
        .put("starts_at", "2026-11-25T13:20:00Z"), next);
    assertEquals("13:30", agent.statusExtras(ms("2026-11-24T13:35:00Z")).getJsonObject("next_window")
        .getString("window"), "a window in progress is the next one");
    MacroWatchAgent dated = new MacroWatchAgent(TapewatchConfig.load(Map.of("MACRO_WINDOWS",
        "2026-12-10T19:00:00Z")).agents().macro().windows(), 10, 2.0);
    assertNull(dated.statusExtras(ms("2026-12-11T00:00:00Z")).getValue("next_window"));
    assertTrue(dated.statusExtras(ms("2026-12-10T00:00:00Z")).getJsonObject("next_window") != null);
  }
}
