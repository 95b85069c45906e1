package dev.tapewatch.agents;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One agent's registry entry, owned by its verticle and published after every run. */
final class AgentStatus {
  private final String agent;
  private final int intervalSec;
  private final String disabledBy;
  private String status;
  private Instant lastRun;
  private long runs;
  private long findings;
  private long errors;
  private String lastError;
  private Instant lastErrorAt;
  private int lastSymbols;
  private long lastDurationMs;

  AgentStatus(String agent, int intervalSec, String disabledBy) {
    this.agent = agent;
    this.intervalSec = intervalSec;
    this.disabledBy = disabledBy;
    this.status = disabledBy == null ? "ok" : "disabled";
  }

  /** Records one run: {@code error} is null when every symbol was evaluated. */
  void heartbeat(Instant at, long durationMs, int symbols, int newFindings, String error) {
    runs++;
    lastRun = at;
    lastDurationMs = durationMs;
    lastSymbols = symbols;
    findings += newFindings;
    if (error != null) {
      errors++;
      lastError = error;
      lastErrorAt = at;
    }
    if (disabledBy == null) {
      status = error == null ? "ok" : "error";
    }
  }

  /**
   * {@code {agent, status: ok|error|disabled, disabled_by?, interval_s, last_run, runs, findings, errors, last_error,
   * last_error_at, last_duration_ms, last_symbols}}: the last run took last_duration_ms over last_symbols symbols
   * (every symbol of the node's share, or the one of a run-now).
   */
  JsonObject toJson() {
    JsonObject j = new JsonObject()
        .put("agent", agent)
        .put("status", status)
        .put("interval_s", intervalSec)
        .put("last_run", lastRun == null ? null : lastRun.toString())
        .put("runs", runs)
        .put("findings", findings)
        .put("errors", errors)
        .put("last_error", lastError)
        .put("last_error_at", lastErrorAt == null ? null : lastErrorAt.toString())
        .put("last_duration_ms", lastDurationMs)
        .put("last_symbols", lastSymbols);
    if (disabledBy != null) {
      j.put("disabled_by", disabledBy);
    }
    return j;
  }
}
