-- TimescaleDB path: feature_values becomes a hypertable with compression of old chunks (segmented by
-- feature set and symbol). Plain PostgreSQL keeps the regular table; queries are identical.
DO $$
BEGIN
  IF NOT mss_timescale_enabled() THEN
    RETURN;
  END IF;
  EXECUTE 'SELECT create_hypertable(''feature_values'', by_range(''ts'', INTERVAL ''365 days''), migrate_data => true, if_not_exists => true)';
  EXECUTE 'ALTER TABLE feature_values SET (timescaledb.compress, timescaledb.compress_segmentby = ''feature_set, timeframe, symbol'', timescaledb.compress_orderby = ''ts'')';
  EXECUTE 'SELECT add_compression_policy(''feature_values'', INTERVAL ''730 days'', if_not_exists => true)';
END
$$;
