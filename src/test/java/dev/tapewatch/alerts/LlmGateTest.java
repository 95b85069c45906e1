package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.alerts.LlmGate.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlmGateTest {
  private static final long INTERVAL_MS = 300_000;
  private final LlmGate gate = new LlmGate(0.7, INTERVAL_MS, List.of("BTC-USD", "ETH-USD"));

  @Test
  void onlyStrongFindingsOfOtherAgentsOnWatchedSymbolsRun() {
    assertEquals(Verdict.IGNORE, gate.offer("trend_score", "BTC-USD", 0.69, 0));
    assertEquals(Verdict.IGNORE, gate.offer("trend_score", "BTC-USD", Double.NaN, 0));
    assertEquals(Verdict.IGNORE, gate.offer("llm_analyst", "BTC-USD", 0.95, 0));
    assertEquals(Verdict.IGNORE, gate.offer("trend_score", "DOGE-USD", 0.95, 0));
    assertEquals(Verdict.RUN, gate.offer("trend_score", "BTC-USD", 0.7, 0));
  }

  @Test
  void theIntervalHoldsPerSymbol() {
    assertEquals(Verdict.RUN, gate.offer("rvol_spike", "BTC-USD", 4.0, 1_000));
    assertEquals(Verdict.TOO_SOON, gate.offer("reversal", "BTC-USD", 2.0, 1_000 + INTERVAL_MS - 1));
    assertEquals(Verdict.RUN, gate.offer("reversal", "ETH-USD", 2.0, 2_000));
    assertEquals(Verdict.RUN, gate.offer("reversal", "BTC-USD", 2.0, 1_000 + INTERVAL_MS));
    assertEquals(Verdict.TOO_SOON, gate.offer("reversal", "BTC-USD", 2.0, 1_000 + INTERVAL_MS + 1));
  }

  @Test
  void ignoredAndSkippedFindingsDoNotMoveTheInterval() {
    assertEquals(Verdict.RUN, gate.offer("rvol_spike", "BTC-USD", 4.0, 0));
    assertEquals(Verdict.TOO_SOON, gate.offer("rvol_spike", "BTC-USD", 4.0, INTERVAL_MS - 1));
    assertEquals(Verdict.IGNORE, gate.offer("rvol_spike", "BTC-USD", 0.1, INTERVAL_MS - 1));
    assertEquals(Verdict.RUN, gate.offer("rvol_spike", "BTC-USD", 4.0, INTERVAL_MS));
  }
}
