package dev.tapewatch.store;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.Secret;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.support.TestDatabase;
import dev.tapewatch.support.Waits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The benchmark's findings write rate (not a test): the same findings written to one store by the repository's own
 * batched insert ({@code findings().insert} of {@link StoreVerticle#BATCH_MAX} at a time, one after the other), and
 * through a deployed {@link StoreVerticle} from appends over the bus, {@link #IN_FLIGHT} of them outstanding at any
 * time, timed from the first append until the table holds every row. Each request's time to its answer (the finding
 * forced to the outbox on disk) is recorded. Each path first writes {@link #WARMUP} other findings (the JIT's
 * warm-up), and each measured path starts from an empty table.
 */
public final class StoreBench {
  /** Findings per insert of the direct path: as many as the store verticle writes at a time. */
  public static final int BATCH = StoreVerticle.BATCH_MAX;
  /** Appends outstanding at once, as many agents on many symbols would have. */
  public static final int IN_FLIGHT = 1000;
  static final int WARMUP = 5000;
  private static final long TIMEOUT_MS = 300_000;
  /** How often the table is asked for the last finding once every append is answered. */
  private static final long POLL_MS = 2;
  private static final List<String> TIMEFRAMES = List.of("1m", "5m", "15m");

  /**
   * The figures of one store: the time of each path for the same findings, when the last append was answered, the
   * appends' times to durable, and the store verticle's last status.
   */
  public record Result(String store, int findings, int meanFindingBytes, double directSeconds, double outboxSeconds,
      double appendsAnsweredSeconds, double appendP50Ms, double appendP99Ms, double appendMaxMs,
      JsonObject storeStatus) {
    public double directRowsPerSecond() {
      return findings / directSeconds;
    }

    public double outboxRowsPerSecond() {
      return findings / outboxSeconds;
    }
  }

  /** One store as both paths see it: the verticle's environment, the repository itself, and its table. */
  private interface Store {
    /** STORE, DATABASE_URL and DATA_DIR of a verticle writing to a fresh, empty table. */
    Map<String, String> env(Path dataDir) throws Exception;

    /** The repository over a fresh, empty table (its schema migrated by the caller). */
    Database open(Vertx vertx, Path dataDir) throws Exception;

    /** The findings table the path with {@code dataDir} wrote to, read from a connection of its own. */
    Table table(Path dataDir) throws Exception;
  }

  private interface Table extends AutoCloseable {
    /** Whether the finding {@code id} is in the table: a lookup by the primary key, cheap enough to poll. */
    boolean contains(String id) throws Exception;

    long rows() throws Exception;
  }

  private StoreBench() {
  }

  /** On PostgreSQL, in {@code db} (a throwaway database), each path after its table is emptied. */
  public static Result postgres(TestDatabase db, int findings, List<String> symbols, Path tmp) throws Exception {
    return run("postgres", new Store() {
      @Override
      public Map<String, String> env(Path dataDir) throws Exception {
        truncate();
        return Map.of("STORE", "postgres", "DATABASE_URL", db.url(), "DATA_DIR", dataDir.toString());
      }

      @Override
      public Database open(Vertx vertx, Path dataDir) throws Exception {
        truncate();
        return new PgDatabase(vertx, new Secret(db.url()));
      }

      private void truncate() throws Exception {
        db.query("DO $$ BEGIN IF to_regclass('findings') IS NOT NULL THEN TRUNCATE findings, position_state; END IF;"
            + " END $$");
      }

      @Override
      public Table table(Path dataDir) {
        return new Table() {
          @Override
          public boolean contains(String id) throws Exception {
            return !db.query("SELECT 1 FROM findings WHERE id = '" + UUID.fromString(id) + "'").isEmpty();
          }

          @Override
          public long rows() throws Exception {
            return db.query("SELECT count(*) FROM findings").get(0).getLong(0);
          }

          @Override
          public void close() {
          }
        };
      }
    }, findings, symbols, tmp);
  }

  /** On the embedded SQLite store, each path in a data directory of its own under {@code tmp}. */
  public static Result sqlite(int findings, List<String> symbols, Path tmp) throws Exception {
    return run("sqlite", new Store() {
      @Override
      public Map<String, String> env(Path dataDir) {
        return Map.of("STORE", "sqlite", "DATA_DIR", dataDir.toString());
      }

      @Override
      public Database open(Vertx vertx, Path dataDir) {
        return new SqliteDatabase(vertx, dataDir);
      }

      @Override
      public Table table(Path dataDir) throws Exception {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteDatabase.FILE));
        PreparedStatement byId = c.prepareStatement("SELECT 1 FROM findings WHERE id = ?");
        return new Table() {
          @Override
          public boolean contains(String id) throws Exception {
            byId.setString(1, id);
            try (ResultSet rs = byId.executeQuery()) {
              return rs.next();
            }
          }

          @Override
          public long rows() throws Exception {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM findings")) {
              rs.next();
              return rs.getLong(1);
            }
          }

          @Override
          public void close() throws Exception {
            c.close();
          }
        };
      }
    }, findings, symbols, tmp);
  }

  private static Result run(String name, Store store, int n, List<String> symbols, Path tmp) throws Exception {
    List<JsonObject> findings = findings(n, symbols, new Random(n));
    int meanBytes = (int) (findings.stream().mapToLong(f -> f.encode().getBytes(StandardCharsets.UTF_8).length)
        .sum() / n);
    Vertx vertx = Vertx.vertx();
    try {
      List<JsonObject> warm = findings(Math.min(WARMUP, n), symbols, new Random(-n));
      direct(vertx, store, warm, Files.createDirectories(tmp.resolve(name + "-warm-direct")));
      throughOutbox(vertx, store, warm, Files.createDirectories(tmp.resolve(name + "-warm-outbox")));
      double directSeconds = direct(vertx, store, findings,
          Files.createDirectories(tmp.resolve(name + "-direct")));
      Outboxed o = throughOutbox(vertx, store, findings, Files.createDirectories(tmp.resolve(name + "-outbox")));
      return new Result(name, n, meanBytes, directSeconds, o.seconds(), o.answeredSeconds(), percentile(o.latencyNanos(), 0.50) / 1e6,
          percentile(o.latencyNanos(), 0.99) / 1e6, o.latencyNanos()[n - 1] / 1e6, o.status());
    } finally {
      await(vertx.close());
    }
  }

  /** Seconds to insert every finding with the repository, a batch at a time, each batch once the last is in. */
  private static double direct(Vertx vertx, Store store, List<JsonObject> findings, Path dataDir) throws Exception {
    Database db = store.open(vertx, dataDir);
    try {
      await(db.migrate());
      long start = System.nanoTime();
      for (int from = 0; from < findings.size(); from += BATCH) {
        await(db.findings().insert(findings.subList(from, Math.min(findings.size(), from + BATCH))));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      try (Table table = store.table(dataDir)) {
        expectRows(table, findings.size());
      }
      return seconds;
    } finally {
      await(db.close());
    }
  }

  /**
   * The time for every finding to be in the table and for every append to be answered, each append's time to its
   * answer (sorted), the last status.
   */
  private record Outboxed(double seconds, double answeredSeconds, long[] latencyNanos, JsonObject status) {
  }

  private static Outboxed throughOutbox(Vertx vertx, Store store, List<JsonObject> findings, Path dataDir)
      throws Exception {
    AtomicReference<JsonObject> status = new AtomicReference<>();
    MessageConsumer<JsonObject> statuses = vertx.eventBus().consumer(Addresses.STORE_STATUS, m -> status.set(m.body()));
    await(statuses.completion());
    String deployment = await(vertx.deployVerticle(
        new StoreVerticle(TapewatchConfig.load(store.env(dataDir)).store())));
    try {
      int n = findings.size();
      long[] latency = new long[n];
      double seconds;
      double answered;
      try (Table table = store.table(dataDir)) {
        long start = System.nanoTime();
        await(appendAll(vertx, findings, latency));
        answered = (System.nanoTime() - start) / 1e9;
        // Every append is answered; what is left is the outbox's tail on its way to the table. The findings were
        // appended in order and the outbox is written in order, so the last one is the last to arrive.
        String last = findings.get(n - 1).getString("id");
        // Polled every POLL_MS rather than Waits.POLL: the poll's grain is part of the figure measured.
        try {
          Awaitility.await("the last finding in the table").atMost(Duration.ofMillis(TIMEOUT_MS))
              .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(POLL_MS)).until(() -> table.contains(last));
        } catch (ConditionTimeoutException e) {
          throw new TimeoutException("the last finding not in the table after " + TIMEOUT_MS + " ms ("
              + table.rows() + " of " + n + " rows)");
        }
        seconds = (System.nanoTime() - start) / 1e9;
        expectRows(table, n);
      }
      Arrays.sort(latency);
      // The status is published every second; the first one counting every row has the write loop's totals. A run
      // whose status never gets there reports the last one it had.
      try {
        Waits.until("a status counting every row", Duration.ofMillis(3 * Addresses.STATUS_PERIOD_MS),
            () -> status.get() != null && status.get().getLong("written", 0L) >= n);
      } catch (AssertionError notYet) {
        // the last status stands
      }
      JsonObject last = status.get();
      return new Outboxed(seconds, answered, latency, last);
    } finally {
      await(vertx.undeploy(deployment));
      await(statuses.unregister());
    }
  }

  /**
   * Sends one {@link Addresses#STORE_FINDINGS_APPEND} per finding from one event loop, {@link #IN_FLIGHT} at a
   * time, each answer sending the next; {@code latency[i]} is the i-th request's time to its answer.
   */
  private static Future<Void> appendAll(Vertx vertx, List<JsonObject> findings, long[] latency) {
    Promise<Void> done = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      int[] next = {0};
      int[] answered = {0};
      Runnable[] send = new Runnable[1];
      send[0] = () -> {
        int i = next[0]++;
        long sent = System.nanoTime();
        vertx.eventBus().request(Addresses.STORE_FINDINGS_APPEND, findings.get(i)).onComplete(ar -> {
          if (ar.failed()) {
            done.tryFail(ar.cause());
            return;
          }
          latency[i] = System.nanoTime() - sent;
          if (++answered[0] == findings.size()) {
            done.complete();
          } else if (next[0] < findings.size()) {
            send[0].run();
          }
        });
      };
      for (int k = 0; k < Math.min(IN_FLIGHT, findings.size()); k++) {
        send[0].run();
      }
    });
    return done.future();
  }

  private static void expectRows(Table table, long n) throws Exception {
    long rows = table.rows();
    if (rows != n) {
      throw new IllegalStateException(n + " findings written, " + rows + " rows in the table");
    }
  }

  /**
   * {@code n} trend_score readings as announced (the reading with its three timeframes' probabilities, the posture
   * and the features), a few milliseconds apart over the symbols, ending now: about 600 bytes of JSON each.
   */
  static List<JsonObject> findings(int n, List<String> symbols, Random random) {
    long now = System.currentTimeMillis();
    List<JsonObject> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double price = 60_000 * (1 + random.nextGaussian() * 0.01);
      JsonObject features = new JsonObject();
      JsonObject details = new JsonObject();
      double pUp = 0;
      for (String tf : TIMEFRAMES) {
        double p = round(random.nextDouble(), 4);
        pUp += p / TIMEFRAMES.size();
        details.put("p_" + tf, p);
        features.put(tf, new JsonObject()
            .put("mom_bps", round(random.nextGaussian() * 8, 1))
            .put("px_vs_vwap_bps", round(random.nextGaussian() * 5, 1))
            .put("rvol", round(0.5 + random.nextDouble() * 2, 2))
            .put("atr", round(price * 0.001 * (1 + random.nextDouble()), 2))
            .put("volume", round(random.nextDouble() * 40, 3))
            .put("signed_volume", round(random.nextGaussian() * 10, 3))
            .put("vwap", round(price * (1 + random.nextGaussian() * 0.0005), 2)));
      }
      pUp = round(pUp, 4);
      details.put("p_up", pUp).put("posture", "flat").put("streak", 0).putNull("entry_price")
          .putNull("posture_since").put("features", features);
      JsonObject outcomes = new JsonObject();
      List.of("1m", "5m", "15m", "60m").forEach(outcomes::putNull);
      out.add(new JsonObject()
          .put("id", UUID.randomUUID().toString())
          .put("ts_utc", Instant.ofEpochMilli(now - (n - i) * 10L).toString())
          .put("agent", "trend_score")
          .put("symbol", symbols.get(i % symbols.size()))
          .put("score", pUp)
          .put("label", "trend_score")
          .put("details", details)
          .put("ref_price", round(price, 2))
          .put("outcomes", outcomes));
    }
    return out;
  }

  private static double round(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(v * scale) / scale;
  }

  private static long percentile(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
