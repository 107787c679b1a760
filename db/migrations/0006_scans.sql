CREATE TABLE "saved_scans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"text" text NOT NULL,
	"ast" jsonb NOT NULL,
	"timeframe" text DEFAULT '1d' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scan_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"scan_id" uuid,
	"scan_version" integer,
	"text" text NOT NULL,
	"timeframe" text NOT NULL,
	"as_of" timestamp with time zone,
	"universe" integer NOT NULL,
	"matches" integer NOT NULL,
	"duration_ms" integer NOT NULL,
	"source" text NOT NULL,
	"results" jsonb NOT NULL,
	"new_hits" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "saved_scans" ADD CONSTRAINT "saved_scans_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_runs" ADD CONSTRAINT "scan_runs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_runs" ADD CONSTRAINT "scan_runs_scan_id_saved_scans_id_fk" FOREIGN KEY ("scan_id") REFERENCES "public"."saved_scans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "saved_scans_user_idx" ON "saved_scans" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "scan_runs_user_idx" ON "scan_runs" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "scan_runs_scan_idx" ON "scan_runs" USING btree ("scan_id","created_at");