-- TimescaleDB path (only when the extension is enabled, see 0001): bar tables become hypertables with
-- compression of old chunks. Without TimescaleDB the same tables stay plain PostgreSQL tables.
-- Higher timeframes are maintained in both modes by the same set-based rollup (server/services/bars),
-- so queries and results are identical whichever mode runs.
DO $$
DECLARE
  t record;
BEGIN
  IF NOT mss_timescale_enabled() THEN
    RAISE NOTICE 'plain PostgreSQL mode: bar tables stay regular tables';
    RETURN;
  END IF;
  FOR t IN SELECT * FROM (VALUES
      ('bars_1m', INTERVAL '7 days', INTERVAL '30 days'),
      ('bars_5m', INTERVAL '30 days', INTERVAL '90 days'),
      ('bars_15m', INTERVAL '60 days', INTERVAL '180 days'),
      ('bars_1h', INTERVAL '180 days', INTERVAL '365 days'),
      ('bars_4h', INTERVAL '365 days', INTERVAL '730 days'),
      ('bars_1d', INTERVAL '3650 days', INTERVAL '3650 days')
    ) AS v(tbl, chunk, compress_after)
  LOOP
    EXECUTE format('SELECT create_hypertable(%L, by_range(''ts'', %L::interval), migrate_data => true, if_not_exists => true)', t.tbl, t.chunk);
    EXECUTE format('ALTER TABLE %I SET (timescaledb.compress, timescaledb.compress_segmentby = ''symbol'', timescaledb.compress_orderby = ''ts'')', t.tbl);
    EXECUTE format('SELECT add_compression_policy(%L, %L::interval, if_not_exists => true)', t.tbl, t.compress_after);
  END LOOP;
END
$$;
