package dev.tapewatch.store;

import java.util.List;

/** Every SQL statement tapewatch runs, and the schema migrations in order. */
final class Queries {
  private Queries() {
  }

  /** Serialises concurrent migrations (several pods starting at once) on one advisory lock. */
  static final String MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(727274701)";

  static final String CREATE_MIGRATIONS_TABLE = """
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now())""";

  static final String APPLIED_VERSIONS = "SELECT version FROM schema_migrations";

  static final String RECORD_VERSION = "INSERT INTO schema_migrations (version) VALUES ($1)";

  /** Migration i has version i + 1; a released migration is never edited, only followed by a new one. */
  static final List<List<String>> MIGRATIONS = List.of(
      List.of("""
          CREATE TABLE IF NOT EXISTS findings (
            id uuid PRIMARY KEY,
            ts_utc timestamptz NOT NULL,
            agent text NOT NULL,
            symbol text NOT NULL,
            score double precision NOT NULL,
            label text NOT NULL,
            details jsonb NOT NULL DEFAULT '{}'::jsonb)""",
          "CREATE INDEX IF NOT EXISTS findings_symbol_ts ON findings (symbol, ts_utc DESC)",
          """
          CREATE TABLE IF NOT EXISTS position_state (
            symbol text PRIMARY KEY,
            status text NOT NULL,
            qty double precision NOT NULL,
            avg_price double precision,
            updated_at timestamptz NOT NULL,
            last_action text,
            last_conf double precision)"""),
      // The scorecard: each finding's reference price and the outcomes it is owed, resolved one by one.
      List.of("""
          ALTER TABLE findings
            ADD COLUMN IF NOT EXISTS ref_price double precision,
            ADD COLUMN IF NOT EXISTS outcomes jsonb""",
          "CREATE INDEX IF NOT EXISTS findings_agent_ts ON findings (agent, ts_utc DESC)"));

  /** Idempotent: a retry after an ambiguous failure finds the id and writes nothing. */
  static final String INSERT_FINDING = """
      INSERT INTO findings (id, ts_utc, agent, symbol, score, label, details, ref_price, outcomes)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      ON CONFLICT (id) DO NOTHING""";

  /**
   * $1 id, $2 horizon label, $3 the outcome: one horizon of a finding resolved. The first resolution stands: after a
   * takeover the new owner may mark missed what the old one had priced and not yet written.
   */
  static final String UPDATE_OUTCOME = """
      UPDATE findings SET outcomes = jsonb_set(coalesce(outcomes, '{}'::jsonb), ARRAY[$2::text], $3::jsonb)
      WHERE id = $1 AND coalesce(outcomes -> $2::text, 'null'::jsonb) = 'null'::jsonb""";

  /** $1 symbol, $2 since: the findings still owed an outcome. */
  static final String SELECT_OWED = """
      SELECT id, ts_utc, agent, symbol, score, label, details, ref_price, outcomes FROM findings
      WHERE symbol = $1 AND ts_utc >= $2 AND outcomes IS NOT NULL
        AND EXISTS (SELECT 1 FROM jsonb_each(outcomes) o WHERE o.value = 'null'::jsonb)
      ORDER BY ts_utc""";

  /** A replayed older change never overwrites a newer one. */
  static final String UPSERT_POSITION = """
      INSERT INTO position_state (symbol, status, qty, avg_price, updated_at, last_action, last_conf)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (symbol) DO UPDATE SET status = EXCLUDED.status, qty = EXCLUDED.qty,
        avg_price = EXCLUDED.avg_price, updated_at = EXCLUDED.updated_at, last_action = EXCLUDED.last_action,
        last_conf = EXCLUDED.last_conf
      WHERE position_state.updated_at <= EXCLUDED.updated_at""";

  static final String SELECT_POSITIONS = """
      SELECT symbol, status, qty, avg_price, updated_at, last_action, last_conf FROM position_state""";

  /** $1 symbol or null, $2 since or null, $3 agent or null, $4 limit. */
  static final String SELECT_FINDINGS = """
      SELECT id, ts_utc, agent, symbol, score, label, details, ref_price, outcomes FROM findings
      WHERE ($1::text IS NULL OR symbol = $1)
        AND ($2::timestamptz IS NULL OR ts_utc >= $2)
        AND ($3::text IS NULL OR agent = $3)
      ORDER BY ts_utc DESC, id DESC
      LIMIT $4""";

  /**
   * $1 symbol or null, $2 since or null, $3 agent or null, $4 limit: findings with at least one resolved outcome
   * (a horizon holding a ret_bps), newest first; on (symbol, ts_utc) or (agent, ts_utc).
   */
  static final String SELECT_SCORED = """
      SELECT id, ts_utc, agent, symbol, score, label, details, ref_price, outcomes FROM findings
      WHERE outcomes IS NOT NULL
        AND ($1::text IS NULL OR symbol = $1)
        AND ($2::timestamptz IS NULL OR ts_utc >= $2)
        AND ($3::text IS NULL OR agent = $3)
        AND jsonb_path_exists(outcomes, '$.* ? (@.ret_bps.type() == "number")')
      ORDER BY ts_utc DESC, id DESC
      LIMIT $4""";

  static final String PING = "SELECT 1";
}
