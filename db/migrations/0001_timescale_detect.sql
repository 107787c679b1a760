-- TimescaleDB is used when the extension can be created; otherwise the plain-Postgres path is used.
-- The migrator sets mss.timescale_mode ('auto' or 'off') for the session before running migrations.
DO $$
BEGIN
  IF coalesce(current_setting('mss.timescale_mode', true), 'auto') <> 'off'
     AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS timescaledb;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'timescaledb available but not loadable (%), using plain Postgres', SQLERRM;
    END;
  END IF;
END
$$;
--> statement-breakpoint
-- One function every later migration and the app use to choose the path.
CREATE OR REPLACE FUNCTION mss_timescale_enabled() RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') $$;
