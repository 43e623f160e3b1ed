// The data model of SPEC §2. Ids are content-derived (algorithm/random.ts contentId),
// so every write is an idempotent upsert and a replayed step writes the same rows.
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const runs = pgTable('runs', {
  id: text('id').primaryKey(),
  status: text('status', {
    enum: ['running', 'paused', 'stopped', 'completed', 'failed', 'cancelled'],
  }).notNull(),
  seed: integer('seed').notNull(),
  rounds: integer('rounds').notNull(),
  config: jsonb('config').notNull(),
  configHash: text('config_hash').notNull(),
  /** Lineage of a run branched from the end of another run's round. */
  parentRunId: text('parent_run_id'),
  branchedFromRound: integer('branched_from_round'),
  currentRound: integer('current_round').notNull().default(0),
  error: text('error'),
  createdAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

export const rounds = pgTable(
  'rounds',
  {
    runId: text('run_id').notNull(),
    round: integer('round').notNull(),
    status: text('status', { enum: ['running', 'completed', 'failed'] }).notNull(),
    /** The Solver that sampled this round (M_t) and the one it trained (M_t+1). */
    solverModel: text('solver_model').notNull(),
    trainedModel: text('trained_model'),
    summary: jsonb('summary'),
    startedAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.round] })],
);

export const stages = pgTable(
  'stages',
  {
    runId: text('run_id').notNull(),
    round: integer('round').notNull(),
    stage: text('stage').notNull(),
    status: text('status', { enum: ['running', 'completed', 'failed'] }).notNull(),
    detail: jsonb('detail'),
    startedAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.round, t.stage] })],
);

export const problems = pgTable(
  'problems',
  {
    runId: text('run_id').notNull(),
    id: text('id').notNull(),
    text: text('text').notNull(),
    answer: text('answer').notNull(),
    solution: text('solution'),
    /** 'teacher': the Teacher wrote `solution` later as the reference (MathRule-verified); null: it came with the problem. */
    solutionAuthor: text('solution_author', { enum: ['teacher'] }),
    origin: text('origin', { enum: ['seed', 'teacher', 'generator'] }).notNull(),
    parentId: text('parent_id'),
    parentAttemptId: text('parent_attempt_id'),
    roundCreated: integer('round_created').notNull(),
    subject: text('subject'),
    difficulty: integer('difficulty'),
    sourceRef: text('source_ref'),
    status: text('status', { enum: ['active', 'dropped'] })
      .notNull()
      .default('active'),
    droppedRound: integer('dropped_round'),
    dropReason: text('drop_reason'),
    /** The model that wrote it (a Teacher or Generator model id); null for seeds. */
    writerModel: text('writer_model'),
    /** Added by a curriculum refresh (SPEC §4), not by a round. */
    refreshId: text('refresh_id'),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.id] }),
    index('problems_round_idx').on(t.runId, t.roundCreated),
  ],
);

export const roundProblems = pgTable(
  'round_problems',
  {
    runId: text('run_id').notNull(),
    round: integer('round').notNull(),
    problemId: text('problem_id').notNull(),
    source: text('source', { enum: ['fresh', 'replay'] }).notNull(),
    /** Filled by judging: s = correct / k and the zone. */
    correct: integer('correct'),
    k: integer('k'),
    successRate: doublePrecision('success_rate'),
    zone: text('zone', { enum: ['mastered', 'learning', 'too_difficult'] }),
    disagreements: integer('disagreements'),
    /** Why a problem no attempt solved has no verified worked solution, so no reference pairs. */
    noReferenceReason: text('no_reference_reason'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.round, t.problemId] })],
);

export const attempts = pgTable(
  'attempts',
  {
    id: text('id').primaryKey(),
    runId: text('run_id').notNull(),
    problemId: text('problem_id').notNull(),
    round: integer('round').notNull(),
    solverModel: text('solver_model').notNull(),
    sampleIndex: integer('sample_index').notNull(),
    text: text('text').notNull(),
    extractedAnswer: text('extracted_answer'),
    ruleVerdict: boolean('rule_verdict'),
    ruleReason: text('rule_reason'),
    teacherVerdict: boolean('teacher_verdict'),
    errorAnalysis: text('error_analysis'),
    correct: boolean('correct'),
    completionTokens: integer('completion_tokens').notNull().default(0),
    /** A curriculum refresh's probe, not a round's sample. */
    refreshId: text('refresh_id'),
  },
  (t) => [index('attempts_round_idx').on(t.runId, t.round, t.problemId)],
);

export const pairs = pgTable(
  'pairs',
  {
    id: text('id').primaryKey(),
    runId: text('run_id').notNull(),
    round: integer('round').notNull(),
    problemId: text('problem_id').notNull(),
    /** null: the reference solution is the winner. */
    chosenAttemptId: text('chosen_attempt_id'),
    rejectedAttemptId: text('rejected_attempt_id').notNull(),
    split: text('split', { enum: ['train', 'validation'] }).notNull(),
  },
  (t) => [index('pairs_round_idx').on(t.runId, t.round)],
);

/** A new problem written from a source problem (Teacher refinement or Generator), and its fate. */
export const refinements = pgTable(
  'refinements',
  {
    id: text('id').primaryKey(),
    runId: text('run_id').notNull(),
    round: integer('round').notNull(),
    sourceProblemId: text('source_problem_id').notNull(),
    sourceAttemptId: text('source_attempt_id').notNull(),
    mode: text('mode', { enum: ['targeted', 'harder'] }).notNull(),
    author: text('author', { enum: ['teacher', 'generator'] }).notNull(),
    /** The Teacher or Generator model that wrote it. */
    writerModel: text('writer_model'),
    text: text('text'),
    answer: text('answer'),
    solution: text('solution'),
    status: text('status', { enum: ['pending', 'admitted', 'rejected'] }).notNull(),
    reason: text('reason'),
    detail: text('detail'),
    problemId: text('problem_id'),
    /** Filled when the next round has measured the updated Solver on the new problem (SPEC §3 step 11). */
    measuredSuccessRate: doublePrecision('measured_success_rate'),
    utility: doublePrecision('utility'),
  },
  (t) => [index('refinements_round_idx').on(t.runId, t.round)],
);

export const models = pgTable('models', {
  id: text('id').primaryKey(),
  runId: text('run_id').notNull(),
  role: text('role', { enum: ['solver', 'generator'] }).notNull(),
  round: integer('round').notNull(),
  /** The name the serving endpoint knows it by. */
  servedName: text('served_name').notNull(),
  path: text('path'),
  parentName: text('parent_name'),
  steps: integer('steps'),
  metrics: jsonb('metrics'),
  /** The model it was trained from (null: a base model). */
  parentModelId: text('parent_model_id'),
  /** Rounds whose data it was trained on, [first, last]. */
  dataRounds: jsonb('data_rounds').$type<[number, number]>(),
  examples: integer('examples'),
  /** Generator: the sum of the U(q') weights of its examples. */
  weightSum: doublePrecision('weight_sum'),
  createdAt: createdAt(),
});

/** One curriculum refresh (SPEC §4): what it wrote, admitted, probed and kept, by reason. */
export const refreshes = pgTable('refreshes', {
  id: text('id').primaryKey(),
  runId: text('run_id').notNull(),
  /** Kept problems join the curriculum as if added by this round, so the next round's set takes them. */
  round: integer('round').notNull(),
  status: text('status', { enum: ['running', 'completed', 'skipped'] }).notNull(),
  /** Why it was skipped. */
  reason: text('reason'),
  writerRole: text('writer_role', { enum: ['teacher', 'generator'] }),
  writerModel: text('writer_model'),
  solverModel: text('solver_model'),
  band: jsonb('band').$type<[number, number]>(),
  counts: jsonb('counts').$type<Record<string, number>>(),
  startedAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** A problem a refresh wrote, and its fate. */
export const refreshProblems = pgTable(
  'refresh_problems',
  {
    id: text('id').primaryKey(),
    refreshId: text('refresh_id').notNull(),
    runId: text('run_id').notNull(),
    index: integer('index').notNull(),
    sourceProblemId: text('source_problem_id').notNull(),
    sourceAttemptId: text('source_attempt_id').notNull(),
    writerModel: text('writer_model').notNull(),
    text: text('text'),
    answer: text('answer'),
    solution: text('solution'),
    status: text('status', {
      enum: ['planned', 'written', 'rejected', 'admitted', 'kept', 'out-of-band'],
    }).notNull(),
    reason: text('reason'),
    detail: text('detail'),
    problemId: text('problem_id'),
    correct: integer('correct'),
    k: integer('k'),
    successRate: doublePrecision('success_rate'),
  },
  (t) => [index('refresh_problems_idx').on(t.refreshId, t.index)],
);

export const evaluations = pgTable(
  'evaluations',
  {
    runId: text('run_id').notNull(),
    round: integer('round').notNull(),
    benchmark: text('benchmark').notNull(),
    model: text('model').notNull(),
    problems: integer('problems').notNull(),
    samples: integer('samples').notNull(),
    correct: integer('correct').notNull(),
    /** Samples MathRule could not decide, and how many of them the Teacher judged correct (in `correct`). */
    undecided: integer('undecided').notNull().default(0),
    teacherCorrect: integer('teacher_correct').notNull().default(0),
    accuracy: doublePrecision('accuracy').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.round, t.benchmark] })],
);

/** Every paid LLM response, keyed by its content: a retried or replayed step never pays twice. */
export const llmCalls = pgTable(
  'llm_calls',
  {
    key: text('key').primaryKey(),
    role: text('role').notNull(),
    model: text('model').notNull(),
    promptVersion: text('prompt_version').notNull(),
    request: jsonb('request').notNull(),
    /** The content of each choice. */
    choices: jsonb('choices').$type<string[]>().notNull(),
    /** null: the endpoint reported no usable count (absent, negative, not an integer). */
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    runId: text('run_id').notNull(),
    round: integer('round').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('llm_calls_run_idx').on(t.runId, t.round, t.role)],
);

/** Untrusted replies that failed validation: kept for inspection, never used. */
export const replyRejections = pgTable('reply_rejections', {
  id: text('id').primaryKey(),
  runId: text('run_id').notNull(),
  round: integer('round').notNull(),
  role: text('role').notNull(),
  promptVersion: text('prompt_version').notNull(),
  attempt: integer('attempt').notNull(),
  error: text('error').notNull(),
  content: text('content').notNull(),
  createdAt: createdAt(),
});

/** Facts about this database itself; `database-id` is its random identity, which run ids carry. */
export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
/**
 * A repair of a run's config (`--config` on resume, replay or branch): the fields changed,
 * the round they apply from, and the whole config after the change. The run's snapshot in
 * `runs.config` is the latest revision; revision 0 is never stored (it is the first one).
 */
export const configRevisions = pgTable(
  'config_revisions',
  {
    runId: text('run_id').notNull(),
    revision: integer('revision').notNull(),
    fromRound: integer('from_round').notNull(),
    command: text('command', { enum: ['resume', 'replay', 'branch'] }).notNull(),
    changes: jsonb('changes').$type<{ field: string; from: unknown; to: unknown }[]>().notNull(),
    config: jsonb('config').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.revision] })],
);

/**
 * Rows a replay took out of use (`socratic replay`): kept for audit, read by nothing else.
 * `replay` numbers the replays of a run, so a row superseded twice is kept twice.
 */
export const supersededRows = pgTable(
  'superseded_rows',
  {
    runId: text('run_id').notNull(),
    replay: integer('replay').notNull(),
    /** The round and stage the replay started from. */
    round: integer('round').notNull(),
    fromStage: text('from_stage').notNull(),
    table: text('table_name').notNull(),
    row: jsonb('row').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('superseded_rows_run_idx').on(t.runId, t.replay)],
);
