package dev.tapewatch.feed;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a client must make of the Advanced Trade messages a fake sent, worked out by hand from the wire with the
 * rules the README states: per connection one sequence from 0 (a number skipped is a loss, after which every
 * product's book updates wait for its snapshot, as they do on a new connection); trades per product in id order, one
 * not above the product's last a duplicate, one more than 1 above it a gap; each ticker a quote. The expected feed
 * status, as /health shows it.
 */
final class AdvancedTradeWire {
  private final Map<String, TapeCounts> bySymbol = new LinkedHashMap<>();
  private long messages;
  private long heartbeats;
  private long sequenceGaps;
  private long lostMessages;

  /** Reads every connection's messages, in the order the connections came. */
  AdvancedTradeWire(List<String> products, List<List<String>> connections) {
    products.forEach(p -> bySymbol.put(p, new TapeCounts()));
    for (List<String> sent : connections) {
      Set<String> due = new HashSet<>(products);
      long next = 0;
      for (String text : sent) {
        JsonObject m = new JsonObject(text);
        messages++;
        String channel = m.getString("channel");
        if (channel == null) {
          continue;
        }
        long sequence = m.getLong("sequence_num");
        if (sequence > next) {
          sequenceGaps++;
          lostMessages += sequence - next;
          due.addAll(products);
        }
        next = sequence + 1;
        JsonArray events = m.getJsonArray("events");
        switch (channel) {
          case "heartbeats" -> heartbeats++;
          case "ticker" -> events.forEach(e -> ((JsonObject) e).getJsonArray("tickers").forEach(t ->
              bySymbol.get(((JsonObject) t).getString("product_id")).quotes++));
          case "l2_data" -> events.forEach(o -> {
            JsonObject e = (JsonObject) o;
            String p = e.getString("product_id");
            if (e.getString("type").equals("snapshot")) {
              due.remove(p);
              bySymbol.get(p).bookSnapshots++;
            } else if (!due.contains(p)) {
              bySymbol.get(p).bookUpdates++;
            }
          });
          case "market_trades" -> trades(events);
          default -> {
          }
        }
      }
    }
  }

  private void trades(JsonArray events) {
    List<JsonObject> batch = new ArrayList<>();
    events.forEach(e -> ((JsonObject) e).getJsonArray("trades").forEach(t -> batch.add((JsonObject) t)));
    batch.sort((a, b) -> Long.compare(Long.parseLong(a.getString("trade_id")), Long.parseLong(b.getString("trade_id"))));
    batch.forEach(t -> bySymbol.get(t.getString("product_id")).take(Long.parseLong(t.getString("trade_id"))));
  }

  TapeCounts of(String symbol) {
    return bySymbol.get(symbol);
  }

  /** The feed status subset this wire implies; {@code backfilled} per symbol, as REST must have filled the gaps. */
  JsonObject status(Map<String, Long> backfilled) {
    TapeCounts total = new TapeCounts();
    JsonObject symbols = new JsonObject();
    bySymbol.forEach((p, c) -> {
      c.backfilled = backfilled.getOrDefault(p, 0L);
      total.add(c);
      symbols.put(p, c.json().put("last_trade_id", c.lastTradeId).put("held", 0));
    });
    return total.json().put("sequence_gaps", sequenceGaps).put("lost_messages", lostMessages)
        .put("messages_less_heartbeats", messages - heartbeats).put("malformed_total", 0).put("symbols", symbols);
  }

  static Map<String, Long> none() {
    return new HashMap<>();
  }
}
