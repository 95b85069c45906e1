package dev.tapewatch.scorecard;

import dev.tapewatch.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The baseline's minute prices, asked of each symbol's owner (anywhere in a cluster) over its 1m bars. */
public final class BarPrices {
  /** As many 1m bars as a symbol keeps: the baseline reaches back as far as it can. */
  static final int BARS = 1000;

  private BarPrices() {
  }

  /** Each wanted symbol's minute prices; a symbol whose owner does not answer within {@code timeoutMs} has none. */
  public static Future<Map<String, MinutePrices>> ask(Vertx vertx, Set<String> wanted, long nowMs, long timeoutMs) {
    Map<String, MinutePrices> prices = new HashMap<>();
    List<Future<?>> asked = wanted.stream().<Future<?>>map(s -> vertx.eventBus().<JsonObject>request(
            Addresses.Market.BARS.of(s), new JsonObject().put("tf", "1m").put("limit", BARS),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .onSuccess(reply -> prices.put(s, MinutePrices.fromBars(reply.body().getJsonArray("bars"), nowMs))))
        .toList();
    return Future.join(asked).otherwiseEmpty().map(v -> prices);
  }
}
