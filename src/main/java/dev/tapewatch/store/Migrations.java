package dev.tapewatch.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The schema of each database as an ordered list of SQL files under {@code /db/<dialect>/}, applied at start in
 * order and recorded in the {@code schema_migrations} table: migration i is version i + 1, and a released file is
 * never edited, only followed by a new one. A plain list rather than Flyway: the PostgreSQL side runs on the
 * reactive client (Flyway needs a JDBC driver and a connection of its own), and the table and versions are those
 * the databases written before this list already carry, so they migrate on from where they are.
 */
final class Migrations {
  static final List<String> POSTGRES = List.of("001_findings.sql", "002_scorecard.sql", "003_bars.sql");
  static final List<String> SQLITE = List.of("001_schema.sql");

  static final String CREATE_TABLE = """
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        applied_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)""";
  static final String APPLIED = "SELECT version FROM schema_migrations";

  private Migrations() {
  }

  /** The statements of one migration file of {@code dialect}, in order. */
  static List<String> statements(String dialect, String file) {
    String path = "/db/" + dialect + "/" + file;
    try (InputStream in = Migrations.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("migration " + path + " is not on the class path");
      }
      String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      // Statements end with a semicolon at the end of a line; comments are whole lines starting with --.
      String code = String.join("\n", sql.lines().filter(l -> !l.stripLeading().startsWith("--")).toList());
      return Arrays.stream(code.split(";\\s*(\\n|$)")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
