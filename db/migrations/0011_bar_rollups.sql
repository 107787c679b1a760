-- Derived bars get their own relation per higher timeframe, built from 1m level by level
-- (1m → 5m → 15m → 1h → 4h → 1d, the same hierarchy and formulas as lib/bars/aggregate):
--   * TimescaleDB: `bars_<tf>_rollup` is a hierarchical continuous aggregate with real-time
--     aggregation (reads include 1m rows not yet materialized), a refresh policy and compression.
--     The bar writer also refreshes the written window after each commit, so a read after a write
--     sees every timeframe.
--   * Plain PostgreSQL: `bars_<tf>_rollup` is a table with the same key, kept by the bar writer's
--     set-based rollup (server/services/bars/rollup-bars.ts).
-- `bars_<tf>` keeps vendor-native bars, and bars rolled up from a vendor's own lower timeframe (e.g. 4h
-- from 1h history, source 'rollup', kept current by the bar writer). Every read goes through
-- `bars_<tf>_all`: the bar in `bars_<tf>` where there is one, else the rollup of 1m. The view is the same
-- in both modes, so queries and results are identical. A read of one symbol's range scans both relations
-- by index, merged in ts order; only rollup rows are checked against the vendor table.
DO $$
DECLARE
  t record;
  timescale boolean := mss_timescale_enabled();
  w text;
  vendor text;
  rollup text;
  -- Rows of `vendor` (alias n) that are rollups of 1m: derived, with 1m bars beneath.
  from_1m text;
BEGIN
  FOR t IN SELECT * FROM (VALUES
      (1, '5m', 'bars_1m', INTERVAL '5 minutes', INTERVAL '5 minutes', INTERVAL '90 days'),
      (2, '15m', 'bars_5m_rollup', INTERVAL '15 minutes', INTERVAL '15 minutes', INTERVAL '180 days'),
      (3, '1h', 'bars_15m_rollup', INTERVAL '1 hour', INTERVAL '1 hour', INTERVAL '365 days'),
      (4, '4h', 'bars_1h_rollup', INTERVAL '4 hours', INTERVAL '1 hour', INTERVAL '730 days'),
      (5, '1d', 'bars_4h_rollup', INTERVAL '1 day', INTERVAL '1 hour', INTERVAL '3650 days')
    ) AS v(n, tf, lower, width, schedule, compress_after)
    ORDER BY n
  LOOP
    w := quote_literal(t.width::text);
    vendor := 'bars_' || t.tf;
    rollup := 'bars_' || t.tf || '_rollup';
    from_1m := format($q$n.source = 'rollup'
      AND EXISTS (SELECT 1 FROM bars_1m m WHERE m.symbol = n.symbol AND m.ts >= n.ts AND m.ts < n.ts + %s::interval)$q$, w);
    IF timescale THEN
      EXECUTE format($q$
        CREATE MATERIALIZED VIEW %I WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
        SELECT symbol,
               time_bucket(%s::interval, ts) AS ts,
               first(open, ts) AS open, max(high) AS high, min(low) AS low, last(close, ts) AS close,
               sum(volume) AS volume,
               CASE WHEN bool_and(vwap IS NOT NULL OR volume = 0) AND sum(volume) > 0
                    THEN sum(coalesce(vwap, 0) * volume) / sum(volume) END AS vwap,
               (CASE WHEN bool_and(trades IS NOT NULL) THEN sum(trades) END)::bigint AS trades
        FROM %I
        GROUP BY symbol, time_bucket(%s::interval, ts)
        WITH NO DATA$q$, rollup, w, t.lower, w);
      PERFORM add_continuous_aggregate_policy(rollup, start_offset => NULL,
        end_offset => t.width, schedule_interval => t.schedule, if_not_exists => true);
      EXECUTE format('ALTER MATERIALIZED VIEW %I SET (timescaledb.compress = true)', rollup);
      PERFORM add_compression_policy(rollup, t.compress_after, if_not_exists => true);
      -- Existing rollups of 1m: the aggregate computes them now.
      EXECUTE format('DELETE FROM %I n WHERE %s', vendor, from_1m);
    ELSE
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING ALL)', rollup, vendor);
      -- Existing rollups of 1m move to the rollup table (those over a vendor's own lower timeframe, with
      -- no 1m beneath, stay where they are).
      EXECUTE format('WITH moved AS (DELETE FROM %I n WHERE %s RETURNING n.*) INSERT INTO %I SELECT * FROM moved', vendor, from_1m, rollup);
    END IF;
    -- Reads: the bar in bars_<tf> where there is one, else the rollup of 1m. (symbol, ts) stays unique.
    EXECUTE format($q$
      CREATE VIEW %1$I AS
      SELECT n.symbol, n.ts, n.open, n.high, n.low, n.close, n.volume, n.vwap, n.trades, n.source
      FROM %2$I n
      UNION ALL
      SELECT r.symbol, r.ts, r.open, r.high, r.low, r.close, r.volume, r.vwap, r.trades, 'rollup'::text
      FROM %3$I r
      WHERE NOT EXISTS (SELECT 1 FROM %2$I n WHERE n.symbol = r.symbol AND n.ts = r.ts)$q$,
      vendor || '_all', vendor, rollup);
  END LOOP;
END
$$;
