package dev.tapewatch.store;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.agents.LabelSpec.Role;
import dev.tapewatch.config.StoreSettings;
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
import java.util.HashMap;
import java.util.HashSet;
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
  private final Deque<JsonObject> recent = new ArrayDeque<>();
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
    consumers.add(bus.<JsonObject>localConsumer(Addresses.STORE_FINDINGS_QUERY, this::query));
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
    remember(recent, finding);
    if (pool == null) {
      applyPosture(finding);
      return;
    }
    if (pending.size() >= capacity) {
      JsonObject oldest = pending.removeFirst();
      dropped++;
      LOG.atWarn().addKeyValue("dropped", dropped).addKeyValue("finding_id", oldest.getString("id"))
          .log("findings buffer full (" + capacity + "): dropped the oldest");
    }
    pending.addLast(finding);
    flush();
  }

  private void remember(Deque<JsonObject> ring, JsonObject finding) {
    if (ring.size() >= capacity) {
      ring.removeFirst();
    }
    ring.addLast(finding);
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

  /** Writes the oldest buffered findings; on failure retries later with backoff, on success goes on. */
  private void flush() {
    if (stopping || flushing || retryTimer >= 0 || pending.isEmpty()) {
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
    Future<Void> ready = schemaReady ? Future.succeededFuture() : migrate();
    return ready.compose(v -> write(batch))
        .onSuccess(v -> {
          // A full buffer may have dropped some of the batch's oldest meanwhile: remove by id, not by count.
          Set<String> ids = new HashSet<>();
          batch.forEach(f -> ids.add(f.getString("id")));
          while (!pending.isEmpty() && ids.contains(pending.peekFirst().getString("id"))) {
            pending.removeFirst();
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

  private Future<Void> write(List<JsonObject> batch) {
    List<Tuple> findings = new ArrayList<>();
    List<Tuple> postures = new ArrayList<>();
    for (JsonObject f : batch) {
      OffsetDateTime ts = Instant.parse(f.getString("ts_utc")).atOffset(ZoneOffset.UTC);
      findings.add(Tuple.of(UUID.fromString(f.getString("id")), ts, f.getString("agent"), f.getString("symbol"),
          f.getDouble("score"), f.getString("label"), f.getJsonObject("details")));
      if (isPostureChange(f)) {
        JsonObject d = f.getJsonObject("details");
        postures.add(Tuple.of(f.getString("symbol"), d.getString("status"), d.getDouble("qty"),
            d.getDouble("avg_price"), ts, d.getString("last_action"), d.getDouble("last_conf")));
      }
    }
    long startNanos = System.nanoTime();
    return pool.<Void>withTransaction(conn -> {
      Future<?> inserted = conn.preparedQuery(Queries.INSERT_FINDING).executeBatch(findings);
      return postures.isEmpty() ? inserted.mapEmpty()
          : inserted.compose(v -> conn.preparedQuery(Queries.UPSERT_POSITION).executeBatch(postures)).mapEmpty();
    }).onSuccess(v -> {
      writeBatches++;
      writeNanos += System.nanoTime() - startNanos;
    });
  }

  private void query(Message<JsonObject> request) {
    FindingQuery q = FindingQuery.fromJson(request.body());
    if (pool == null) {
      request.reply(answer(List.copyOf(recent), q, "memory"));
      return;
    }
    // The buffer is read before the SELECT: a batch that commits after the SELECT's snapshot but before its answer
    // has left the buffer by then, and would be in neither.
    List<JsonObject> all = new ArrayList<>(pending);
    withTimeout(pool.preparedQuery(Queries.SELECT_FINDINGS).execute(Tuple.of(q.symbol(),
            q.since() == null ? null : q.since().atOffset(ZoneOffset.UTC), q.agent(), q.limit())))
        .onSuccess(rows -> {
          rows.forEach(r -> all.add(findingOf(r)));
          request.reply(answer(all, q, "postgres"));
        })
        .onFailure(e -> request.reply(answer(List.copyOf(recent), q, "memory")));
  }

  /** {@code {findings: [...], source}}: the matching findings, once each, newest first, at most limit. */
  private static JsonObject answer(List<JsonObject> candidates, FindingQuery q, String source) {
    Map<String, JsonObject> byId = new HashMap<>();
    candidates.stream().filter(q::matches).forEach(f -> byId.putIfAbsent(f.getString("id"), f));
    List<JsonObject> sorted = new ArrayList<>(byId.values());
    sorted.sort(FindingQuery.NEWEST_FIRST);
    return new JsonObject()
        .put("findings", new JsonArray(new ArrayList<>(sorted.subList(0, Math.min(q.limit(), sorted.size())))))
        .put("source", source);
  }

  private static JsonObject findingOf(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("ts_utc", r.getOffsetDateTime("ts_utc").toInstant().toString())
        .put("agent", r.getString("agent"))
        .put("symbol", r.getString("symbol"))
        .put("score", r.getDouble("score"))
        .put("label", r.getString("label"))
        .put("details", r.getJsonObject("details"));
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
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() > deadlineNanos) {
      LOG.atError().addKeyValue("unwritten", pending.size()).log("shutdown grace over: findings were not written");
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
