-- Times are epoch milliseconds; details and outcomes are JSON text.
CREATE TABLE IF NOT EXISTS findings (
  id text PRIMARY KEY,
  ts_ms integer NOT NULL,
  agent text NOT NULL,
  symbol text NOT NULL,
  score real NOT NULL,
  label text NOT NULL,
  details text NOT NULL DEFAULT '{}',
  ref_price real,
  outcomes text);
CREATE INDEX IF NOT EXISTS findings_symbol_ts ON findings (symbol, ts_ms DESC);
CREATE INDEX IF NOT EXISTS findings_agent_ts ON findings (agent, ts_ms DESC);
CREATE INDEX IF NOT EXISTS findings_ts ON findings (ts_ms);
CREATE TABLE IF NOT EXISTS position_state (
  symbol text PRIMARY KEY,
  status text NOT NULL,
  qty real NOT NULL,
  avg_price real,
  updated_ms integer NOT NULL,
  last_action text,
  last_conf real);
CREATE TABLE IF NOT EXISTS bars_1m (
  symbol text NOT NULL,
  start_ms integer NOT NULL,
  open real NOT NULL,
  high real NOT NULL,
  low real NOT NULL,
  close real NOT NULL,
  volume real NOT NULL,
  price_volume real NOT NULL,
  signed_volume real NOT NULL,
  trades integer NOT NULL,
  first_ms integer NOT NULL,
  last_ms integer NOT NULL,
  PRIMARY KEY (symbol, start_ms));
CREATE INDEX IF NOT EXISTS bars_1m_start ON bars_1m (start_ms);
