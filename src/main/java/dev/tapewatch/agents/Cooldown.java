package dev.tapewatch.agents;

import java.util.HashMap;
import java.util.Map;

/** One finding per (symbol, label) within a cooldown, so a condition that lasts gives one finding, not one a run. */
final class Cooldown {
  private final long cooldownMs;
  private final Map<String, Long> lastFiredMs = new HashMap<>();

  Cooldown(long cooldownSec) {
    this.cooldownMs = cooldownSec * 1000;
  }

  boolean ready(String symbol, String label, long nowMs) {
    Long last = lastFiredMs.get(symbol + '|' + label);
    return last == null || nowMs - last >= cooldownMs;
  }

  void fired(String symbol, String label, long nowMs) {
    lastFiredMs.merge(symbol + '|' + label, nowMs, Math::max);
  }

  void forget(String symbol) {
    lastFiredMs.keySet().removeIf(key -> key.startsWith(symbol + '|'));
  }
}
