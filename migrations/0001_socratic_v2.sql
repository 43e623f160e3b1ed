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
CREATE TABLE "refresh_problems" (
	"id" text PRIMARY KEY NOT NULL,
	"refresh_id" text NOT NULL,
	"run_id" text NOT NULL,
	"index" integer NOT NULL,
	"source_problem_id" text NOT NULL,
	"source_attempt_id" text NOT NULL,
	"writer_model" text NOT NULL,
	"text" text,
	"answer" text,
	"solution" text,
	"status" text NOT NULL,
	"reason" text,
	"detail" text,
	"problem_id" text,
	"correct" integer,
	"k" integer,
	"success_rate" double precision
);
--> statement-breakpoint
CREATE TABLE "refreshes" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"round" integer NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"writer_role" text,
	"writer_model" text,
	"solver_model" text,
	"band" jsonb,
	"counts" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
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
ALTER TABLE "attempts" ADD COLUMN "refresh_id" text;--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "undecided" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "teacher_correct" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "parent_model_id" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "data_rounds" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "examples" integer;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "weight_sum" double precision;--> statement-breakpoint
ALTER TABLE "problems" ADD COLUMN "solution_author" text;--> statement-breakpoint
ALTER TABLE "problems" ADD COLUMN "writer_model" text;--> statement-breakpoint
ALTER TABLE "problems" ADD COLUMN "refresh_id" text;--> statement-breakpoint
ALTER TABLE "refinements" ADD COLUMN "writer_model" text;--> statement-breakpoint
ALTER TABLE "round_problems" ADD COLUMN "no_reference_reason" text;--> statement-breakpoint
CREATE INDEX "refresh_problems_idx" ON "refresh_problems" USING btree ("refresh_id","index");--> statement-breakpoint
CREATE INDEX "superseded_rows_run_idx" ON "superseded_rows" USING btree ("run_id","replay");