package dev.tapewatch.store;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.agents.LabelSpec.Role;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** One symbol's position_state row: what the posture agent last decided. */
record Position(String symbol, String status, double qty, Double avgPrice, Instant updatedAt, String lastAction,
                Double lastConf) {

  /** The row a finding sets, when it is its agent's posture change. */
  static Optional<Position> of(JsonObject finding) {
    boolean change = AgentCatalog.label(finding.getString("agent"), finding.getString("label"))
        .filter(l -> l.role() == Role.POSTURE_CHANGE).isPresent();
    if (!change) {
      return Optional.empty();
    }
    JsonObject d = finding.getJsonObject("details");
    return Optional.of(new Position(finding.getString("symbol"), d.getString("status"), d.getDouble("qty"),
        d.getDouble("avg_price"), Instant.parse(finding.getString("ts_utc")), d.getString("last_action"),
        d.getDouble("last_conf")));
  }

  /** {@code {symbol, status, qty, avg_price, updated_at, last_action, last_conf}}, as /positions shows it. */
  JsonObject toJson() {
    return new JsonObject().put("symbol", symbol).put("status", status).put("qty", qty).put("avg_price", avgPrice)
        .put("updated_at", updatedAt.toString()).put("last_action", lastAction).put("last_conf", lastConf);
  }
}
