package dev.tapewatch.bus;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;

/**
 * The symbols this node runs, as the ownership verticle announces them on {@link Addresses#NODE_SYMBOLS}: the feed
 * and the agents follow it. On a single node nobody announces, and they keep every configured symbol.
 */
public final class NodeShare {
  private NodeShare() {
  }

  /** Calls {@code onChange} with the whole new share each time it changes; hears this node only. */
  public static MessageConsumer<JsonObject> follow(EventBus bus, Consumer<List<String>> onChange) {
    return bus.localConsumer(Addresses.NODE_SYMBOLS,
        m -> onChange.accept(m.body().getJsonArray("symbols").stream().map(String.class::cast).toList()));
  }

  public static void announce(EventBus bus, List<String> share) {
    bus.publish(Addresses.NODE_SYMBOLS, new JsonObject().put("symbols", new JsonArray(share)));
  }
}
