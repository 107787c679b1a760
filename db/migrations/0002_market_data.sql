CREATE TYPE "public"."asset_class" AS ENUM('stock', 'crypto', 'etf', 'index');--> statement-breakpoint
CREATE TYPE "public"."corporate_action_kind" AS ENUM('split', 'dividend', 'spinoff', 'adjustment');--> statement-breakpoint
CREATE TYPE "public"."dq_severity" AS ENUM('info', 'warning', 'error');--> statement-breakpoint
CREATE TYPE "public"."ingestion_status" AS ENUM('queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled');--> statement-breakpoint
CREATE TABLE "adjustment_factors" (
	"symbol" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"price_factor" double precision NOT NULL,
	"volume_factor" double precision NOT NULL,
	CONSTRAINT "adjustment_factors_symbol_ts_pk" PRIMARY KEY("symbol","ts")
);
--> statement-breakpoint
CREATE TABLE "bars_15m" (
	"symbol" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"open" double precision NOT NULL,
	"high" double precision NOT NULL,
	"low" double precision NOT NULL,
	"close" double precision NOT NULL,
	"volume" double precision NOT NULL,
	"vwap" double precision,
	"trades" bigint,
	"source" text NOT NULL,
	CONSTRAINT "bars_15m_symbol_ts_pk" PRIMARY KEY("symbol","ts")
);
--> statement-breakpoint
CREATE TABLE "bars_1d" (
	"symbol" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"open" double precision NOT NULL,
	"high" double precision NOT NULL,
	"low" double precision NOT NULL,
	"close" double precision NOT NULL,
	"volume" double precision NOT NULL,
	"vwap" double precision,
	"trades" bigint,
	"source" text NOT NULL,
	CONSTRAINT "bars_1d_symbol_ts_pk" PRIMARY KEY("symbol","ts")
);
--> statement-breakpoint
CREATE TABLE "bars_1h" (
	"symbol" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"open" double precision NOT NULL,
	"high" double precision NOT NULL,
	"low" double precision NOT NULL,
	"close" double precision NOT NULL,
	"volume" double precision NOT NULL,
	"vwap" double precision,
	"trades" bigint,
	"source" text NOT NULL,
	CONSTRAINT "bars_1h_symbol_ts_pk" PRIMARY KEY("symbol","ts")
);
--> statement-breakpoint
CREATE TABLE "bars_1m" (
	"symbol" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"open" double precision NOT NULL,
	"high" double precision NOT NULL,
	"low" double precision NOT NULL,
	"close" double precision NOT NULL,
	"volume" double precision NOT NULL,
	"vwap" double precision,
	"trades" bigint,
	"source" text NOT NULL,
	CONSTRAINT "bars_1m_symbol_ts_pk" PRIMARY KEY("symbol","ts")
);
--> statement-breakpoint
CREATE TABLE "bars_4h" (
	"symbol" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"open" double precision NOT NULL,
	"high" double precision NOT NULL,
	"low" double precision NOT NULL,
	"close" double precision NOT NULL,
	"volume" double precision NOT NULL,
	"vwap" double precision,
	"trades" bigint,
	"source" text NOT NULL,
	CONSTRAINT "bars_4h_symbol_ts_pk" PRIMARY KEY("symbol","ts")
);
--> statement-breakpoint
CREATE TABLE "bars_5m" (
	"symbol" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"open" double precision NOT NULL,
	"high" double precision NOT NULL,
	"low" double precision NOT NULL,
	"close" double precision NOT NULL,
	"volume" double precision NOT NULL,
	"vwap" double precision,
	"trades" bigint,
	"source" text NOT NULL,
	CONSTRAINT "bars_5m_symbol_ts_pk" PRIMARY KEY("symbol","ts")
);
--> statement-breakpoint
CREATE TABLE "corporate_actions" (
	"symbol" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"kind" "corporate_action_kind" NOT NULL,
	"value" double precision NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "corporate_actions_symbol_ts_kind_pk" PRIMARY KEY("symbol","ts","kind")
);
--> statement-breakpoint
CREATE TABLE "data_quality_issues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"symbol" text NOT NULL,
	"timeframe" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"rule" text NOT NULL,
	"severity" "dq_severity" NOT NULL,
	"quarantined" boolean DEFAULT false NOT NULL,
	"message" text NOT NULL,
	"values" jsonb NOT NULL,
	"run_id" uuid,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolution" text
);
--> statement-breakpoint
CREATE TABLE "ingestion_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"kind" text NOT NULL,
	"symbols" text[] NOT NULL,
	"timeframe" text NOT NULL,
	"range_start" timestamp with time zone,
	"range_end" timestamp with time zone,
	"status" "ingestion_status" DEFAULT 'queued' NOT NULL,
	"progress" real DEFAULT 0 NOT NULL,
	"rows_in" bigint DEFAULT 0 NOT NULL,
	"rows_out" bigint DEFAULT 0 NOT NULL,
	"rows_quarantined" bigint DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"done_symbols" text[] DEFAULT '{}'::text[] NOT NULL,
	"error" text,
	"job_id" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" integer
);
--> statement-breakpoint
CREATE TABLE "provider_state" (
	"provider" text PRIMARY KEY NOT NULL,
	"breaker" text DEFAULT 'closed' NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"last_success_at" timestamp with time zone,
	"last_error_at" timestamp with time zone,
	"last_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "symbols" (
	"symbol" text PRIMARY KEY NOT NULL,
	"name" text,
	"asset_class" "asset_class" DEFAULT 'stock' NOT NULL,
	"exchange" text,
	"currency" text DEFAULT 'USD' NOT NULL,
	"sector" text,
	"industry" text,
	"active" boolean DEFAULT true NOT NULL,
	"provider_ids" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"provider" text DEFAULT 'yahoo' NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "data_quality_issues" ADD CONSTRAINT "data_quality_issues_run_id_ingestion_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."ingestion_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_quality_issues" ADD CONSTRAINT "data_quality_issues_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingestion_runs" ADD CONSTRAINT "ingestion_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dq_issue_key_idx" ON "data_quality_issues" USING btree ("symbol","timeframe","ts","rule");--> statement-breakpoint
CREATE INDEX "dq_open_idx" ON "data_quality_issues" USING btree ("resolved_at","detected_at");--> statement-breakpoint
CREATE INDEX "ingestion_runs_created_idx" ON "ingestion_runs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "symbols_active_idx" ON "symbols" USING btree ("active","asset_class");