package dev.tapewatch.agents;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.tape.Finding;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Turns a finding into what is announced: its JSON with {@code ref_price} (the symbol's last trade at or before the
 * finding's time) and {@code outcomes} ({@code {horizon: null}}, each resolved later by the symbol's owner), which
 * the symbol's verticle gives when it opens the outcomes. The direction that decides a hit is the one the agent
 * declared for the label.
 */
public final class FindingAnnouncer {
  static final long OPEN_TIMEOUT_MS = 2000;

  private FindingAnnouncer() {
  }

  /**
   * The finding as announced; with {@code commit} its outcomes are opened, it is made durable by the store and only
   * then published on {@link Addresses#FINDINGS}: the future fails, and nothing is published, when the store cannot
   * make it durable. A symbol verticle that does not answer leaves the finding without a reference price or outcomes
   * rather than holding it back.
   */
  public static Future<JsonObject> announce(Vertx vertx, Finding f, boolean commit) {
    int direction = AgentCatalog.direction(f.agent(), f.label(), f.score());
    JsonObject open = new JsonObject().put("id", f.id().toString()).put("agent", f.agent())
        .put("ts_ms", f.tsUtc().toEpochMilli()).put("direction", direction).put("open", commit);
    return vertx.eventBus().<JsonObject>request(Addresses.Market.OUTCOMES_OPEN.of(f.symbol()), open,
            new DeliveryOptions().setSendTimeout(OPEN_TIMEOUT_MS))
        .map(reply -> {
          JsonObject outcomes = new JsonObject();
          reply.body().getJsonArray("horizons").forEach(h -> outcomes.putNull((String) h));
          return f.toJson().put("ref_price", reply.body().getDouble("ref_price")).put("outcomes", outcomes);
        })
        .otherwise(e -> f.toJson().putNull("ref_price").putNull("outcomes"))
        .compose(json -> !commit ? Future.succeededFuture(json)
            : vertx.eventBus().request(Addresses.STORE_FINDINGS_APPEND, json,
                    new DeliveryOptions().setSendTimeout(Addresses.DURABLE_TIMEOUT_MS))
                .map(durable -> {
                  vertx.eventBus().publish(Addresses.FINDINGS, json);
                  return json;
                }));
  }
}
