package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.NodeShare;
import dev.tapewatch.config.AgentSettings.AgentClock;
import dev.tapewatch.market.MarketSnapshot;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Agent} for every symbol on its own timer, which reschedules itself after each run so runs never
 * overlap. Each run asks every symbol verticle for its snapshot, evaluates, and publishes the findings on
 * {@link Addresses#FINDINGS}. An error or a timeout for one symbol is recorded and does not stop the others or the
 * next run. Also answers run-now requests.
 */
public final class AgentVerticle extends VerticleBase {
  static final long SNAPSHOT_TIMEOUT_MS = 2000;
  static final int BATCH_SYMBOLS = 50;
  /** How far back an agent taking up a symbol looks for its own findings: beyond every cooldown and window. */
  static final long RECALL_HOURS = 24;
  static final int RECALL_LIMIT = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);

  private final AgentCatalog.Entry entry;
  private final AgentStatus status;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** The symbols of this node's share. */
  private final Set<String> share = new LinkedHashSet<>();
  /**
   * Those taken up, each with its run-now consumer: the timer runs them. A symbol is taken up once its earlier
   * findings and posture are back, so that neither a run nor a run-now acts on a state not yet restored.
   */
  private final Map<String, MessageConsumer<JsonObject>> ready = new LinkedHashMap<>();
  private final List<String> initialSymbols;
  private final AgentClock clock;
  private boolean feedConnected;
  /** On the tape clock, the tape time of the last run: what a run-now takes for now. */
  private long lastTickMs = -1;
  private boolean stopping;
  private long timer = -1;

  /**
   * Runs the agent for {@code initialSymbols} (every configured symbol on a single node; none in cluster mode) and
   * for whatever this node's share becomes ({@link Addresses#NODE_SYMBOLS}).
   */
  public AgentVerticle(AgentCatalog.Entry entry, List<String> initialSymbols, AgentClock clock) {
    this.entry = entry;
    this.initialSymbols = initialSymbols;
    this.clock = clock;
    this.status = new AgentStatus(entry.name(), entry.intervalSec(), entry.disabledBy());
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    consumers.add(bus.<JsonObject>localConsumer(Addresses.FEED_STATUS,
        m -> feedConnected = m.body().getBoolean("connected", false)));
    consumers.add(NodeShare.follow(bus, this::follow));
    if (clock == AgentClock.TAPE) {
      consumers.add(bus.<JsonObject>localConsumer(Addresses.agentTick(entry.name()), m -> {
        lastTickMs = m.body().getLong("t_ms");
        runAll(null, true, lastTickMs).onComplete(done -> m.reply(new JsonObject()));
      }));
    }
    Future<?> ready = Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> follow(initialSymbols));
    return ready.onSuccess(v -> {
      publishStatus();
      if (entry.enabled() && clock == AgentClock.WALL) {
        schedule();
      }
    });
  }

  /**
   * Takes up the symbols new to this node (a trend agent reloads their posture from position_state, since another
   * node may have moved it) and lets go of the others.
   */
  private Future<?> follow(List<String> symbols) {
    List<String> added = symbols.stream().filter(s -> !share.contains(s)).toList();
    List<Future<?>> changes = new ArrayList<>();
    for (String gone : List.copyOf(share)) {
      if (!symbols.contains(gone)) {
        share.remove(gone);
        MessageConsumer<JsonObject> c = ready.remove(gone);
        if (c != null) {
          changes.add(c.unregister());
        }
        // Taken up again later, the symbol's state is rebuilt from the store, not from what this node last saw.
        entry.agent().forget(gone);
      }
    }
    share.addAll(added);
    Future<?> done = Future.join(changes);
    if (added.isEmpty()) {
      return done;
    }
    // On the tape clock the tape is the whole history: findings and postures of another run (an earlier replay, the
    // live service) would make two replays of one tape differ.
    if (entry.agent().remembers() && clock == AgentClock.WALL) {
      done = done.compose(v -> recall(added));
    }
    if (entry.agent().descriptor().keepsPosture() && clock == AgentClock.WALL) {
      done = done.compose(v -> restorePostures(added));
    }
    return done.compose(v -> Future.join(added.stream().filter(s -> share.contains(s) && !ready.containsKey(s))
        .map(s -> {
          MessageConsumer<JsonObject> c = vertx.eventBus().consumer(Addresses.agentRunNow(entry.name(), s),
              m -> runNow(s, m));
          ready.put(s, c);
          return c.completion();
        }).toList()));
  }

  /** Hands the agent its recent findings on {@code which}, oldest first; a store that cannot answer is logged. */
  private Future<Void> recall(List<String> which) {
    // One symbol (a takeover announces them one by one) is a narrow query; several, one query for the agent.
    JsonObject query = new JsonObject().put("agent", entry.name()).put("limit", RECALL_LIMIT)
        .put("since", Instant.now().minus(RECALL_HOURS, ChronoUnit.HOURS).toString())
        .put("symbol", which.size() == 1 ? which.get(0) : null);
    return vertx.eventBus().<JsonObject>request(Addresses.STORE_FINDINGS_QUERY, query,
            new DeliveryOptions().setSendTimeout(10_000))
        .map(reply -> {
          List<Finding> earlier = new ArrayList<>();
          for (Object o : reply.body().getJsonArray("findings")) {
            Finding f = Finding.fromJson((JsonObject) o);
            if (which.contains(f.symbol())) {
              earlier.add(f);
            }
          }
          earlier.sort(Comparator.comparing(Finding::tsUtc));
          earlier.forEach(entry.agent()::recall);
          return (Void) null;
        })
        .otherwise(e -> {
          LOG.atWarn().addKeyValue("agent", entry.name())
              .log("earlier findings of " + which + " not recalled, cooldowns start afresh: " + e.getMessage());
          return null;
        });
  }

  /** Reloads open positions; a store that cannot answer leaves the symbols flat, which the log says. */
  private Future<Void> restorePostures(List<String> which) {
    return vertx.eventBus().<JsonObject>request(Addresses.STORE_POSITIONS, new JsonObject(),
            new DeliveryOptions().setSendTimeout(10_000))
        .map(reply -> {
          for (Object o : reply.body().getJsonArray("positions")) {
            JsonObject p = (JsonObject) o;
            if (which.contains(p.getString("symbol"))) {
              entry.agent().restorePosture(p.getString("symbol"), p.getString("status"), p.getDouble("avg_price", 0.0),
                  Instant.parse(p.getString("updated_at")));
            }
          }
          return (Void) null;
        })
        .otherwise(e -> {
          LOG.warn("posture of " + which + " not restored, starting flat: " + e.getMessage());
          return null;
        });
  }

  private void schedule() {
    timer = vertx.setTimer(entry.intervalSec() * 1000L,
        id -> runAll(null, true, System.currentTimeMillis()).onComplete(done -> {
          if (!stopping) {
            schedule();
          }
        }));
  }

  private void runNow(String symbol, Message<JsonObject> request) {
    boolean insert = request.body().getBoolean("insert", true);
    if (!entry.enabled()) {
      refuse(request, symbol, "disabled (" + entry.disabledBy() + ")");
      return;
    }
    if (clock == AgentClock.TAPE && lastTickMs < 0) {
      refuse(request, symbol, "no tape time yet: the replay has not reached this agent's first run");
      return;
    }
    long nowMs = clock == AgentClock.TAPE ? lastTickMs : System.currentTimeMillis();
    runAll(symbol, insert, nowMs).onSuccess(results -> request.reply(new JsonObject().put("results", results)));
  }

  private void refuse(Message<JsonObject> request, String symbol, String why) {
    request.reply(new JsonObject().put("results", new JsonArray().add(new JsonObject().put("agent", entry.name())
        .put("symbol", symbol).put("error", why))));
  }

  /**
   * One run over {@code onlySymbol} (or every symbol when null). With {@code commit} false nothing is published
   * and the agent's state is untouched. Never fails: errors become result entries.
   */
  private Future<JsonArray> runAll(String onlySymbol, boolean commit, long nowMs) {
    long startNanos = System.nanoTime();
    List<String> symbols = onlySymbol == null ? List.copyOf(ready.keySet()) : List.of(onlySymbol);
    List<Future<JsonArray>> perSymbol = new ArrayList<>();
    return inBatches(symbols, 0, commit, nowMs, perSymbol).compose(v -> Future.join(perSymbol)).map(done -> {
      JsonArray results = new JsonArray();
      perSymbol.forEach(f -> results.addAll(f.result()));
      int found = 0;
      String error = null;
      for (Object o : results) {
        JsonObject r = (JsonObject) o;
        found += r.containsKey("finding") ? 1 : 0;
        if (r.containsKey("error")) {
          error = r.getString("symbol") + ": " + r.getString("error");
        }
      }
      long durationMs = (System.nanoTime() - startNanos) / 1_000_000;
      status.heartbeat(Instant.now().truncatedTo(ChronoUnit.MILLIS), durationMs, symbols.size(),
          commit ? found : 0, error);
      LOG.atDebug().addKeyValue("agent", entry.name()).addKeyValue("duration_ms", durationMs)
          .addKeyValue("findings", found).log("agent run");
      publishStatus();
      return results;
    });
  }

  /**
   * Evaluates the symbols from {@code from} on, {@value #BATCH_SYMBOLS} at a time, each batch once the one before
   * has its snapshots, and adds each symbol's announcement, in symbol order, to {@code perSymbol}: over a whole
   * market a run asks a bounded number of symbol verticles at once, so their snapshots never queue up behind each
   * other on the event loops, while the findings of one batch are made durable as the next is evaluated.
   */
  private Future<Void> inBatches(List<String> symbols, int from, boolean commit, long nowMs,
      List<Future<JsonArray>> perSymbol) {
    if (from >= symbols.size()) {
      return Future.succeededFuture();
    }
    List<Future<Future<JsonArray>>> batch = symbols.subList(from, Math.min(symbols.size(), from + BATCH_SYMBOLS))
        .stream().map(symbol -> evaluate(symbol, commit, nowMs)).toList();
    return Future.join(batch).compose(done -> {
      batch.forEach(f -> perSymbol.add(f.result()));
      return inBatches(symbols, from + BATCH_SYMBOLS, commit, nowMs, perSymbol);
    });
  }

  /**
   * The agent's evaluation of {@code symbol} on its snapshot; what it gives is the announcement of the findings, which
   * gives the symbol's result entries. Neither fails: an error becomes the symbol's entry.
   */
  private Future<Future<JsonArray>> evaluate(String symbol, boolean commit, long nowMs) {
    JsonObject base = new JsonObject().put("agent", entry.name()).put("symbol", symbol);
    return vertx.eventBus().<JsonObject>request(Addresses.Market.SNAPSHOT.of(symbol), null,
            new DeliveryOptions().setSendTimeout(SNAPSHOT_TIMEOUT_MS))
        .map(reply -> {
          // On the tape clock the tape is the feed: it is connected while it drives the runs.
          AgentInput input = new AgentInput(MarketSnapshot.fromJson(reply.body()), nowMs,
              clock == AgentClock.TAPE || feedConnected);
          return announce(base, entry.agent().evaluate(input, commit), commit);
        })
        .otherwise(e -> Future.succeededFuture(failed(base, e)));
  }

  /** Announces a symbol's findings one after another, in the order the agent made them. */
  private Future<JsonArray> announce(JsonObject base, List<Finding> findings, boolean commit) {
    JsonArray out = new JsonArray();
    Future<?> announced = Future.succeededFuture();
    for (Finding f : findings) {
      announced = announced.compose(v -> FindingAnnouncer.announce(vertx, f, commit)).onSuccess(json -> {
        if (commit) {
          // A reading comes every run: worth a line only when asked for.
          (isReading(f) ? LOG.atDebug() : LOG.atInfo())
              .addKeyValue("agent", f.agent()).addKeyValue("symbol", f.symbol())
              .addKeyValue("finding_id", f.id()).addKeyValue("label", f.label())
              .addKeyValue("score", f.score()).log("finding");
        }
        out.add(base.copy().put("finding", json));
      });
    }
    return announced.map(v -> out.isEmpty() ? new JsonArray().add(base) : out).otherwise(e -> failed(base, e));
  }

  private JsonArray failed(JsonObject base, Throwable e) {
    LOG.atWarn().addKeyValue("agent", entry.name()).addKeyValue("symbol", base.getString("symbol"))
        .log("agent run failed: " + e.getMessage());
    return new JsonArray().add(base.copy().put("error", String.valueOf(e.getMessage())));
  }

  private boolean isReading(Finding f) {
    return entry.agent().descriptor().label(f.label()).filter(l -> l.role() == LabelSpec.Role.READING).isPresent();
  }

  private void publishStatus() {
    JsonObject json = status.toJson();
    JsonObject extras = entry.agent().statusExtras(System.currentTimeMillis());
    vertx.eventBus().publish(Addresses.AGENTS_STATUS, extras == null ? json : json.mergeIn(extras));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    List<MessageConsumer<?>> all = new ArrayList<>(consumers);
    all.addAll(ready.values());
    return Future.all(all.stream().map(MessageConsumer::unregister).toList());
  }
}
