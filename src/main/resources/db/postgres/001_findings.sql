CREATE TABLE IF NOT EXISTS findings (
  id uuid PRIMARY KEY,
  ts_utc timestamptz NOT NULL,
  agent text NOT NULL,
  symbol text NOT NULL,
  score double precision NOT NULL,
  label text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb);
CREATE INDEX IF NOT EXISTS findings_symbol_ts ON findings (symbol, ts_utc DESC);
CREATE TABLE IF NOT EXISTS position_state (
  symbol text PRIMARY KEY,
  status text NOT NULL,
  qty double precision NOT NULL,
  avg_price double precision,
  updated_at timestamptz NOT NULL,
  last_action text,
  last_conf double precision);
