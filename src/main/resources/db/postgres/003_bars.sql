-- Closed one-minute bars, so that a restarted node, or the new owner of a symbol, has its baselines at once.
CREATE TABLE IF NOT EXISTS bars_1m (
  symbol text NOT NULL,
  start_ms bigint NOT NULL,
  open double precision NOT NULL,
  high double precision NOT NULL,
  low double precision NOT NULL,
  close double precision NOT NULL,
  volume double precision NOT NULL,
  price_volume double precision NOT NULL,
  signed_volume double precision NOT NULL,
  trades integer NOT NULL,
  first_ms bigint NOT NULL,
  last_ms bigint NOT NULL,
  PRIMARY KEY (symbol, start_ms));
-- Retention deletes by time across symbols.
CREATE INDEX IF NOT EXISTS bars_1m_start ON bars_1m (start_ms);
CREATE INDEX IF NOT EXISTS findings_ts ON findings (ts_utc);
