package dev.tapewatch.alerts;

/** A validated answer of the model: which way to lean on a symbol, how sure, and why. */
record LlmAnalysis(String bias, double confidence, String rationale) {
  /** Longer rationales are cut: they end up in findings, alerts and the database. */
  static final int MAX_RATIONALE = 1000;
}
