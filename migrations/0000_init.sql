CREATE TABLE "attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"problem_id" text NOT NULL,
	"round" integer NOT NULL,
	"solver_model" text NOT NULL,
	"sample_index" integer NOT NULL,
	"text" text NOT NULL,
	"extracted_answer" text,
	"rule_verdict" boolean,
	"rule_reason" text,
	"teacher_verdict" boolean,
	"error_analysis" text,
	"correct" boolean,
	"completion_tokens" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evaluations" (
	"run_id" text NOT NULL,
	"round" integer NOT NULL,
	"benchmark" text NOT NULL,
	"model" text NOT NULL,
	"problems" integer NOT NULL,
	"samples" integer NOT NULL,
	"correct" integer NOT NULL,
	"accuracy" double precision NOT NULL,
	CONSTRAINT "evaluations_run_id_round_benchmark_pk" PRIMARY KEY("run_id","round","benchmark")
);
--> statement-breakpoint
CREATE TABLE "llm_calls" (
	"key" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"model" text NOT NULL,
	"prompt_version" text NOT NULL,
	"request" jsonb NOT NULL,
	"choices" jsonb NOT NULL,
	"prompt_tokens" integer NOT NULL,
	"completion_tokens" integer NOT NULL,
	"run_id" text NOT NULL,
	"round" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"role" text NOT NULL,
	"round" integer NOT NULL,
	"served_name" text NOT NULL,
	"path" text,
	"parent_name" text,
	"steps" integer,
	"metrics" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pairs" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"round" integer NOT NULL,
	"problem_id" text NOT NULL,
	"chosen_attempt_id" text,
	"rejected_attempt_id" text NOT NULL,
	"split" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "problems" (
	"run_id" text NOT NULL,
	"id" text NOT NULL,
	"text" text NOT NULL,
	"answer" text NOT NULL,
	"solution" text,
	"origin" text NOT NULL,
	"parent_id" text,
	"parent_attempt_id" text,
	"round_created" integer NOT NULL,
	"subject" text,
	"difficulty" integer,
	"source_ref" text,
	"status" text DEFAULT 'active' NOT NULL,
	"dropped_round" integer,
	"drop_reason" text,
	CONSTRAINT "problems_run_id_id_pk" PRIMARY KEY("run_id","id")
);
--> statement-breakpoint
CREATE TABLE "refinements" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"round" integer NOT NULL,
	"source_problem_id" text NOT NULL,
	"source_attempt_id" text NOT NULL,
	"mode" text NOT NULL,
	"author" text NOT NULL,
	"text" text,
	"answer" text,
	"solution" text,
	"status" text NOT NULL,
	"reason" text,
	"detail" text,
	"problem_id" text,
	"measured_success_rate" double precision,
	"utility" double precision
);
--> statement-breakpoint
CREATE TABLE "reply_rejections" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"round" integer NOT NULL,
	"role" text NOT NULL,
	"prompt_version" text NOT NULL,
	"attempt" integer NOT NULL,
	"error" text NOT NULL,
	"content" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "round_problems" (
	"run_id" text NOT NULL,
	"round" integer NOT NULL,
	"problem_id" text NOT NULL,
	"source" text NOT NULL,
	"correct" integer,
	"k" integer,
	"success_rate" double precision,
	"zone" text,
	"disagreements" integer,
	CONSTRAINT "round_problems_run_id_round_problem_id_pk" PRIMARY KEY("run_id","round","problem_id")
);
--> statement-breakpoint
CREATE TABLE "rounds" (
	"run_id" text NOT NULL,
	"round" integer NOT NULL,
	"status" text NOT NULL,
	"solver_model" text NOT NULL,
	"trained_model" text,
	"summary" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "rounds_run_id_round_pk" PRIMARY KEY("run_id","round")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"seed" integer NOT NULL,
	"rounds" integer NOT NULL,
	"config" jsonb NOT NULL,
	"config_hash" text NOT NULL,
	"parent_run_id" text,
	"branched_from_round" integer,
	"current_round" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stages" (
	"run_id" text NOT NULL,
	"round" integer NOT NULL,
	"stage" text NOT NULL,
	"status" text NOT NULL,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "stages_run_id_round_stage_pk" PRIMARY KEY("run_id","round","stage")
);
--> statement-breakpoint
CREATE INDEX "attempts_round_idx" ON "attempts" USING btree ("run_id","round","problem_id");--> statement-breakpoint
CREATE INDEX "llm_calls_run_idx" ON "llm_calls" USING btree ("run_id","round","role");--> statement-breakpoint
CREATE INDEX "pairs_round_idx" ON "pairs" USING btree ("run_id","round");--> statement-breakpoint
CREATE INDEX "problems_round_idx" ON "problems" USING btree ("run_id","round_created");--> statement-breakpoint
CREATE INDEX "refinements_round_idx" ON "refinements" USING btree ("run_id","round");