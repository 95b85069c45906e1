package dev.tapewatch.market;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.Horizon;
import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.CandleSeed;
import dev.tapewatch.tape.MarketBatch;
import dev.tapewatch.tape.MinuteBar;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Timeframe;
import dev.tapewatch.tape.Trade;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one symbol's {@link SymbolState}: applies the feed's batches and answers the market queries by
 * request-reply (see {@link Addresses}). Publishes its status every second so /health never has to wait on it.
 *
 * <p>A book that goes to resyncing (crossed, or an update before its snapshot) is logged once and the feed is asked
 * for a fresh snapshot on {@link Addresses#FEED_BOOK_RESYNC}; while updates keep coming and no snapshot, the feed is
 * asked again every {@value #RESYNC_ASK_AGAIN_MS} ms, in case the request was lost.
 */
public final class SymbolVerticle extends VerticleBase {
  private static final long LATENCY_MAX_NANOS = 60_000_000_000L;
  private static final Logger LOG = LoggerFactory.getLogger(SymbolVerticle.class);
  /** How far back a symbol taken up looks for owed outcomes: an outage up to a day still marks them missed. */
  static final long RECALL_MS = 86_400_000L;
  /** How far back the stored bars are reloaded: the longest baseline, 21 fifteen-minute bars, and some. */
  static final long BARS_RELOAD_MS = 6 * 3_600_000L;
  static final long RESYNC_ASK_AGAIN_MS = 5000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final SymbolState state;
  private final List<Horizon> horizons;
  private final OutcomeBook outcomes = new OutcomeBook();
  private final MeterRegistry registry;
  private final Timer latency;
  // Growing to the largest latency recorded (at most LATENCY_MAX_NANOS): sized for a minute up front, the counts of
  // hundreds of symbols were tens of megabytes for the garbage collector to copy at start.
  private final Histogram latencyNanos = new Histogram(2);
  private final Histogram bookLatencyNanos = new Histogram(2);
  private long resyncs;
  private long resyncAskedNanos;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final Map<String, String> encoded = new HashMap<>();
  private final boolean keepsBars;
  /** The start of the newest closed minute bar handed to the store (or reloaded from it). */
  private long keptBarStartMs = Long.MIN_VALUE;
  private long statusTimer;

  /**
   * {@code horizons}: when the outcomes of this symbol's findings are measured, shortest first; {@code bookDepth}:
   * the levels kept a side of its order book; {@code keepsBars}: the closed minute bars are stored, and reloaded at
   * start so that the baselines are there at once (a live feed).
   */
  public SymbolVerticle(String symbol, int tradesMax, int bookDepth, List<Horizon> horizons, boolean keepsBars,
      MeterRegistry registry) {
    this.state = new SymbolState(symbol, tradesMax, bookDepth);
    this.horizons = horizons;
    this.keepsBars = keepsBars;
    this.registry = registry;
    this.latency = Timer.builder("tapewatch.trade.to.features.latency")
        .description("From a trade's arrival at the feed to its symbol's bars and features being updated")
        .tag("symbol", symbol)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(1_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  @Override
  public Future<?> start() {
    // The stored bars go in before any trade: a restored bar older than the newest kept one would be ignored.
    return (keepsBars ? reloadBars(System.currentTimeMillis()) : Future.succeededFuture()).compose(v -> listen());
  }

  /** Restores the symbol's stored minute bars of the last hours into every timeframe; a store that fails is logged. */
  private Future<Void> reloadBars(long nowMs) {
    return vertx.eventBus().<JsonObject>request(Addresses.STORE_BARS_RECENT, new JsonObject()
            .put("symbol", state.symbol()).put("since_ms", nowMs - BARS_RELOAD_MS),
            new DeliveryOptions().setSendTimeout(10_000))
        .map(reply -> {
          JsonArray bars = reply.body().getJsonArray("bars");
          for (Object o : bars) {
            MinuteBar bar = MinuteBar.fromJson((JsonObject) o);
            for (Timeframe tf : Timeframe.values()) {
              state.bars(tf).restore(bar);
            }
            keptBarStartMs = bar.startMs();
          }
          LOG.atInfo().addKeyValue("symbol", state.symbol()).addKeyValue("bars", bars.size())
              .log("minute bars reloaded from the store");
          return (Void) null;
        })
        .otherwise(e -> {
          LOG.atWarn().addKeyValue("symbol", state.symbol())
              .log("stored bars not reloaded, the baselines build up again: " + e.getMessage());
          return null;
        });
  }

  private Future<?> listen() {
    EventBus bus = vertx.eventBus();
    String symbol = state.symbol();
    MessageConsumer<MarketBatch> events = bus.localConsumer(Addresses.Market.EVENTS.of(symbol), this::onBatch);
    consumers.add(events);
    consumers.add(bus.<CandleSeed>localConsumer(Addresses.Market.CANDLES.of(symbol), m -> seed(m.body())));
    replyEncoded(Addresses.Market.SIGNALS.of(symbol), () -> MarketJson.signals(state));
    replyEncoded(Addresses.Market.SIGNALS_TF.of(symbol), () -> MarketJson.signalsTf(state));
    replyEncoded(Addresses.Market.FEATURES.of(symbol), () -> MarketJson.features(state));
    reply(Addresses.Market.STATE.of(symbol), m -> MarketJson.state(state, System.currentTimeMillis()));
    reply(Addresses.Market.BARS.of(symbol), m -> {
      JsonObject q = (JsonObject) m.body();
      return MarketJson.bars(state, Timeframe.ofLabel(q.getString("tf")), q.getInteger("limit"));
    });
    reply(Addresses.Market.SNAPSHOT.of(symbol), m -> MarketSnapshot.of(state, System.currentTimeMillis()).toJson());
    consumers.add(bus.<JsonObject>consumer(Addresses.Market.BOOK.of(symbol), m -> m.reply(
        MarketJson.book(state, m.body().getInteger("depth"), System.currentTimeMillis()))));
    reply(Addresses.Market.STATUS.of(symbol), this::status);
    reply(Addresses.Market.OUTCOMES_OPEN.of(symbol), m -> openOutcomes((JsonObject) m.body()));
    // Each symbol at its own point of the period: hundreds of statuses built in the same instant would hold up the
    // trades of every symbol sharing their event loops.
    statusTimer = vertx.setPeriodic(1 + Math.floorMod(symbol.hashCode(), Addresses.STATUS_PERIOD_MS),
        Addresses.STATUS_PERIOD_MS, id -> bus.publish(Addresses.MARKET_STATUS, status(null)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> recallOutcomes(System.currentTimeMillis()));
  }

  /**
   * Takes up the outcomes still owed to this symbol's findings (after a restart, or on the node that inherits the
   * symbol); those already due are missed, since the trades that would price them were not watched here. A store
   * that cannot answer leaves them unresolved, which the log says.
   */
  private Future<Void> recallOutcomes(long startedMs) {
    long since = startedMs - Math.max(horizons.get(horizons.size() - 1).millis(), RECALL_MS);
    return vertx.eventBus().<JsonObject>request(Addresses.STORE_OUTCOMES_PENDING, new JsonObject()
            .put("symbol", state.symbol()).put("since", Instant.ofEpochMilli(since).toString()),
            new DeliveryOptions().setSendTimeout(10_000))
        .map(reply -> {
          for (Object o : reply.body().getJsonArray("pending")) {
            JsonObject p = (JsonObject) o;
            List<String> owed = p.getJsonArray("horizons").stream().map(String.class::cast).toList();
            outcomes.open(p.getString("id"), p.getString("agent"), Instant.parse(p.getString("ts_utc")).toEpochMilli(),
                p.getDouble("ref_price"), p.getInteger("direction"),
                horizons.stream().filter(h -> owed.contains(h.label())).toList());
          }
          publish(outcomes.missBefore(startedMs));
          return (Void) null;
        })
        .otherwise(e -> {
          LOG.atWarn().addKeyValue("symbol", state.symbol())
              .log("outcomes owed before this start not recalled: " + e.getMessage());
          return null;
        });
  }

  /** Gives a finding its reference price and, unless it is a dry run, opens the outcomes it is owed. */
  private JsonObject openOutcomes(JsonObject request) {
    long tsMs = request.getLong("ts_ms");
    int at = state.trades().lastAtOrBefore(tsMs);
    Double refPrice = at < 0 ? null : state.trades().price(at);
    if (request.getBoolean("open", true)) {
      outcomes.open(request.getString("id"), request.getString("agent"), tsMs, refPrice,
          request.getInteger("direction", 0), horizons);
    }
    return new JsonObject().put("ref_price", refPrice)
        .put("horizons", new JsonArray(horizons.stream().map(Horizon::label).toList()));
  }

  /**
   * Each outcome is made durable by the store before it is published; one the store cannot keep is logged and not
   * published, as a finding would not be.
   */
  private void publish(List<OutcomeBook.Resolved> resolved) {
    for (OutcomeBook.Resolved r : resolved) {
      JsonObject outcome = new JsonObject().put("id", r.id()).put("symbol", state.symbol()).put("agent", r.agent())
          .put("horizon", r.label()).put("outcome", r.outcome());
      vertx.eventBus().request(Addresses.STORE_OUTCOMES_APPEND, outcome,
              new DeliveryOptions().setSendTimeout(Addresses.DURABLE_TIMEOUT_MS))
          .onSuccess(durable -> vertx.eventBus().publish(Addresses.FINDING_OUTCOMES, outcome))
          .onFailure(e -> LOG.atError().addKeyValue("symbol", state.symbol()).addKeyValue("finding_id", r.id())
              .addKeyValue("horizon", r.label()).log("outcome not made durable, not published: " + e.getMessage()));
    }
  }

  /** Hands the minute bars closed since the last call to the store. */
  private void keepClosedBars() {
    BarSeries m1 = state.bars(Timeframe.M1);
    int newest = m1.size() - 1;
    int i = newest;
    while (i > 0 && m1.startMs(i - 1) > keptBarStartMs) {
      i--;
    }
    for (; i < newest; i++) {
      if (m1.trades(i) > 0) {
        vertx.eventBus().send(Addresses.STORE_BARS_APPEND, m1.minuteBar(state.symbol(), i).toJson());
      }
      keptBarStartMs = m1.startMs(i);
    }
  }

  /**
   * Answers with the view's encoded JSON text, kept until the state changes: the text travels by reference where a
   * JsonObject reply would be deep-copied, and a busy endpoint does not rebuild an unchanged answer.
   */
  private void replyEncoded(String address, Supplier<JsonObject> view) {
    consumers.add(vertx.eventBus().consumer(address,
        m -> m.reply(encoded.computeIfAbsent(address, a -> view.get().encode()))));
  }

  private void reply(String address, Function<Message<Object>, JsonObject> view) {
    consumers.add(vertx.eventBus().<Object>consumer(address, m -> m.reply(view.apply(m))));
  }

  private void onBatch(Message<MarketBatch> message) {
    encoded.clear();
    MarketBatch batch = message.body();
    for (Trade t : batch.trades()) {
      state.apply(t);
    }
    for (Quote q : batch.quotes()) {
      state.apply(q);
    }
    for (BookUpdate u : batch.books()) {
      apply(u);
    }
    if (!batch.books().isEmpty()) {
      bookLatencyNanos.recordValueWithCount(
          Math.min(LATENCY_MAX_NANOS, Math.max(0, System.nanoTime() - batch.receivedNanos())), batch.books().size());
    }
    if (!batch.trades().isEmpty()) {
      if (keepsBars) {
        keepClosedBars();
      }
      if (outcomes.size() > 0) {
        publish(outcomes.resolve(state.trades(), state.lastTradeTimeMs()));
      }
      long nanos = Math.min(LATENCY_MAX_NANOS, Math.max(0, System.nanoTime() - batch.receivedNanos()));
      latencyNanos.recordValueWithCount(nanos, batch.trades().size());
      for (int i = 0; i < batch.trades().size(); i++) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  private void apply(BookUpdate u) {
    switch (state.apply(u)) {
      case RESYNC -> {
        resyncs++;
        String reason = state.book().resyncReason().key();
        boolean feedKnows = feedAskedAlready();
        LOG.atWarn().addKeyValue("symbol", state.symbol()).log("order book " + reason.replace('_', ' ')
            + ": not served until a fresh snapshot" + (feedKnows ? ", which the feed has asked for"
            : ", asking the feed for one"));
        if (!feedKnows) {
          askForSnapshot(reason);
        }
      }
      case IGNORED_WHILE_RESYNCING -> {
        if (!feedAskedAlready() && System.nanoTime() - resyncAskedNanos >= RESYNC_ASK_AGAIN_MS * 1_000_000) {
          askForSnapshot(state.book().resyncReason().key());
        }
      }
      case APPLIED -> {
      }
    }
  }

  /** Lost messages are the feed's own finding: it has asked for the snapshot, and asks again when it is overdue. */
  private boolean feedAskedAlready() {
    return state.book().resyncReason() == OrderBook.ResyncReason.MESSAGES_LOST;
  }

  private void askForSnapshot(String reason) {
    resyncAskedNanos = System.nanoTime();
    vertx.eventBus().publish(Addresses.FEED_BOOK_RESYNC,
        new JsonObject().put("symbol", state.symbol()).put("reason", reason), LOCAL);
  }

  private void seed(CandleSeed seed) {
    encoded.clear();
    BarSeries series = state.bars(seed.timeframe());
    for (CandleSeed.Candle c : seed.candles()) {
      series.seedCandle(c.startMs(), c.open(), c.high(), c.low(), c.close(), c.volume());
    }
  }

  /** The status JSON; see {@link Addresses.Market#STATUS} for what a request's body may ask. */
  private JsonObject status(Message<Object> request) {
    JsonObject bars = new JsonObject();
    for (Timeframe tf : Timeframe.values()) {
      bars.put(tf.label(), state.bars(tf).size());
    }
    OrderBook book = state.book();
    JsonObject out = new JsonObject()
        .put("symbol", state.symbol())
        .put("trades_cached", state.trades().size())
        .put("last_trade_ms", state.hasTrades() ? state.lastTradeTimeMs() : null)
        .put("late_trades", state.bars(Timeframe.M1).lateDropped())
        .put("bars", bars)
        .put("latency_us", microseconds(latencyNanos))
        .put("book", new JsonObject()
            .put("state", book.state().name().toLowerCase())
            .put("resync_reason", book.resyncReason() == null ? null : book.resyncReason().key())
            .put("bid_levels", book.bidLevels())
            .put("ask_levels", book.askLevels())
            .put("updates", book.changes())
            .put("resyncs", resyncs)
            .put("latency_us", microseconds(bookLatencyNanos)));
    if (request != null && request.body() instanceof JsonObject body) {
      if (body.getBoolean("histogram", false)) {
        out.put("latency_histogram", encoded(latencyNanos));
      }
      if (body.getBoolean("reset_latency", false)) {
        latencyNanos.reset();
        bookLatencyNanos.reset();
      }
    }
    return out;
  }

  private static String encoded(Histogram nanos) {
    ByteBuffer buffer = ByteBuffer.allocate(nanos.getNeededByteBufferCapacity());
    int length = nanos.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
  }

  private static JsonObject microseconds(Histogram nanos) {
    return new JsonObject()
        .put("count", nanos.getTotalCount())
        .put("p50", nanos.getValueAtPercentile(50) / 1000.0)
        .put("p99", nanos.getValueAtPercentile(99) / 1000.0)
        .put("p999", nanos.getValueAtPercentile(99.9) / 1000.0)
        .put("max", nanos.getMaxValue() / 1000.0);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(statusTimer);
    // The histogram is this verticle's alone: left registered, /metrics would go on showing a symbol that moved to
    // another node, and a verticle started for it again later would take over its old counts.
    registry.remove(latency);
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }
}
