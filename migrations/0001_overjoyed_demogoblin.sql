CREATE TABLE "config_revisions" (
	"run_id" text NOT NULL,
	"revision" integer NOT NULL,
	"from_round" integer NOT NULL,
	"command" text NOT NULL,
	"changes" jsonb NOT NULL,
	"config" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "config_revisions_run_id_revision_pk" PRIMARY KEY("run_id","revision")
);
--> statement-breakpoint
CREATE TABLE "superseded_rows" (
	"run_id" text NOT NULL,
	"replay" integer NOT NULL,
	"round" integer NOT NULL,
	"from_stage" text NOT NULL,
	"table_name" text NOT NULL,
	"row" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "superseded_rows_run_idx" ON "superseded_rows" USING btree ("run_id","replay");