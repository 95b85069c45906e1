-- The scorecard: each finding's reference price and the outcomes it is owed, resolved one by one.
ALTER TABLE findings
  ADD COLUMN IF NOT EXISTS ref_price double precision,
  ADD COLUMN IF NOT EXISTS outcomes jsonb;
CREATE INDEX IF NOT EXISTS findings_agent_ts ON findings (agent, ts_utc DESC);
