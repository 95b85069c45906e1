package dev.tapewatch.alerts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which findings start an analysis: a strong enough finding of another agent on a watched symbol, at most
 * once per interval per symbol. Time comes in as an argument so that the interval can be tested without waiting.
 */
final class LlmGate {
  enum Verdict { RUN, IGNORE, TOO_SOON }

  private final double minScore;
  private final long minIntervalMs;
  private final Set<String> symbols;
  private final Map<String, Long> lastRunMs = new HashMap<>();

  LlmGate(double minScore, long minIntervalMs, List<String> symbols) {
    this.minScore = minScore;
    this.minIntervalMs = minIntervalMs;
    this.symbols = Set.copyOf(symbols);
  }

  /** A RUN verdict starts the symbol's interval. */
  Verdict offer(String agent, String symbol, double score, long nowMs) {
    // The analyst's own findings are excluded so that an analysis can never trigger the next one.
    if (LlmAnalystVerticle.AGENT.equals(agent) || !symbols.contains(symbol) || !(score >= minScore)) {
      return Verdict.IGNORE;
    }
    Long last = lastRunMs.get(symbol);
    if (last != null && nowMs - last < minIntervalMs) {
      return Verdict.TOO_SOON;
    }
    lastRunMs.put(symbol, nowMs);
    return Verdict.RUN;
  }
}
