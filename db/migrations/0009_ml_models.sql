CREATE TYPE "public"."model_run_status" AS ENUM('queued', 'running', 'completed', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."model_stage" AS ENUM('none', 'staging', 'production', 'archived');--> statement-breakpoint
CREATE TABLE "dataset_specs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"spec" jsonb NOT NULL,
	"spec_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_artifacts" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"format" text NOT NULL,
	"model_json" jsonb NOT NULL,
	"weights" "bytea",
	"scaler" jsonb NOT NULL,
	"features" text[] NOT NULL,
	"pred_stats" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_checkpoints" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"epoch" integer NOT NULL,
	"state" jsonb NOT NULL,
	"data" "bytea" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_name" text NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb NOT NULL,
	"train_options" jsonb NOT NULL,
	"split" jsonb NOT NULL,
	"dataset_spec_id" uuid,
	"dataset_spec" jsonb NOT NULL,
	"spec_hash" text NOT NULL,
	"dataset_hash" text,
	"git_sha" text,
	"backend" text,
	"status" "model_run_status" DEFAULT 'queued' NOT NULL,
	"progress" real DEFAULT 0 NOT NULL,
	"epoch" integer,
	"epochs" integer,
	"eta_ms" integer,
	"curves" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"metrics" jsonb,
	"resumed_from_epoch" integer,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"error" text,
	"job_id" text,
	"created_by" uuid,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_stage_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_version_id" uuid NOT NULL,
	"model_name" text NOT NULL,
	"version" integer NOT NULL,
	"from_stage" "model_stage" NOT NULL,
	"to_stage" "model_stage" NOT NULL,
	"actor_id" uuid,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_name" text NOT NULL,
	"version" integer NOT NULL,
	"run_id" uuid NOT NULL,
	"stage" "model_stage" DEFAULT 'none' NOT NULL,
	"created_by" uuid,
	"stage_changed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "predictions" (
	"symbol" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"horizon" integer NOT NULL,
	"score" double precision NOT NULL,
	"confidence" double precision NOT NULL,
	"model_version_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "predictions_symbol_ts_horizon_model_version_id_pk" PRIMARY KEY("symbol","ts","horizon","model_version_id")
);
--> statement-breakpoint
ALTER TABLE "dataset_specs" ADD CONSTRAINT "dataset_specs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_artifacts" ADD CONSTRAINT "model_artifacts_run_id_model_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."model_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_checkpoints" ADD CONSTRAINT "model_checkpoints_run_id_model_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."model_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_runs" ADD CONSTRAINT "model_runs_dataset_spec_id_dataset_specs_id_fk" FOREIGN KEY ("dataset_spec_id") REFERENCES "public"."dataset_specs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_runs" ADD CONSTRAINT "model_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_stage_changes" ADD CONSTRAINT "model_stage_changes_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_stage_changes" ADD CONSTRAINT "model_stage_changes_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_run_id_model_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."model_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "predictions" ADD CONSTRAINT "predictions_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_specs_hash_idx" ON "dataset_specs" USING btree ("spec_hash");--> statement-breakpoint
CREATE INDEX "model_runs_created_idx" ON "model_runs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "model_runs_status_idx" ON "model_runs" USING btree ("status","created_by");--> statement-breakpoint
CREATE INDEX "model_stage_changes_name_idx" ON "model_stage_changes" USING btree ("model_name","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_name_version_idx" ON "model_versions" USING btree ("model_name","version");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_run_idx" ON "model_versions" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "model_versions_stage_idx" ON "model_versions" USING btree ("stage");--> statement-breakpoint
CREATE INDEX "predictions_version_ts_idx" ON "predictions" USING btree ("model_version_id","ts");