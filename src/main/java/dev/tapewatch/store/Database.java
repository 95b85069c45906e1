package dev.tapewatch.store;

import io.vertx.core.Future;

/** One store's connection, schema and repositories: PostgreSQL, the embedded SQLite database, or memory. */
interface Database {
  /** {@code postgres}, {@code sqlite} or {@code memory}, as /health says. */
  String mode();

  /** Brings the schema to the newest version; safe to call again, and by several nodes at once. */
  Future<Void> migrate();

  /** Succeeds when the database answers a trivial query. */
  Future<Void> ping();

  FindingsRepository findings();

  PositionsRepository positions();

  BarsRepository bars();

  Future<Void> close();
}
