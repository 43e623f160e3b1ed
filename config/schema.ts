// The one config file (YAML), validated by zod. Every field has the paper's default
// or the embedded default, so an empty file (or none) runs the simulated lab.
import { z } from 'zod';

/** `lab` means the embedded simulated lab (SPEC §8), started in-process. */
export const LAB = 'lab';

const role = (defaults: { model: string; maxTokens: number; concurrency: number }) =>
  z
    .object({
      baseUrl: z.string().default(LAB).describe('OpenAI-compatible base URL, or "lab"'),
      model: z.string().min(1).default(defaults.model),
      /** Name of the environment variable holding the API key: the key itself never enters config. */
      apiKeyEnv: z.string().optional(),
      concurrency: z.number().int().positive().default(defaults.concurrency),
      topP: z.number().gt(0).max(1).optional(),
      /** Per request, unless the task sets its own (tasks.*.maxTokens). */
      maxTokens: z.number().int().positive().default(defaults.maxTokens),
      /** Send the reply's JSON schema as response_format; a server that refuses it (HTTP 400) turns it off for the run. */
      structuredOutput: z.boolean().default(true),
      timeoutSeconds: z.number().positive().default(300),
      maxRetries: z.number().int().nonnegative().default(4),
    })
    .strict()
    .prefault({});

const trainer = z
  .object({
    /** argv of the trainer; `--manifest <path>` is appended. Empty = the lab's simulated trainer. */
    command: z.array(z.string().min(1)).default([]),
    hyperparameters: z
      .record(z.string(), z.union([z.number(), z.string(), z.boolean()]))
      .default({}),
    heartbeatTimeoutSeconds: z.number().positive().default(120),
    /** The longest each phase the trainer reports may last (training: one step); 0 = no limit. */
    phaseTimeoutSeconds: z
      .object({
        loadingModel: z.number().nonnegative().default(3600),
        tokenizing: z.number().nonnegative().default(3600),
        training: z.number().nonnegative().default(3600),
        saving: z.number().nonnegative().default(1800),
      })
      .strict()
      .prefault({}),
    maxAttempts: z.number().int().positive().default(5),
    /** Where checkpoints go; default `<stateDir>/models`. */
    outputRoot: z.string().optional(),
    /** Secret variables (a role's apiKeyEnv, DATABASE_URL) the trainer may see; others are withheld. */
    env: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .prefault({});

const serving = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('static'), model: z.string().optional() }).strict(),
    z
      .object({ mode: z.literal('vllm-lora'), timeoutSeconds: z.number().positive().default(300) })
      .strict(),
    z
      .object({
        mode: z.literal('command'),
        command: z.array(z.string().min(1)).min(1),
        timeoutSeconds: z.number().positive().default(600),
        /** Secret variables the deploy command may see; others are withheld. */
        env: z.array(z.string().min(1)).default([]),
      })
      .strict(),
  ])
  .default({ mode: 'vllm-lora', timeoutSeconds: 300 });

/** One task's sampling: its temperature, and a token limit of its own (default: the role's). */
const task = (temperature: number) =>
  z
    .object({
      temperature: z.number().min(0).max(2).default(temperature),
      maxTokens: z.number().int().positive().optional(),
    })
    .strict()
    .prefault({});

/** What `evaluation.preset: paper` means: Mean@32 at top-p 0.9 (with tasks.evaluate.temperature 0.7). */
export const PAPER_EVALUATION = { samples: 32, topP: 0.9 } as const;

const roleBudget = z
  .object({
    tokensPerRun: z.number().int().positive().optional(),
    tokensPerRound: z.number().int().positive().optional(),
    costPerRun: z.number().positive().optional(),
    costPerRound: z.number().positive().optional(),
  })
  .strict()
  .prefault({});

const band = z
  .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
  .refine(([low, high]) => low <= high, 'the band is [low, high] with low <= high');

const benchmark = z.object({ name: z.string().min(1), path: z.string().min(1) }).strict();

export const Config = z
  .object({
    stateDir: z.string().default('.socratic'),
    seed: z.number().int().default(1),
    rounds: z.number().int().positive().default(3),
    roles: z
      .object({
        solver: role({ model: 'lab-solver', maxTokens: 2048, concurrency: 8 }),
        teacher: role({ model: 'lab-teacher', maxTokens: 4096, concurrency: 4 }),
        generator: role({ model: 'lab-generator', maxTokens: 2048, concurrency: 4 }),
      })
      .strict()
      .prefault({}),
    loop: z
      .object({
        /** Seed problems (JSONL or JSON in the MATH / GSM8K / … formats); "lab" = the lab's own set. */
        seeds: z.string().default(LAB),
        k: z.number().int().min(2).default(8),
        replayRatio: z.number().min(0).max(1).default(0.25),
        /** Problems per sampling/judging activity: keeps one activity short and the history small. */
        batchSize: z.number().int().positive().default(16),
        judgePolicy: z
          .enum(['rule-first', 'teacher-first', 'both', 'rule-only'])
          .default('rule-first'),
        refinementsPerProblem: z.number().int().nonnegative().default(1),
        /** Who writes the targeted refinements of step 8 (harder variants stay the Teacher's). */
        problemWriter: z.enum(['teacher', 'generator', 'mixed']).default('teacher'),
        /** mixed: the share of targeted refinements the Generator writes. */
        generatorShare: z.number().min(0).max(1).default(0.5),
        /** Rounds before this one only accumulate pairs (the official code trains from round 3). */
        trainFromRound: z.number().int().positive().default(1),
        validationFraction: z.number().min(0).max(0.5).default(0.1),
        utility: z
          .object({ mu: z.number().default(0.5), sigma: z.number().positive().default(0.2) })
          .prefault({}),
        admission: z
          .object({
            ngram: z.number().int().positive().default(8),
            maxBenchmarkOverlap: z.number().min(0).max(1).default(0.5),
            nearDuplicateJaccard: z.number().min(0).max(1).default(0.8),
            /** Longer problem texts are rejected (a runaway reply is no problem statement). */
            maxProblemChars: z.number().int().positive().default(8000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Stage 0 (paper §4, ablation): LoRA SFT of the Solver on worked solutions before round 1. */
    warmStart: z
      .object({
        enabled: z.boolean().default(false),
        /** Problems with worked solutions (MATH format, e.g. level-5 train problems); "lab" = the lab's seeds. */
        dataset: z.string().default(LAB),
        /** The first N problems that have a worked solution (paper: 1,500). */
        maxProblems: z.number().int().positive().default(1500),
        /** Passed to the trainer (kind wsft, weight 1): the paper's lr 5e-5, LoRA r 64 / α 128, dropout 0.1, one epoch. */
        hyperparameters: z
          .record(z.string(), z.union([z.number(), z.string(), z.boolean()]))
          .default({
            learning_rate: 5e-5,
            lora_r: 64,
            lora_alpha: 128,
            lora_dropout: 0.1,
            num_train_epochs: 1,
          }),
      })
      .strict()
      .prefault({}),
    generator: z
      .object({
        /** Train the Generator (SPEC §3 step 12) every N rounds, the first from round 2 on; 0 = never. */
        trainEvery: z.number().int().nonnegative().default(0),
        /** A written problem is calibrated when its measured success rate lands in this band. */
        band: band.default([0.2, 0.8]),
      })
      .strict()
      .prefault({}),
    refresh: z
      .object({
        /** Problems the Generator (the Teacher while none is trained) writes per refresh. */
        count: z.number().int().positive().default(16),
        /** Probe attempts per written problem; unset = loop.k. */
        k: z.number().int().min(2).optional(),
        /** Kept when the current Solver's success rate falls inside [low, high]. */
        band: band.default([0.2, 0.8]),
      })
      .strict()
      .prefault({}),
    trainer: z.object({ solver: trainer, generator: trainer }).strict().prefault({}),
    serving: z.object({ solver: serving, generator: serving }).strict().prefault({}),
    /** Sampling settings per task, not per role (paper App. J). */
    tasks: z
      .object({
        solve: task(0.8),
        judge: task(0.1),
        selfVerify: task(0.1),
        referenceSolution: task(0.1),
        refine: task(0.85),
        harden: task(0.85),
        evaluate: task(0.7),
      })
      .strict()
      .prefault({}),
    evaluation: z
      .object({
        /** Benchmarks for Mean@k after each round; "lab" = the lab's held-out set. */
        benchmarks: z.union([z.literal(LAB), z.array(benchmark)]).default(LAB),
        /** `paper`: Mean@32 at top-p 0.9 (the paper's report), whatever samples and topP say. */
        preset: z.enum(['custom', 'paper']).default('custom'),
        samples: z.number().int().positive().default(4),
        topP: z.number().gt(0).max(1).default(0.9),
        /** Answers MathRule cannot decide go to the Teacher as judge (counted separately). */
        teacherFallback: z.boolean().default(true),
        /** Cap per benchmark (first N problems), for quick runs; unset = all. */
        maxProblems: z.number().int().positive().optional(),
        /** Files checked for n-gram overlap at admission; default = the evaluation benchmarks. */
        decontaminate: z.array(z.string()).optional(),
      })
      .strict()
      .transform((e) => (e.preset === 'paper' ? { ...e, ...PAPER_EVALUATION } : e))
      .prefault({}),
    lab: z
      .object({
        port: z.number().int().nonnegative().default(0),
        seed: z.number().int().default(7),
        seedProblems: z.number().int().positive().default(100),
        evalProblems: z.number().int().positive().default(200),
        judgeErrorRate: z.number().min(0).max(1).default(0.03),
        brokenProblemRate: z.number().min(0).max(1).default(0.08),
        malformedJsonRate: z.number().min(0).max(1).default(0.02),
        httpErrorRate: z.number().min(0).max(1).default(0),
        latencyMs: z.number().nonnegative().default(0),
      })
      .strict()
      .prefault({}),
    temporal: z
      .object({
        /** An existing server or cluster; unset = the embedded dev server. */
        address: z.string().optional(),
        namespace: z.string().default('default'),
        taskQueue: z.string().default('socratic'),
        /**
         * Task queues per resource, each polled by the workers that have it (`socratic worker
         * --queues`): LLM calls, CPU and database work, training. Unset = `<taskQueue>-llm`,
         * `<taskQueue>-cpu`, `<taskQueue>-train` (workers/queues.ts derives them).
         */
        taskQueues: z
          .object({
            llm: z.string().min(1).optional(),
            cpu: z.string().min(1).optional(),
            train: z.string().min(1).optional(),
          })
          .strict()
          .optional(),
        /** A batch activity whose worker died is retried after this long without a heartbeat. */
        heartbeatTimeoutSeconds: z.number().positive().default(30),
        /** Batches of one stage that run at once (each bounded further by per-role concurrency). */
        parallelBatches: z.number().int().positive().default(4),
        /**
         * true = TLS checked against the system's CAs (e.g. Temporal Cloud with an API key);
         * an object adds a CA, a server name or a client certificate pair (mTLS).
         */
        tls: z
          .union([
            z.boolean(),
            z
              .object({
                serverName: z.string().optional(),
                certPath: z.string().optional(),
                keyPath: z.string().optional(),
                caPath: z.string().optional(),
              })
              .strict(),
          ])
          .optional(),
        /** Variable holding a Temporal API key (Temporal Cloud); TEMPORAL_API_KEY is read too. */
        apiKeyEnv: z.string().optional(),
        /** A profile of the Temporal CLI's TOML config (TEMPORAL_CONFIG_FILE or its default path). */
        profile: z.string().optional(),
        /** Allow a plaintext connection to a Temporal server that is not on this machine. */
        allowInsecure: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /** USD per million tokens, by model name: the report's cost chart and cost budgets. */
    prices: z
      .record(
        z.string(),
        z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict(),
      )
      .default({}),
    /**
     * Spending limits per role, per run and per round (tokens of paid calls, or their cost
     * by `prices`). Reaching one pauses the run before the next paid call.
     */
    budget: z
      .object({ solver: roleBudget, teacher: roleBudget, generator: roleBudget })
      .strict()
      .prefault({}),
    report: z
      .object({
        /** Temporal Web UI base URL for the report's links (the embedded dev server's is found by itself). */
        temporalUi: z.string().url().optional(),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        /** host:port where `socratic run` and `socratic worker` serve Prometheus metrics; unset = off. */
        address: z.string().optional(),
      })
      .strict()
      .prefault({}),
    /** PostgreSQL URL; unset = PGlite under the state directory. */
    databaseUrl: z.string().optional(),
  })
  .strict();

export type Config = z.infer<typeof Config>;
export type RoleName = keyof Config['roles'];
export type RoleConfig = Config['roles'][RoleName];
export type TrainerConfig = Config['trainer']['solver'];
export type ServingConfig = Config['serving']['solver'];
export type TaskName = keyof Config['tasks'];
