package dev.tapewatch.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A database of its own on the real PostgreSQL at 127.0.0.1:5432 (trust auth), created for one test class and
 * dropped after it. Statements run as the {@code postgres} superuser from the {@code postgres} database, so that
 * the test can also cut the service off (ALLOW_CONNECTIONS, pg_terminate_backend).
 */
public final class TestDatabase implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  public static final int PORT = 5432;

  private final Vertx vertx = Vertx.vertx();
  private final Pool admin;
  private final Pool data;
  private final String name;

  public TestDatabase() throws Exception {
    name = "tapewatch_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin = pool("postgres");
    exec("CREATE DATABASE " + name);
    data = pool(name);
  }

  private Pool pool(String database) {
    return PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(HOST).setPort(PORT)
        .setUser("postgres").setDatabase(database)).using(vertx).build();
  }

  /** What DATABASE_URL must say for the service to use this database. */
  public String url() {
    return "postgres://postgres@" + HOST + ":" + PORT + "/" + name + "?sslmode=disable";
  }

  public String name() {
    return name;
  }

  /** A statement run from the {@code postgres} database. */
  public RowSet<Row> exec(String sql) throws Exception {
    return await(admin.query(sql).execute());
  }

  /** A query in this test's own database. */
  public List<Row> query(String sql) throws Exception {
    List<Row> rows = new ArrayList<>();
    await(data.query(sql).execute()).forEach(rows::add);
    return rows;
  }

  /** The service can no longer connect, and its open connections are closed. */
  public void cutOff() throws Exception {
    exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
    exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
  }

  public void reopen() throws Exception {
    exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    await(data.close());
    exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    await(admin.close());
    await(vertx.close());
  }
}
