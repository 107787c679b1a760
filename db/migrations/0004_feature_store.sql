CREATE TABLE "feature_sets" (
	"name" text PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"names" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feature_values" (
	"feature_set" text NOT NULL,
	"timeframe" text NOT NULL,
	"symbol" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"values" real[] NOT NULL,
	CONSTRAINT "feature_values_feature_set_timeframe_symbol_ts_pk" PRIMARY KEY("feature_set","timeframe","symbol","ts")
);
--> statement-breakpoint
CREATE INDEX "feature_values_xs_idx" ON "feature_values" USING btree ("feature_set","timeframe","ts");