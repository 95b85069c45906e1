package dev.tapewatch.alerts;

import dev.tapewatch.agents.LlmAnalystAgent;
import dev.tapewatch.config.LlmSettings;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The analyst's counters, shown as {@code llm} in /health: {@code {enabled, model, base_url, calls, ok,
 * errors: {kind: n}, skipped_interval, tokens: {prompt, completion, total}, last_call_at, last_error}}. Holds
 * nothing secret: the key is not known here and the base URL is cut to scheme, host and port.
 */
final class LlmStatus {
  private final String model;
  private final String baseUrl;
  private final Map<String, Long> errors = new TreeMap<>();
  private long calls;
  private long ok;
  private long skippedInterval;
  private long promptTokens;
  private long completionTokens;
  private long totalTokens;
  private Instant lastCallAt;
  private String lastError;
  private boolean lastCallFailed;

  LlmStatus(LlmSettings llm) {
    this.model = llm.model();
    this.baseUrl = origin(llm.baseUrl());
  }

  static JsonObject disabled() {
    return new JsonObject().put("enabled", false);
  }

  void skipped() {
    skippedInterval++;
  }

  /** One finished call, made at {@code calledAtMs}. */
  void record(ChatReply reply, long calledAtMs) {
    calls++;
    lastCallAt = Instant.ofEpochMilli(calledAtMs);
    promptTokens += reply.usage().prompt();
    completionTokens += reply.usage().completion();
    totalTokens += reply.usage().total();
    lastCallFailed = !reply.ok();
    if (reply.ok()) {
      ok++;
    } else {
      errors.merge(reply.error(), 1L, Long::sum);
      lastError = reply.error() + ": " + reply.detail();
    }
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("enabled", true)
        .put("model", model)
        .put("base_url", baseUrl)
        .put("calls", calls)
        .put("ok", ok)
        .put("errors", new JsonObject(Map.copyOf(errors)))
        .put("skipped_interval", skippedInterval)
        .put("tokens", new JsonObject().put("prompt", promptTokens).put("completion", completionTokens)
            .put("total", totalTokens))
        .put("last_call_at", lastCallAt == null ? null : lastCallAt.toString())
        .put("last_error", lastError);
  }

  /**
   * The analyst's entry among the agents (/agents): {@code {agent, status: ok|error|disabled, disabled_by?,
   * interval_s, last_run, runs, findings, errors, last_error}}, a run being one call of the model.
   */
  static JsonObject agentEntry(LlmSettings llm, LlmStatus status) {
    JsonObject j = new JsonObject().put("agent", LlmAnalystAgent.DESCRIPTOR.name())
        .put("interval_s", llm.minIntervalSec());
    if (!llm.enabled()) {
      return j.put("status", "disabled").put("disabled_by", LlmAnalystAgent.DESCRIPTOR.switchSetting() + "=false")
          .putNull("last_run").put("runs", 0).put("findings", 0).put("errors", 0).putNull("last_error");
    }
    long failed = status.errors.values().stream().mapToLong(Long::longValue).sum();
    return j.put("status", status.lastCallFailed ? "error" : "ok")
        .put("last_run", status.lastCallAt == null ? null : status.lastCallAt.toString())
        .put("runs", status.calls).put("findings", status.ok).put("errors", failed)
        .put("last_error", status.lastError);
  }

  /** Path, query and user info are dropped: a proxy URL may carry a token in any of them. */
  static String origin(URI url) {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
  }
}
