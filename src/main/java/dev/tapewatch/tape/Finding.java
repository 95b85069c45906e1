package dev.tapewatch.tape;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * What an agent found. The id is made by the producer so that a retried write can never double a row.
 * JSON: {@code {id, ts_utc, agent, symbol, score, label, details}}.
 */
public record Finding(UUID id, Instant tsUtc, String agent, String symbol, double score, String label,
    JsonObject details) {

  public static Finding of(long nowMs, String agent, String symbol, double score, String label,
      JsonObject details) {
    return new Finding(UUID.randomUUID(), Instant.ofEpochMilli(nowMs), agent, symbol,
        Double.isFinite(score) ? score : 0.0, label, details);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("ts_utc", tsUtc.toString())
        .put("agent", agent)
        .put("symbol", symbol)
        .put("score", score)
        .put("label", label)
        .put("details", details);
  }

  public static Finding fromJson(JsonObject j) {
    return new Finding(UUID.fromString(j.getString("id")), Instant.parse(j.getString("ts_utc")),
        j.getString("agent"), j.getString("symbol"), j.getDouble("score"), j.getString("label"),
        j.getJsonObject("details", new JsonObject()));
  }
}
