package dev.tapewatch.feed;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.LocalCodec;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.support.Waits;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.MarketBatch;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Trade;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands where the symbol verticles stand: takes every {@link MarketBatch} a feed verticle sends, per symbol and in
 * order, and keeps the latest feed status; readable from any thread.
 */
final class MarketTap {
  final Map<String, List<Trade>> trades = new ConcurrentHashMap<>();
  final Map<String, List<Quote>> quotes = new ConcurrentHashMap<>();
  final Map<String, List<BookUpdate>> books = new ConcurrentHashMap<>();
  final AtomicReference<JsonObject> status = new AtomicReference<>(new JsonObject());

  /** Listens for {@code symbols} on {@code vertx} (whose bus gets the batch codec). */
  static Future<MarketTap> listen(Vertx vertx, List<String> symbols) {
    vertx.eventBus().registerDefaultCodec(MarketBatch.class, new LocalCodec<>(MarketBatch.class));
    MarketTap tap = new MarketTap();
    List<Future<?>> ready = new ArrayList<>();
    for (String s : symbols) {
      tap.trades.put(s, new CopyOnWriteArrayList<>());
      tap.quotes.put(s, new CopyOnWriteArrayList<>());
      tap.books.put(s, new CopyOnWriteArrayList<>());
      ready.add(vertx.eventBus().<MarketBatch>localConsumer(Addresses.Market.EVENTS.of(s), m -> {
        tap.trades.get(s).addAll(m.body().trades());
        tap.quotes.get(s).addAll(m.body().quotes());
        tap.books.get(s).addAll(m.body().books());
      }).completion());
    }
    ready.add(vertx.eventBus().<JsonObject>localConsumer(Addresses.FEED_STATUS, m -> tap.status.set(m.body()))
        .completion());
    return Future.all(ready).map(tap);
  }

  /**
   * Replays {@code tape} for {@code symbols} on {@code vertx} as fast as it can be read (agents on the wall clock),
   * blocking until it is finished; answers what reached the symbols.
   */
  static MarketTap replay(Vertx vertx, Path tape, List<String> symbols) throws Exception {
    TapewatchConfig config = TapewatchConfig.load(Map.of("FEED", "replay:" + tape, "SYMBOL",
        String.join(",", symbols), "REPLAY_SPEED", "0", "AGENT_CLOCK", "wall"));
    MarketTap tap = Waits.join(listen(vertx, symbols));
    Waits.join(vertx.deployVerticle(new ReplayFeedVerticle(config)));
    Waits.until("the replay finished", Duration.ofSeconds(30),
        () -> tap.status.get().getBoolean("replay_finished", false));
    return tap;
  }

  long feed(String field) {
    Number n = status.get().getNumber(field);
    return n == null ? -1 : n.longValue();
  }
}
