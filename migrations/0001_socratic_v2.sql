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
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
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
ALTER TABLE "llm_calls" ALTER COLUMN "prompt_tokens" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "llm_calls" ALTER COLUMN "completion_tokens" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "undecided" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "teacher_correct" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "problems" ADD COLUMN "solution_author" text;--> statement-breakpoint
ALTER TABLE "round_problems" ADD COLUMN "no_reference_reason" text;--> statement-breakpoint
CREATE INDEX "superseded_rows_run_idx" ON "superseded_rows" USING btree ("run_id","replay");