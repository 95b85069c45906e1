package dev.tapewatch.config;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URISyntaxException;
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
        // The client falls back to localhost and the user's name for what the URL leaves out; a URL naming neither
        // host nor database is a mistake, not a wish for those defaults.
        URI u = new URI(v);
        String path = u.getPath() == null ? "" : u.getPath();
        if (u.getHost() == null || path.length() < 2) {
          throw new ConfigException("DATABASE_URL", "<redacted>", accepted);
        }
        PgConnectOptions.fromUri(v);
      } catch (URISyntaxException | RuntimeException e) {
        throw new ConfigException("DATABASE_URL", "<redacted>", accepted);
      }
    });
    return url;
  }
}
