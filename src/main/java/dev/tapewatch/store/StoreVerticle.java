package dev.tapewatch.store;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.agents.LabelSpec.Role;
import dev.tapewatch.config.StoreSettings;
import dev.tapewatch.store.FindingQuery.Kept;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DB verticle. Subscribes to the findings stream and writes every finding to PostgreSQL in batches, in order,
 * with posture changes upserted into position_state in the same transaction. While the database is down or a write
 * fails, findings wait in a bounded in-memory buffer ({@code RECENT_FINDINGS}) and are retried with backoff; the
 * insert is idempotent on the finding's id, so an ambiguous failure never doubles a row. A full buffer drops its
 * oldest finding and counts it. Without {@code DATABASE_URL} the last {@code RECENT_FINDINGS} findings are kept in
 * memory and served from there.
 */
public final class StoreVerticle extends VerticleBase {
  static final int BATCH_MAX = 500;
  static final long QUERY_TIMEOUT_MS = 2000;
  static final long BACKOFF_FIRST_MS = 250;
  static final long BACKOFF_MAX_MS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(StoreVerticle.class);

  private final StoreSettings settings;
  private final int capacity;
  private final Deque<JsonObject> pending = new ArrayDeque<>();
  /** Outcomes resolved and not yet written, {@code {id, horizon, outcome}}, in the order they came. */
  private final Deque<JsonObject> pendingOutcomes = new ArrayDeque<>();
  private final FindingQuery.Recent recent;
  private final Map<String, JsonObject> positions = new LinkedHashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Pool pool;
  private boolean schemaReady;
  private boolean connected;
  private boolean flushing;
  private boolean probing;
  private long writeAttempts;
  private boolean stopping;
  private long retryTimer = -1;
  private int failedAttempts;
  private long written;
  private long dropped;
  private long writeFailures;
  private long writeBatches;
  private long writeNanos;
  private String lastError;
  private long statusTimer;

  public StoreVerticle(StoreSettings settings) {
    this.settings = settings;
    this.capacity = settings.recentFindings();
    this.recent = new FindingQuery.Recent(capacity);
  }

  @Override
  public Future<?> start() {
    settings.databaseUrl().ifPresent(url -> pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(4))
        .with(new NetClientOptions().setConnectTimeout((int) QUERY_TIMEOUT_MS))
        .connectingTo(PgConnectOptions.fromUri(url.reveal()))
        .using(vertx)
        .build());
    var bus = vertx.eventBus();
    // With a database each node writes the findings it produced, so each is written once cluster-wide; in memory
    // every node keeps every finding, so that /findings on any node shows them all.
    consumers.add(pool != null ? bus.<JsonObject>localConsumer(Addresses.FINDINGS, m -> accept(m.body()))
        : bus.<JsonObject>consumer(Addresses.FINDINGS, m -> accept(m.body())));
    // An outcome is resolved by the symbol's owner, which after a takeover is not the finding's maker: with a
    // database the owner's node writes it; in memory every node keeps it, as it keeps every finding.
    consumers.add(pool != null ? bus.<JsonObject>localConsumer(Addresses.FINDING_OUTCOMES, m -> outcome(m.body()))
        : bus.<JsonObject>consumer(Addresses.FINDING_OUTCOMES, m -> outcome(m.body())));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_OUTCOMES_PENDING, this::owed));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_FINDINGS_QUERY, this::query));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_FINDINGS_SCORED, this::scored));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_POSITIONS, this::positions));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_DB_HEALTH, this::dbHealth));
    statusTimer = vertx.setPeriodic(Addresses.STATUS_PERIOD_MS, id -> {
      probe();
      publishStatus();
    });
    Future<?> registered = Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    if (pool == null) {
      LOG.info("no DATABASE_URL: findings are kept in memory (last " + capacity + ")");
      return registered;
    }
    // A database that is down at start is not fatal: the flush loop migrates once it answers.
    return registered.compose(v -> migrate().recover(e -> {
      noteFailure(e);
      return Future.succeededFuture();
    }));
  }

  private void accept(JsonObject finding) {
    recent.add(finding);
    if (pool == null) {
      applyPosture(finding);
      return;
    }
    buffer(pending, finding, "findings");
    flush();
  }

  /** A posture change is its agent's new position_state row, written with the finding. */
  private static boolean isPostureChange(JsonObject finding) {
    return AgentCatalog.label(finding.getString("agent"), finding.getString("label"))
        .filter(l -> l.role() == Role.POSTURE_CHANGE).isPresent();
  }

  private void applyPosture(JsonObject finding) {
    if (isPostureChange(finding)) {
      JsonObject d = finding.getJsonObject("details");
      positions.put(finding.getString("symbol"), new JsonObject()
          .put("symbol", finding.getString("symbol"))
          .put("status", d.getString("status"))
          .put("qty", d.getDouble("qty"))
          .put("avg_price", d.getDouble("avg_price"))
          .put("updated_at", finding.getString("ts_utc"))
          .put("last_action", d.getString("last_action"))
          .put("last_conf", d.getDouble("last_conf")));
    }
  }

  private Future<Void> migrate() {
    return pool.withTransaction(conn -> conn.query(Queries.MIGRATION_LOCK).execute()
            .compose(v -> conn.query(Queries.CREATE_MIGRATIONS_TABLE).execute())
            .compose(v -> conn.query(Queries.APPLIED_VERSIONS).execute())
            .compose(rows -> {
              Set<Integer> applied = new HashSet<>();
              rows.forEach(r -> applied.add(r.getInteger(0)));
              Future<Void> chain = Future.succeededFuture();
              for (int i = 0; i < Queries.MIGRATIONS.size(); i++) {
                int version = i + 1;
                if (!applied.contains(version)) {
                  List<String> statements = Queries.MIGRATIONS.get(i);
                  chain = chain.compose(v -> runAll(conn, statements))
                      .compose(v -> conn.preparedQuery(Queries.RECORD_VERSION).execute(Tuple.of(version)))
                      .mapEmpty();
                }
              }
              return chain;
            }))
        .onSuccess(v -> {
          schemaReady = true;
          connected = true;
        });
  }

  private static Future<Void> runAll(SqlConnection conn, List<String> statements) {
    Future<Void> chain = Future.succeededFuture();
    for (String sql : statements) {
      chain = chain.compose(v -> conn.query(sql).execute().mapEmpty());
    }
    return chain;
  }

  /** Waits {@code item} for the database; a full buffer drops its oldest, counted and logged, never silently. */
  private void buffer(Deque<JsonObject> buffer, JsonObject item, String what) {
    if (buffer.size() >= capacity) {
      JsonObject oldest = buffer.removeFirst();
      dropped++;
      LOG.atWarn().addKeyValue("dropped", dropped).addKeyValue("finding_id", oldest.getString("id"))
          .log(what + " buffer full (" + capacity + "): dropped the oldest");
    }
    buffer.addLast(item);
  }

  /**
   * Puts a resolved outcome on its finding: the kept copy at once (an unwritten finding is then inserted with it),
   * the table's row with the next write, after the inserts that write makes.
   */
  private void outcome(JsonObject resolved) {
    JsonObject kept = recent.byId(resolved.getString("id"));
    String horizon = resolved.getString("horizon");
    if (kept != null) {
      JsonObject outcomes = kept.getJsonObject("outcomes");
      if (outcomes == null) {
        outcomes = new JsonObject();
        kept.put("outcomes", outcomes);
      }
      // The first resolution stands: after a takeover the new owner may miss what the old one priced.
      if (outcomes.getValue(horizon) == null) {
        outcomes.put(horizon, resolved.getJsonObject("outcome"));
      }
    }
    if (pool != null) {
      buffer(pendingOutcomes, resolved, "outcomes");
      flush();
    }
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
    Future<Void> fromTable = pool == null ? Future.succeededFuture()
        : withTimeout(pool.preparedQuery(Queries.SELECT_OWED).execute(Tuple.of(symbol, since.atOffset(ZoneOffset.UTC))))
            .map(rows -> {
              rows.forEach(r -> byId.putIfAbsent(r.getUUID("id").toString(), keptOf(r).finding()));
              return (Void) null;
            });
    fromTable.onFailure(e -> LOG.atWarn().addKeyValue("symbol", symbol)
            .log("outcomes owed before this start not read from the database: " + e.getMessage()))
        .otherwiseEmpty().onComplete(done -> {
      JsonArray owed = new JsonArray();
      byId.values().forEach(f -> {
        JsonObject outcomes = f.getJsonObject("outcomes");
        if (outcomes == null) {
          return;
        }
        List<String> open = outcomes.fieldNames().stream().filter(h -> outcomes.getValue(h) == null).toList();
        if (!open.isEmpty()) {
          owed.add(new JsonObject().put("id", f.getString("id")).put("agent", f.getString("agent"))
              .put("ts_utc", f.getString("ts_utc")).put("ref_price", f.getDouble("ref_price"))
              .put("direction", AgentCatalog.direction(f.getString("agent"), f.getString("label"),
                  f.getDouble("score", 0.0))).put("horizons", new JsonArray(open)));
        }
      });
      request.reply(new JsonObject().put("pending", owed));
    });
  }

  /** Writes the oldest buffered findings; on failure retries later with backoff, on success goes on. */
  private void flush() {
    if (stopping || flushing || retryTimer >= 0 || pending.isEmpty() && pendingOutcomes.isEmpty()) {
      return;
    }
    flushing = true;
    writeOldest().onComplete(ar -> {
      flushing = false;
      if (ar.succeeded()) {
        flush();
      } else {
        long delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS << Math.min(failedAttempts, 10));
        failedAttempts++;
        retryTimer = vertx.setTimer(delay, id -> {
          retryTimer = -1;
          flush();
        });
      }
    });
  }

  /** Writes the oldest buffered findings (up to a batch) and takes them out of the buffer once written. */
  private Future<Void> writeOldest() {
    writeAttempts++;
    List<JsonObject> batch = pending.stream().limit(BATCH_MAX).toList();
    List<JsonObject> outcomes = pendingOutcomes.stream().limit(BATCH_MAX).toList();
    Future<Void> ready = schemaReady ? Future.succeededFuture() : migrate();
    return ready.compose(v -> write(batch, outcomes))
        .onSuccess(v -> {
          // A full buffer may have dropped some of the batch's oldest meanwhile: remove by id, not by count.
          Set<String> ids = new HashSet<>();
          batch.forEach(f -> ids.add(f.getString("id")));
          while (!pending.isEmpty() && ids.contains(pending.peekFirst().getString("id"))) {
            pending.removeFirst();
          }
          for (int i = 0; i < outcomes.size(); i++) {
            pendingOutcomes.removeFirst();
          }
          written += batch.size();
          connected = true;
          failedAttempts = 0;
        })
        .onFailure(this::noteFailure);
  }

  /**
   * With nothing to write, no write would notice the database go down or come back: then a ping every second keeps
   * {@code connected} (and /health) true to the database.
   */
  private void probe() {
    if (pool == null || probing || flushing || stopping || !pending.isEmpty()) {
      return;
    }
    probing = true;
    long writesBefore = writeAttempts;
    withTimeout(schemaReady ? pool.query(Queries.PING).execute().<Void>mapEmpty() : migrate())
        .onComplete(done -> {
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
      LOG.warn("database unavailable, findings kept in memory: " + e.getMessage());
    }
    connected = false;
    lastError = String.valueOf(e.getMessage());
  }

  /** One transaction: the findings, their position_state rows, then the outcomes (whose findings may be among them). */
  private Future<Void> write(List<JsonObject> batch, List<JsonObject> outcomes) {
    List<Tuple> findings = new ArrayList<>();
    List<Tuple> postures = new ArrayList<>();
    for (JsonObject f : batch) {
      OffsetDateTime ts = Instant.parse(f.getString("ts_utc")).atOffset(ZoneOffset.UTC);
      findings.add(Tuple.of(UUID.fromString(f.getString("id")), ts, f.getString("agent"), f.getString("symbol"),
          f.getDouble("score"), f.getString("label"), f.getJsonObject("details"), f.getDouble("ref_price"),
          f.getJsonObject("outcomes")));
      if (isPostureChange(f)) {
        JsonObject d = f.getJsonObject("details");
        postures.add(Tuple.of(f.getString("symbol"), d.getString("status"), d.getDouble("qty"),
            d.getDouble("avg_price"), ts, d.getString("last_action"), d.getDouble("last_conf")));
      }
    }
    long startNanos = System.nanoTime();
    List<Tuple> resolved = outcomes.stream().map(o -> Tuple.of(UUID.fromString(o.getString("id")),
        o.getString("horizon"), o.getJsonObject("outcome"))).toList();
    return pool.<Void>withTransaction(conn -> {
      Future<?> done = findings.isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery(Queries.INSERT_FINDING).executeBatch(findings);
      if (!postures.isEmpty()) {
        done = done.compose(v -> conn.preparedQuery(Queries.UPSERT_POSITION).executeBatch(postures));
      }
      if (!resolved.isEmpty()) {
        done = done.compose(v -> conn.preparedQuery(Queries.UPDATE_OUTCOME).executeBatch(resolved));
      }
      return done.mapEmpty();
    }).onSuccess(v -> {
      writeBatches++;
      writeNanos += System.nanoTime() - startNanos;
    });
  }

  private void query(Message<JsonObject> request) {
    FindingQuery q = FindingQuery.fromJson(request.body());
    if (pool == null) {
      request.reply(answer(q.take(recent.newestFirst()), "memory"));
      return;
    }
    // The buffer is read before the SELECT: a batch that commits after the SELECT's snapshot but before its answer
    // has left the buffer by then, and would be in neither. The unwritten findings are few while the database answers.
    List<Kept> candidates = new ArrayList<>();
    pending.forEach(f -> {
      Kept k = Kept.of(f);
      if (q.matches(k)) {
        candidates.add(k);
      }
    });
    withTimeout(pool.preparedQuery(Queries.SELECT_FINDINGS).execute(Tuple.of(q.symbol(),
            q.since() == null ? null : q.since().atOffset(ZoneOffset.UTC), q.agent(), q.limit())))
        .onSuccess(rows -> {
          // The rows come newest first and at most limit.
          rows.forEach(r -> candidates.add(keptOf(r)));
          // Stable: of a finding both unwritten and already in a row (its write just committed), or heard twice, the
          // first copy is the one answered.
          candidates.sort(Kept.NEWEST_FIRST);
          request.reply(answer(q.take(candidates.iterator()), "postgres"));
        })
        .onFailure(e -> request.reply(answer(q.take(recent.newestFirst()), "memory")));
  }

  /**
   * The findings with a resolved outcome, newest first, at most {@link Addresses#SCORED_MAX}: in memory by walking
   * the kept findings; with a database from the table, merged with the unwritten findings as {@link #query} does.
   */
  private void scored(Message<JsonObject> request) {
    FindingQuery q = FindingQuery.fromJson(request.body().copy().put("limit", Addresses.SCORED_MAX + 1));
    if (pool == null) {
      request.reply(scoredAnswer(q, recent.newestFirst(), "memory"));
      return;
    }
    // Read before the SELECT, as in query(): a batch committing meanwhile is then in one or the other.
    List<Kept> candidates = new ArrayList<>();
    pending.forEach(f -> candidates.add(Kept.of(f)));
    withTimeout(pool.preparedQuery(Queries.SELECT_SCORED).execute(Tuple.of(q.symbol(),
            q.since() == null ? null : q.since().atOffset(ZoneOffset.UTC), q.agent(), q.limit())))
        .onSuccess(rows -> {
          rows.forEach(r -> candidates.add(keptOf(r)));
          candidates.sort(Kept.NEWEST_FIRST);
          request.reply(scoredAnswer(q, candidates.iterator(), "postgres"));
        })
        .onFailure(e -> request.reply(scoredAnswer(q, recent.newestFirst(), "memory")));
  }

  /** {@code {findings, source, truncated}} of the scored findings of {@code newestFirst} that match. */
  private static JsonObject scoredAnswer(FindingQuery q, Iterator<Kept> newestFirst, String source) {
    Iterator<Kept> scored = new Iterator<>() {
      private Kept next = advance();

      private Kept advance() {
        while (newestFirst.hasNext()) {
          Kept k = newestFirst.next();
          if (q.since() != null && k.ts().isBefore(q.since())) {
            return null;
          }
          if (hasResolvedOutcome(k.finding())) {
            return k;
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Kept next() {
        Kept k = next;
        next = advance();
        return k;
      }
    };
    List<JsonObject> found = q.take(scored);
    boolean truncated = found.size() > Addresses.SCORED_MAX;
    JsonObject answer = answer(truncated ? found.subList(0, Addresses.SCORED_MAX) : found, source);
    return answer.put("truncated", truncated);
  }

  /** At least one horizon resolved with a return (not pending, not missed). */
  static boolean hasResolvedOutcome(JsonObject finding) {
    JsonObject outcomes = finding.getJsonObject("outcomes");
    return outcomes != null && outcomes.stream().anyMatch(e -> e.getValue() instanceof JsonObject o
        && o.getValue("ret_bps") instanceof Number);
  }

  /** {@code {findings: [...], source}}. */
  private static JsonObject answer(List<JsonObject> findings, String source) {
    return new JsonObject().put("findings", new JsonArray(findings)).put("source", source);
  }

  private static Kept keptOf(Row r) {
    Instant ts = r.getOffsetDateTime("ts_utc").toInstant();
    String id = r.getUUID("id").toString();
    return new Kept(ts, id, new JsonObject()
        .put("id", id)
        .put("ts_utc", ts.toString())
        .put("agent", r.getString("agent"))
        .put("symbol", r.getString("symbol"))
        .put("score", r.getDouble("score"))
        .put("label", r.getString("label"))
        .put("details", r.getJsonObject("details"))
        .put("ref_price", r.getDouble("ref_price"))
        .put("outcomes", r.getJsonObject("outcomes")));
  }

  private void positions(Message<JsonObject> request) {
    if (pool == null) {
      request.reply(new JsonObject().put("positions", new JsonArray(new ArrayList<>(positions.values()))));
      return;
    }
    withTimeout(pool.query(Queries.SELECT_POSITIONS).execute())
        .onSuccess(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject()
              .put("symbol", r.getString("symbol"))
              .put("status", r.getString("status"))
              .put("qty", r.getDouble("qty"))
              .put("avg_price", r.getDouble("avg_price"))
              .put("updated_at", r.getOffsetDateTime("updated_at").toInstant().toString())
              .put("last_action", r.getString("last_action"))
              .put("last_conf", r.getDouble("last_conf"))));
          request.reply(new JsonObject().put("positions", out));
        })
        .onFailure(e -> request.fail(503, "position_state not readable: " + e.getMessage()));
  }

  private void dbHealth(Message<JsonObject> request) {
    if (pool == null) {
      request.reply(new JsonObject().put("ok", false)
          .put("error", "DATABASE_URL is not set: findings are kept in memory"));
      return;
    }
    withTimeout(pool.query(Queries.PING).execute())
        .onSuccess(v -> request.reply(new JsonObject().put("ok", true)))
        .onFailure(e -> request.reply(new JsonObject().put("ok", false).put("error", String.valueOf(e.getMessage()))));
  }

  /** The same future, failed if it has not completed within {@value #QUERY_TIMEOUT_MS} ms. */
  private <T> Future<T> withTimeout(Future<T> f) {
    Promise<T> p = Promise.promise();
    long timer = vertx.setTimer(QUERY_TIMEOUT_MS,
        id -> p.tryFail("database did not answer within " + QUERY_TIMEOUT_MS + " ms"));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }

  /**
   * {@code {mode: postgres|memory, connected, schema_ready, buffered, dropped, written, write_failures, write_batches,
   * write_seconds (summed over successful batch writes), last_error, kept_in_memory}}.
   */
  private void publishStatus() {
    vertx.eventBus().publish(Addresses.STORE_STATUS, new JsonObject()
        .put("mode", pool == null ? "memory" : "postgres")
        .put("connected", pool != null && connected)
        .put("schema_ready", schemaReady)
        .put("buffered", pending.size())
        .put("dropped", dropped)
        .put("written", written)
        .put("write_failures", writeFailures)
        .put("write_batches", writeBatches)
        .put("write_seconds", writeNanos / 1e9)
        .put("last_error", lastError)
        .put("kept_in_memory", recent.size()));
  }

  /**
   * Writes what is still buffered before the pool closes, retrying for at most SHUTDOWN_GRACE_SEC; whatever is left
   * then is logged with its count, never dropped in silence.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(statusTimer);
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    Future<?> unregistered = Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
    if (pool == null) {
      return unregistered;
    }
    long deadlineNanos = System.nanoTime() + settings.shutdownGraceSec() * 1_000_000_000L;
    return unregistered.compose(v -> drain(deadlineNanos)).eventually(() -> pool.close());
  }

  private Future<Void> drain(long deadlineNanos) {
    if (pending.isEmpty() && pendingOutcomes.isEmpty()) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() > deadlineNanos) {
      LOG.atError().addKeyValue("unwritten", pending.size()).addKeyValue("unwritten_outcomes", pendingOutcomes.size())
          .log("shutdown grace over: findings and outcomes were not written");
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
