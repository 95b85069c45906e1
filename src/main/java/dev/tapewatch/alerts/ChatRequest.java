package dev.tapewatch.alerts;

import dev.tapewatch.agents.LlmAnalystAgent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The Chat Completions request for one analysis: a fixed system prompt and the symbol's context as JSON. */
final class ChatRequest {
  static final double TEMPERATURE = 0.2;
  static final String SYSTEM_PROMPT = """
      You are a cautious crypto market analyst. You get one symbol's market context as JSON: the finding that \
      triggered this analysis, multi-timeframe features (tf.1m/5m/15m: mom_bps, px_vs_vwap_bps, rvol, atr, volume, \
      signed_volume, vwap), best bid/ask, last price, taker cumulative volume delta over 2 and 5 minutes (cvd_2m, \
      cvd_5m), the current position if known, recent findings of the monitoring agents, and track_record: how the \
      trigger's agent and label has done so far over every symbol, per horizon (n resolved outcomes, hit_rate with its \
      95%% interval, mean_ret_bps, edge_bps over a random entry; empty when nothing is scored yet). Judge the short-term \
      (minutes to an hour) directional bias. Answer with only a JSON object: {"bias": %s, \
      "confidence": number from 0 to 1, "rationale": string of at most 600 characters citing the numbers you used}. \
      Use "%s" with low confidence when the evidence is mixed or missing.""".formatted(
      String.join(" | ", LlmAnalystAgent.DESCRIPTOR.labels().stream().map(l -> '"' + l.label() + '"').toList()),
      LlmAnalystAgent.FLAT.label());

  private ChatRequest() {
  }

  static JsonObject body(String model, JsonObject context) {
    return new JsonObject()
        .put("model", model)
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", SYSTEM_PROMPT))
            .add(new JsonObject().put("role", "user").put("content", context.encode())))
        .put("response_format", new JsonObject().put("type", "json_object"))
        .put("temperature", TEMPERATURE);
  }

  /**
   * {@code {symbol, trigger: {agent, label, score, ts_utc}, track_record: [row], market?, position?,
   * recent_findings?}}, {@code track_record} being the trigger's label's scorecard rows over every symbol, one per
   * horizon (see {@link TrackRecord#forPrompt}). A piece whose source did not answer (null) is left out rather than
   * guessed; with positions known, a symbol without a row is flat.
   */
  static JsonObject context(String symbol, JsonObject trigger, TrackRecord record, JsonObject snapshot,
      JsonObject positions, JsonObject findings) {
    JsonObject c = new JsonObject().put("symbol", symbol).put("trigger", brief(trigger))
        .put("track_record", record.forPrompt(trigger.getString("agent", ""), trigger.getString("label", "")));
    if (snapshot != null) {
      c.put("market", snapshot);
    }
    if (positions != null) {
      c.put("position", position(symbol, positions.getJsonArray("positions", new JsonArray())));
    }
    if (findings != null) {
      JsonArray recent = new JsonArray();
      findings.getJsonArray("findings", new JsonArray()).forEach(f -> recent.add(brief((JsonObject) f)));
      c.put("recent_findings", recent);
    }
    return c;
  }

  private static JsonObject position(String symbol, JsonArray rows) {
    for (Object o : rows) {
      JsonObject p = (JsonObject) o;
      if (symbol.equals(p.getString("symbol"))) {
        return new JsonObject().put("status", p.getString("status")).put("qty", p.getValue("qty"))
            .put("avg_price", p.getValue("avg_price"));
      }
    }
    return new JsonObject().put("status", "flat");
  }

  /** Only what the model needs of a finding; details would multiply the prompt's size. */
  private static JsonObject brief(JsonObject f) {
    return new JsonObject().put("agent", f.getString("agent")).put("label", f.getString("label"))
        .put("score", f.getValue("score")).put("ts_utc", f.getString("ts_utc"));
  }
}
