package dev.tapewatch.config;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where findings are kept ({@code STORE}: PostgreSQL at {@code DATABASE_URL} (secret), the embedded SQLite database
 * in {@code DATA_DIR}, or memory); the local outbox in DATA_DIR that makes a finding durable before it is announced,
 * bounded by {@code OUTBOX_MAX_MB}; how many findings are kept in memory ({@code RECENT_FINDINGS}); how many days
 * the stores keep ({@code RETENTION_DAYS}); how long a stopping service may keep trying to write
 * ({@code SHUTDOWN_GRACE_SEC}).
 */
public record StoreSettings(Kind kind, Optional<Secret> databaseUrl, Path dataDir, long outboxMaxBytes,
                            int recentFindings, int retentionDays, int shutdownGraceSec) {

  /** The store behind the outbox; memory has no outbox and keeps nothing across a restart. */
  public enum Kind {
    POSTGRES, SQLITE, MEMORY;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static StoreSettings read(ConfigReader r) {
    Optional<Secret> url = databaseUrl(r);
    Kind kind = kind(r, url);
    return new StoreSettings(kind, url, kind == Kind.MEMORY ? Path.of(r.raw("DATA_DIR")) : dataDir(r),
        r.integer("OUTBOX_MAX_MB", 1, 1_000_000) * 1024L * 1024L,
        r.integer("RECENT_FINDINGS", 10, 10_000_000), r.integer("RETENTION_DAYS", 1, 36_500),
        r.integer("SHUTDOWN_GRACE_SEC", 1, 600));
  }

  /** Which store: STORE, or when it is empty PostgreSQL with a DATABASE_URL and SQLite without one. */
  private static Kind kind(ConfigReader r, Optional<Secret> url) {
    String v = r.raw("STORE").trim().toLowerCase(Locale.ROOT);
    Kind kind = switch (v) {
      case "" -> url.isPresent() ? Kind.POSTGRES : Kind.SQLITE;
      case "postgres" -> Kind.POSTGRES;
      case "sqlite" -> Kind.SQLITE;
      case "memory" -> Kind.MEMORY;
      default -> throw new ConfigException("STORE", ConfigException.quote(r.raw("STORE")),
          "postgres, sqlite, memory or empty (postgres with a DATABASE_URL, else sqlite)");
    };
    if (kind == Kind.POSTGRES && url.isEmpty()) {
      throw new ConfigException("STORE", "'postgres'", "postgres only with a DATABASE_URL");
    }
    return kind;
  }

  /**
   * DATA_DIR: a writable directory, or one that can be made (the store creates it at start); anything else stops the
   * start. Reading the configuration changes nothing on disk.
   */
  private static Path dataDir(ConfigReader r) {
    String raw = r.raw("DATA_DIR");
    String accepted = "a writable directory (created if missing) for the outbox and the embedded store";
    if (raw.isBlank()) {
      throw new ConfigException("DATA_DIR", ConfigException.quote(raw), accepted);
    }
    try {
      Path dir = Path.of(raw).toAbsolutePath().normalize();
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
        String why = existing == null ? "" : !Files.isDirectory(existing) ? " (" + existing + " is not a directory)"
            : " (" + existing + " is not writable)";
        throw new ConfigException("DATA_DIR", ConfigException.quote(raw), accepted + why);
      }
      return dir;
    } catch (InvalidPathException e) {
      throw new ConfigException("DATA_DIR", ConfigException.quote(raw), accepted + " (" + e.getMessage() + ")");
    }
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
