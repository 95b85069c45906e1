package dev.tapewatch.store;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.StoreSettings;
import dev.tapewatch.scorecard.ScoredFinding;
import dev.tapewatch.scorecard.ScoredFindings;
import dev.tapewatch.config.StoreSettings.Kind;
import dev.tapewatch.store.FindingQuery.Kept;
import dev.tapewatch.tape.MinuteBar;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the outbox and the write path. A finding (with the position change it may carry), an outcome or a closed
 * bar is appended to the outbox in DATA_DIR and forced to disk before the request that brought it is answered, so
 * whatever is announced after that answer survives a crash; appends that arrive while a force is under way share
 * the next one. The outbox is then fed to the store (PostgreSQL or the embedded SQLite database) in order, a batch
 * at a time, and each entry leaves it once the store has it; while the store is down they wait there, and at start
 * whatever a previous run left is sent first. With {@code STORE=memory} there is no outbox and nothing outlives the
 * process.
 *
 * <p>Reads go to the store, merged with what is announced but not yet written, or, while it does not answer, to
 * the newest findings kept in memory ({@code RECENT_FINDINGS}).
 */
public final class StoreVerticle extends VerticleBase {
  static final int BATCH_MAX = 500;
  static final long BACKOFF_FIRST_MS = 250;
  static final long BACKOFF_MAX_MS = 10_000;
  static final long RETENTION_PERIOD_MS = 600_000;
  static final int PRUNE_BATCH = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(StoreVerticle.class);

  private final StoreSettings settings;
  private final FindingQuery.Recent recent;
  /** Findings appended by this run and not yet in the store, oldest first: what a read adds to the store's answer. */
  private final Deque<Unwritten> unwritten = new ArrayDeque<>();
  /** Position changes appended by this run and not yet in the store. */
  private final Map<String, Position> unwrittenPositions = new LinkedHashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** Appends waiting for the next force, each with the request to answer once it is durable. */
  private List<Append> appendQueue = new ArrayList<>();
  private Database db;
  private Outbox outbox;
  private boolean appending;
  private boolean schemaReady;
  private boolean connected;
  private boolean writing;
  private boolean probing;
  private long writeAttempts;
  private boolean stopping;
  private long retryTimer = -1;
  private int failedAttempts;
  private long written;
  private long writeFailures;
  private long writeBatches;
  private long writeNanos;
  private String lastError;
  private long statusTimer;
  private long retentionTimer;

  private record Unwritten(long seq, Kept kept) {
  }

  private static final Comparator<ScoredFinding> SCORED_NEWEST_FIRST =
      FindingQuery.newestFirst(ScoredFinding::ts, ScoredFinding::id);

  /** One entry for the outbox: {@code {finding}}, {@code {outcome}} or {@code {bar}}. */
  private record Append(JsonObject entry, Promise<Long> durable) {
  }

  public StoreVerticle(StoreSettings settings) {
    this.settings = settings;
    this.recent = new FindingQuery.Recent(settings.recentFindings());
  }

  @Override
  public Future<?> start() {
    db = switch (settings.kind()) {
      case POSTGRES -> new PgDatabase(vertx, settings.databaseUrl().orElseThrow());
      case SQLITE -> new SqliteDatabase(vertx, settings.dataDir());
      case MEMORY -> new MemoryDatabase(recent);
    };
    EventBus bus = vertx.eventBus();
    boolean memory = settings.kind() == Kind.MEMORY;
    // In memory every node keeps every finding and outcome, so that /findings on any node shows them all; with a
    // store each node writes what it announced, so each is written once cluster-wide.
    consumers.add(memory ? bus.<JsonObject>consumer(Addresses.FINDINGS, m -> heard(m.body()))
        : bus.<JsonObject>localConsumer(Addresses.FINDINGS, m -> heard(m.body())));
    if (memory) {
      consumers.add(bus.<JsonObject>consumer(Addresses.FINDING_OUTCOMES, m -> recent.resolve(m.body())));
    }
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_FINDINGS_APPEND,
        m -> answerDurable(m, memory ? null : new JsonObject().put("finding", m.body()))));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_OUTCOMES_APPEND,
        m -> answerDurable(m, memory ? null : new JsonObject().put("outcome", m.body()))));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_BARS_APPEND, m -> barClosed(m.body())));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_BARS_RECENT, this::recentBars));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_OUTCOMES_PENDING, this::owed));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_FINDINGS_QUERY, this::query));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_FINDINGS_SCORED, this::scored));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_POSITIONS, this::positions));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_DB_HEALTH, this::dbHealth));
    statusTimer = vertx.setPeriodic(Addresses.STATUS_PERIOD_MS, id -> {
      probe();
      publishStatus();
    });
    retentionTimer = vertx.setPeriodic(RETENTION_PERIOD_MS, id -> prune());
    Future<?> registered = Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    if (memory) {
      LOG.info("STORE=memory: findings are kept in memory (last " + settings.recentFindings()
          + ") and forgotten when the process stops");
      return registered;
    }
    return registered.compose(v -> openOutbox())
        // A database that is down at start is not fatal: the write loop migrates once it answers.
        .compose(v -> migrate().recover(e -> {
          noteFailure(e);
          return Future.succeededFuture();
        }))
        .onSuccess(v -> {
          LOG.atInfo().addKeyValue("store", db.mode()).addKeyValue("data_dir", settings.dataDir().toString())
              .addKeyValue("outbox_waiting", outbox.depth()).log("store ready");
          writeLoop();
          prune();
        });
  }

  /** The outbox as opened, with what a previous run left unwritten (the first RECENT_FINDINGS of it). */
  private record Opened(Outbox outbox, List<Outbox.Entry> left) {
  }

  /** Opens the outbox and keeps what a previous run left unwritten among the findings reads can see. */
  private Future<Void> openOutbox() {
    return vertx.executeBlocking(() -> {
      Outbox box = Outbox.open(settings.dataDir().resolve("outbox"), settings.outboxMaxBytes());
      return new Opened(box, box.peek(settings.recentFindings()));
    }, true).map(opened -> {
      outbox = opened.outbox();
      for (Outbox.Entry e : opened.left()) {
        keep(e.seq(), new JsonObject(e.text()));
      }
      if (outbox.depth() > 0) {
        LOG.atInfo().addKeyValue("waiting", outbox.depth())
            .log("outbox: entries a previous run left unwritten are sent to the store first");
      }
      return null;
    });
  }

  private Future<Void> migrate() {
    return db.migrate().onSuccess(v -> {
      schemaReady = true;
      connected = true;
    });
  }

  /**
   * Answers the request once {@code entry} is in the outbox on disk ({@code {seq}}), or fails it (500) when it
   * cannot be; with no outbox (memory), at once.
   */
  private void answerDurable(Message<JsonObject> request, JsonObject entry) {
    if (entry == null) {
      request.reply(new JsonObject().putNull("seq"));
      return;
    }
    append(entry).onComplete(ar -> {
      if (ar.succeeded()) {
        request.reply(new JsonObject().put("seq", ar.result()));
      } else {
        request.fail(500, "not made durable: " + ar.cause().getMessage());
      }
    });
  }

  /**
   * A finding published without going through the outbox (in memory mode, every one; otherwise one another part
   * published on its own) is kept all the same.
   */
  private void heard(JsonObject finding) {
    if (recent.contains(finding.getString("id"))) {
      return;
    }
    if (settings.kind() == Kind.MEMORY) {
      recent.add(finding);
      Position.of(finding).ifPresent(p -> db.positions().upsert(List.of(p)));
      return;
    }
    append(new JsonObject().put("finding", finding));
  }

  private void barClosed(JsonObject bar) {
    if (settings.kind() == Kind.MEMORY) {
      db.bars().insert(List.of(MinuteBar.fromJson(bar)));
    } else {
      append(new JsonObject().put("bar", bar));
    }
  }

  /** Queues an entry for the outbox; the future completes with its sequence number once it is on disk. */
  private Future<Long> append(JsonObject entry) {
    if (stopping) {
      return Future.failedFuture("the store is stopping");
    }
    Promise<Long> durable = Promise.promise();
    appendQueue.add(new Append(entry, durable));
    forceQueued();
    return durable.future();
  }

  /** Writes and forces everything queued in one go; what arrives meanwhile waits for the next. */
  private void forceQueued() {
    if (appending || appendQueue.isEmpty() || outbox == null) {
      return;
    }
    appending = true;
    List<Append> batch = appendQueue;
    appendQueue = new ArrayList<>();
    List<byte[]> payloads = batch.stream().map(a -> a.entry().encode().getBytes(StandardCharsets.UTF_8)).toList();
    long now = System.currentTimeMillis();
    vertx.executeBlocking(() -> outbox.append(payloads, now), true).onComplete(ar -> {
      appending = false;
      if (ar.succeeded()) {
        long seq = ar.result() - batch.size();
        for (Append a : batch) {
          keep(++seq, a.entry());
          a.durable().complete(seq);
        }
        writeLoop();
      } else {
        LOG.atError().addKeyValue("entries", batch.size())
            .log("outbox: entries could not be made durable: " + ar.cause().getMessage());
        batch.forEach(a -> a.durable().fail(ar.cause()));
      }
      forceQueued();
    });
  }

  /** What an outbox entry changes in the reads before the store has it. */
  private void keep(long seq, JsonObject entry) {
    JsonObject finding = entry.getJsonObject("finding");
    if (finding != null) {
      Kept k = Kept.of(finding);
      recent.add(finding);
      unwritten.addLast(new Unwritten(seq, k));
      while (unwritten.size() > settings.recentFindings()) {
        unwritten.removeFirst();
      }
      Position.of(finding).ifPresent(p -> unwrittenPositions.merge(p.symbol(), p,
          (old, now) -> old.updatedAt().isAfter(now.updatedAt()) ? old : now));
    }
    JsonObject outcome = entry.getJsonObject("outcome");
    if (outcome != null) {
      recent.resolve(outcome);
    }
  }

  /** Feeds the outbox to the store, a batch at a time; on failure retries later with backoff. */
  private void writeLoop() {
    if (stopping || writing || retryTimer >= 0 || outbox == null || outbox.depth() == 0) {
      return;
    }
    writing = true;
    writeOldest().onComplete(ar -> {
      writing = false;
      if (ar.succeeded()) {
        writeLoop();
      } else {
        long delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS << Math.min(failedAttempts, 10));
        failedAttempts++;
        retryTimer = vertx.setTimer(delay, id -> {
          retryTimer = -1;
          writeLoop();
        });
      }
    });
  }

  /** Writes the oldest entries of the outbox (up to a batch) and acknowledges them once the store has them. */
  private Future<Void> writeOldest() {
    writeAttempts++;
    Future<Void> ready = schemaReady ? Future.succeededFuture() : migrate();
    return ready.compose(v -> vertx.executeBlocking(() -> outbox.peek(BATCH_MAX), true))
        .compose(entries -> {
          if (entries.isEmpty()) {
            return Future.succeededFuture();
          }
          long startNanos = System.nanoTime();
          return write(entries)
              .compose(v -> vertx.executeBlocking(() -> {
                outbox.acknowledge(entries.get(entries.size() - 1).seq());
                return null;
              }, true))
              .onSuccess(v -> {
                long last = entries.get(entries.size() - 1).seq();
                while (!unwritten.isEmpty() && unwritten.peekFirst().seq() <= last) {
                  unwritten.removeFirst();
                }
                written += entries.size();
                writeBatches++;
                writeNanos += System.nanoTime() - startNanos;
                connected = true;
                failedAttempts = 0;
              })
              .mapEmpty();
        })
        .onFailure(this::noteFailure)
        .mapEmpty();
  }

  /** The findings, then their position changes, then the outcomes (whose findings may be among them), then bars. */
  private Future<Void> write(List<Outbox.Entry> entries) {
    List<JsonObject> findings = new ArrayList<>();
    List<Position> positions = new ArrayList<>();
    List<JsonObject> outcomes = new ArrayList<>();
    List<MinuteBar> bars = new ArrayList<>();
    for (Outbox.Entry e : entries) {
      JsonObject entry = new JsonObject(e.text());
      JsonObject finding = entry.getJsonObject("finding");
      if (finding != null) {
        findings.add(finding);
        Position.of(finding).ifPresent(positions::add);
      } else if (entry.containsKey("outcome")) {
        outcomes.add(entry.getJsonObject("outcome"));
      } else if (entry.containsKey("bar")) {
        bars.add(MinuteBar.fromJson(entry.getJsonObject("bar")));
      }
    }
    return db.findings().insert(findings)
        .compose(v -> db.positions().upsert(positions))
        .compose(v -> db.findings().resolve(outcomes))
        .compose(v -> db.bars().insert(bars))
        .onSuccess(v -> positions.forEach(p -> unwrittenPositions.remove(p.symbol(), p)));
  }

  /**
   * With nothing to write, no write would notice the store go down or come back: then a ping every second keeps
   * {@code connected} (and /health) true to it.
   */
  private void probe() {
    if (probing || writing || stopping || outbox != null && outbox.depth() > 0) {
      return;
    }
    probing = true;
    long writesBefore = writeAttempts;
    (schemaReady ? db.ping() : migrate()).onComplete(done -> {
      probing = false;
      // A write that ended meanwhile knows better than this ping.
      if (writeAttempts != writesBefore) {
        return;
      }
      if (done.succeeded()) {
        connected = true;
      } else {
        markDown(done.cause());
      }
    });
  }

  private void noteFailure(Throwable e) {
    markDown(e);
    writeFailures++;
  }

  private void markDown(Throwable e) {
    if (connected || lastError == null) {
      LOG.warn(db.mode() + " store unavailable, findings wait in the outbox: " + e.getMessage());
    }
    connected = false;
    lastError = String.valueOf(e.getMessage());
  }

  /** Deletes findings and bars older than RETENTION_DAYS, a batch at a time, each batch its own statement. */
  private void prune() {
    if (stopping || settings.kind() == Kind.MEMORY) {
      return;
    }
    Instant before = Instant.now().minus(Duration.ofDays(settings.retentionDays()));
    pruneAll(n -> db.findings().prune(before, PRUNE_BATCH), 0)
        .compose(findings -> pruneAll(n -> db.bars().prune(before.toEpochMilli(), PRUNE_BATCH), 0)
            .onSuccess(bars -> {
              if (findings + bars > 0) {
                LOG.atInfo().addKeyValue("findings", findings).addKeyValue("bars", bars)
                    .addKeyValue("retention_days", settings.retentionDays()).log("pruned");
              }
            }))
        .onFailure(e -> LOG.warn("retention: not pruned now, tried again later: " + e.getMessage()));
  }

  private Future<Integer> pruneAll(Function<Integer, Future<Integer>> batch, int total) {
    if (stopping) {
      return Future.succeededFuture(total);
    }
    return batch.apply(PRUNE_BATCH).compose(n -> n < PRUNE_BATCH ? Future.succeededFuture(total + n)
        : pruneAll(batch, total + n));
  }

  /** The findings of a symbol since a time whose outcomes are not all resolved, for its verticle to take up. */
  private void owed(Message<JsonObject> request) {
    String symbol = request.body().getString("symbol");
    Instant since = Instant.parse(request.body().getString("since"));
    Map<String, JsonObject> byId = new LinkedHashMap<>();
    for (Iterator<Kept> it = recent.newestFirst(); it.hasNext(); ) {
      Kept k = it.next();
      if (k.ts().isBefore(since)) {
        break;
      }
      if (symbol.equals(k.finding().getString("symbol"))) {
        byId.put(k.id(), k.finding());
      }
    }
    Future<Void> fromStore = settings.kind() == Kind.MEMORY ? Future.succeededFuture()
        : db.findings().owed(symbol, since).map(rows -> {
          rows.forEach(k -> byId.putIfAbsent(k.id(), k.finding()));
          return (Void) null;
        });
    fromStore.onFailure(e -> LOG.atWarn().addKeyValue("symbol", symbol)
            .log("outcomes owed before this start not read from the store: " + e.getMessage()))
        .otherwiseEmpty().onComplete(done -> {
          JsonArray owed = new JsonArray();
          byId.values().stream().filter(FindingQuery::isOwed).forEach(f -> {
            JsonObject outcomes = f.getJsonObject("outcomes");
            owed.add(new JsonObject().put("id", f.getString("id")).put("agent", f.getString("agent"))
                .put("ts_utc", f.getString("ts_utc")).put("ref_price", f.getDouble("ref_price"))
                .put("direction", AgentCatalog.direction(f.getString("agent"),
                    f.getString("label"), f.getDouble("score", 0.0)))
                .put("horizons", new JsonArray(outcomes.fieldNames().stream()
                    .filter(h -> outcomes.getValue(h) == null).toList())));
          });
          request.reply(new JsonObject().put("pending", owed));
        });
  }

  private void query(Message<JsonObject> request) {
    FindingQuery q = FindingQuery.fromJson(request.body());
    read(q, db.findings()::newest, k -> true, k -> k, Kept.NEWEST_FIRST, Kept::id)
        .onSuccess(found -> request.reply(answer(found, db.mode())))
        .onFailure(e -> {
          readFailed(e);
          request.reply(answer(q.take(recent.newestFirst()), "memory"));
        });
  }

  /**
   * The findings with a resolved outcome, newest first, at most {@link Addresses#SCORED_MAX}, {@code truncated}
   * saying whether there were more: a {@link ScoredFindings}, passed by reference (the address is this node's only),
   * since copying and reading 100,000 findings as JSON took longer than the statistics made of them.
   */
  private void scored(Message<JsonObject> request) {
    JsonArray asked = request.body().getJsonArray("horizons");
    if (asked == null) {
      request.fail(400, "horizons missing");
      return;
    }
    List<String> horizons = asked.stream().map(String::valueOf).toList();
    FindingQuery q = FindingQuery.fromJson(request.body().copy().put("limit", Addresses.SCORED_MAX + 1));
    read(q, query -> db.findings().scored(query, horizons), k -> FindingQuery.hasResolvedOutcome(k.finding()),
        k -> k.scored(horizons), SCORED_NEWEST_FIRST, ScoredFinding::id)
        .onSuccess(found -> request.reply(scoredAnswer(horizons, found, db.mode())))
        .onFailure(e -> {
          // Unlike a page of /findings, a track record made of the findings kept in memory would pass for the
          // whole one: no answer is better.
          readFailed(e);
          request.fail(503, "the " + db.mode() + " store failed to read the scored findings: " + e.getMessage());
        });
  }

  /** A read the store failed while it was thought up is worth a line; while it is known down, the status says it. */
  private void readFailed(Throwable e) {
    if (connected) {
      LOG.warn("a read from the " + db.mode() + " store failed, answered from memory: " + e.getMessage());
    }
  }

  /**
   * The store's answer to {@code q} merged with the matching findings not yet written, each as {@code row} makes
   * it. The unwritten ones are read before the store is asked: a batch written meanwhile is then in one or the
   * other, never in neither.
   */
  private <T> Future<List<T>> read(FindingQuery q, Function<FindingQuery, Future<List<T>>> fromStore,
      Predicate<Kept> wanted, Function<Kept, T> row, Comparator<T> newestFirst, Function<T, String> id) {
    List<T> candidates = new ArrayList<>();
    if (settings.kind() != Kind.MEMORY) {
      unwritten.forEach(u -> {
        if (q.matches(u.kept()) && wanted.test(u.kept())) {
          candidates.add(row.apply(u.kept()));
        }
      });
    }
    return fromStore.apply(q).map(rows -> candidates.isEmpty() ? rows
        : FindingQuery.merged(rows, candidates, newestFirst, id, q.limit()));
  }

  private static ScoredFindings scoredAnswer(List<String> horizons, List<ScoredFinding> found, String source) {
    boolean truncated = found.size() > Addresses.SCORED_MAX;
    return new ScoredFindings(horizons,
        Collections.unmodifiableList(truncated ? found.subList(0, Addresses.SCORED_MAX) : found), source, truncated);
  }

  /** {@code {findings: [...], source}}. */
  private static JsonObject answer(List<Kept> findings, String source) {
    return new JsonObject().put("findings", new JsonArray(findings.stream().map(Kept::finding).toList()))
        .put("source", source);
  }

  private void positions(Message<JsonObject> request) {
    db.positions().all()
        .onSuccess(rows -> {
          Map<String, Position> bySymbol = new LinkedHashMap<>();
          rows.forEach(p -> bySymbol.put(p.symbol(), p));
          unwrittenPositions.values().forEach(p -> bySymbol.merge(p.symbol(), p,
              (old, now) -> old.updatedAt().isAfter(now.updatedAt()) ? old : now));
          request.reply(new JsonObject().put("positions",
              new JsonArray(bySymbol.values().stream().map(Position::toJson).toList())));
        })
        .onFailure(e -> request.fail(503, "position_state not readable: " + e.getMessage()));
  }

  /** A symbol's stored minute bars since {@code since_ms}: {@code {bars: [...]}}, oldest first. */
  private void recentBars(Message<JsonObject> request) {
    db.bars().since(request.body().getString("symbol"), request.body().getLong("since_ms"))
        .onSuccess(bars -> request.reply(new JsonObject()
            .put("bars", new JsonArray(bars.stream().map(MinuteBar::toJson).toList()))))
        .onFailure(e -> request.fail(503, "bars not readable: " + e.getMessage()));
  }

  /** {@code {ok, mode, outbox?}} with {@code error} when the store does not answer. */
  private void dbHealth(Message<JsonObject> request) {
    JsonObject answer = new JsonObject().put("mode", db.mode());
    if (outbox != null) {
      answer.put("outbox", outboxStatus());
    }
    if (settings.kind() == Kind.MEMORY) {
      request.reply(answer.put("ok", false)
          .put("error", "STORE=memory: findings are kept in memory and forgotten when the process stops"));
      return;
    }
    db.ping()
        .onSuccess(v -> request.reply(answer.put("ok", true)))
        .onFailure(e -> request.reply(answer.put("ok", false).put("error", String.valueOf(e.getMessage()))));
  }

  /** {@code {depth, oldest_age_sec, bytes, dropped, torn_bytes}}; the age is null when nothing waits. */
  private JsonObject outboxStatus() {
    long oldest = outbox.oldestUnackedMs();
    return new JsonObject()
        .put("depth", outbox.depth())
        .put("oldest_age_sec", oldest < 0 ? null : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0)
        .put("bytes", outbox.bytes())
        .put("dropped", outbox.dropped())
        .put("torn_bytes", outbox.tornBytes());
  }

  /**
   * {@code {mode: postgres|sqlite|memory, connected, schema_ready, buffered (entries in the outbox), dropped,
   * written, write_failures, write_batches, write_seconds (summed over successful batch writes), last_error,
   * kept_in_memory, outbox (not in memory mode)}}.
   */
  private void publishStatus() {
    boolean memory = settings.kind() == Kind.MEMORY;
    JsonObject status = new JsonObject()
        .put("mode", db.mode())
        .put("connected", !memory && connected)
        .put("schema_ready", schemaReady)
        .put("buffered", outbox == null ? 0 : outbox.depth())
        .put("dropped", outbox == null ? 0 : outbox.dropped())
        .put("written", written)
        .put("write_failures", writeFailures)
        .put("write_batches", writeBatches)
        .put("write_seconds", writeNanos / 1e9)
        .put("last_error", lastError)
        .put("kept_in_memory", recent.size());
    if (outbox != null) {
      status.put("outbox", outboxStatus());
    }
    vertx.eventBus().publish(Addresses.STORE_STATUS, status);
  }

  /**
   * Writes what the outbox holds before the store closes, retrying for at most SHUTDOWN_GRACE_SEC; whatever is
   * left then stays in the outbox for the next start, which the log says.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(statusTimer);
    vertx.cancelTimer(retentionTimer);
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    Future<?> unregistered = Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
    if (outbox == null) {
      stopping = true;
      return unregistered.eventually(() -> db.close());
    }
    long deadlineNanos = System.nanoTime() + settings.shutdownGraceSec() * 1_000_000_000L;
    return unregistered.compose(v -> appendsDone(deadlineNanos))
        .compose(v -> {
          stopping = true;
          return drain(deadlineNanos);
        })
        .eventually(() -> vertx.executeBlocking(() -> {
          outbox.close();
          return null;
        }, true))
        .eventually(() -> db.close());
  }

  /** Lets the appends already asked for reach the disk. */
  private Future<Void> appendsDone(long deadlineNanos) {
    if ((!appending && appendQueue.isEmpty()) || System.nanoTime() > deadlineNanos) {
      return Future.succeededFuture();
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(10, id -> later.complete());
    return later.future().compose(v -> appendsDone(deadlineNanos));
  }

  private Future<Void> drain(long deadlineNanos) {
    if (writing) {
      Promise<Void> later = Promise.promise();
      vertx.setTimer(10, id -> later.complete());
      return later.future().compose(v -> drain(deadlineNanos));
    }
    if (outbox.depth() == 0) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() > deadlineNanos) {
      LOG.atWarn().addKeyValue("waiting", outbox.depth())
          .log("shutdown grace over: entries not yet in the store stay in the outbox for the next start");
      return Future.succeededFuture();
    }
    return writeOldest()
        .recover(e -> {
          Promise<Void> later = Promise.promise();
          vertx.setTimer(BACKOFF_FIRST_MS, id -> later.complete());
          return later.future();
        })
        .compose(v -> drain(deadlineNanos));
  }
}
