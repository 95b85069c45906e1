package dev.tapewatch.config;

import io.vertx.pgclient.PgConnectOptions;
import java.util.Optional;

/**
 * Where findings are kept: PostgreSQL at {@code DATABASE_URL} (secret) or in memory; how many are kept in memory
 * ({@code RECENT_FINDINGS}); how long a stopping service may keep trying to write them ({@code SHUTDOWN_GRACE_SEC}).
 */
public record StoreSettings(Optional<Secret> databaseUrl, int recentFindings, int shutdownGraceSec) {

  static StoreSettings read(ConfigReader r) {
    return new StoreSettings(databaseUrl(r), r.integer("RECENT_FINDINGS", 10, 10_000_000),
        r.integer("SHUTDOWN_GRACE_SEC", 1, 600));
  }

  private static Optional<Secret> databaseUrl(ConfigReader r) {
    Optional<Secret> url = r.optionalSecret("DATABASE_URL");
    url.ifPresent(s -> {
      String v = s.reveal();
      String accepted = "postgres://user:password@host:port/database[?sslmode=disable|require|verify-full], or empty";
      if (!(v.startsWith("postgres://") || v.startsWith("postgresql://"))) {
        throw new ConfigException("DATABASE_URL", "<redacted>", accepted);
      }
      try {
        PgConnectOptions.fromUri(v);
      } catch (RuntimeException e) {
        throw new ConfigException("DATABASE_URL", "<redacted>", accepted);
      }
    });
    return url;
  }
}
