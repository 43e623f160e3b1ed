// The commented example config that `socratic init` writes. It is rendered from the
// schema's own defaults, in the schema's order, so it never drifts from them: a setting
// added to the schema appears here by itself (add a comment for it below), and loading
// the example gives exactly the defaults.
import { writeFile } from 'node:fs/promises';
import { Config } from './schema';

/** Comment at the end of a setting's line, by dotted path ("*" = any role). */
const LINE_COMMENTS: Record<string, string> = {
  stateDir: 'database (PGlite), caches, datasets, models',
  seed: 'seeds every random draw (replay, splits)',
  rounds: 'co-evolution rounds (paper: 3-5)',
  'roles.solver': 'the policy being trained (paper: Qwen3-8B-Base)',
  'roles.teacher': 'frozen judge and problem writer (paper: Qwen3-235B-A22B)',
  'roles.generator': 'distilled problem writer (paper: Qwen3-32B)',
  'roles.*.baseUrl': 'OpenAI-compatible base URL, or "lab"',
  'roles.*.concurrency': 'requests in flight at once',
  'roles.*.timeoutSeconds': 'per request',
  'roles.*.maxRetries': 'per request, on HTTP 429/5xx and timeouts',
  'roles.*.maxTokens': 'per request, unless tasks.*.maxTokens says',
  'roles.*.structuredOutput': 'send JSON schemas; off by itself on HTTP 400',
  'tasks.solve': 'Solver sampling (paper: 0.8-0.9)',
  'tasks.judge': 'Teacher as judge (paper: 0.1)',
  'tasks.selfVerify': 'Teacher re-solving (paper: 0.1)',
  'tasks.referenceSolution': 'Teacher writing worked solutions',
  'tasks.refine': 'problems aimed at a failure (paper: 0.8-0.9)',
  'tasks.harden': 'harder variants (paper: 0.8-0.9)',
  'tasks.evaluate': 'Mean@k sampling (paper: 0.7)',
  'loop.k': 'Solver attempts per problem (paper: 8)',
  'loop.replayRatio': 'old problems replayed per new one',
  'loop.batchSize': 'problems per sampling/judging activity',
  'loop.refinementsPerProblem': 'new problems per source problem',
  'loop.trainFromRound': 'earlier rounds only collect pairs',
  'loop.problemWriter': 'teacher | generator | mixed: who writes targeted refinements',
  'loop.generatorShare': "mixed: the Generator's share",
  'generator.trainEvery': 'rounds between Generator trainings (from round 2); 0 = never',
  'generator.band': 'success-rate band that counts as calibrated',
  'refresh.count': 'problems written per refresh',
  'refresh.band': 'kept when the Solver succeeds this often',
  'loop.validationFraction': 'preference pairs held out',
  'loop.utility': 'Generator sample weight exp(-(s - mu)^2 / (2 sigma^2))',
  'loop.admission': 'checks a new problem must pass to join the curriculum',
  'loop.admission.ngram': 'n of the decontamination n-grams',
  'loop.admission.maxBenchmarkOverlap': 'share of n-grams seen in a benchmark',
  'loop.admission.nearDuplicateJaccard': 'similarity that makes a duplicate',
  'loop.admission.maxProblemChars': 'longer problem texts are rejected',
  'warmStart.enabled': 'stage 0: SFT of the Solver on worked solutions before round 1 (paper: on)',
  'warmStart.dataset': 'problems with worked solutions; "lab" = the lab\'s seeds',
  'warmStart.maxProblems': 'paper: 1,500 MATH level-5 problems',
  'trainer.solver': 'DPO on the preference pairs',
  'trainer.generator': 'value-weighted SFT',
  'trainer.*.heartbeatTimeoutSeconds': 'silent this long = stalled',
  'trainer.*.phaseTimeoutSeconds': 'per phase the trainer reports; it repeats its phase while busy',
  'trainer.*.phaseTimeoutSeconds.training': 'one step (a GPU step at the paper batch size)',
  'trainer.*.maxAttempts': 'tries, counting retryable exits',
  'evaluation.preset': 'paper = Mean@32, top-p 0.9 (overrides both)',
  'evaluation.samples': 'k of Mean@k (paper: 32)',
  'evaluation.teacherFallback': 'Teacher judges what MathRule cannot',
  'lab.port': '0 = any free port',
  'lab.judgeErrorRate': 'Teacher verdicts that are wrong',
  'lab.brokenProblemRate': 'problems self-verification must catch',
  'lab.malformedJsonRate': 'Teacher replies that are not JSON',
  'lab.httpErrorRate': 'injected HTTP 429/500 responses',
  'lab.latencyMs': 'added to every response',
  'temporal.taskQueue': "the workflows' queue (and every activity of older runs)",
  'temporal.heartbeatTimeoutSeconds': "seconds before a dead worker's batch is retried",
  'temporal.parallelBatches': 'batches of one stage running at once',
  'temporal.allowInsecure': 'plaintext to a server on another machine',
  'trainer.*.env': 'secret variables it may see (withheld otherwise)',
};

/** Comment lines above a setting. */
const HEADERS: Record<string, string[]> = {
  roles: [
    'The three agents, each behind an OpenAI-compatible endpoint (vLLM, SGLang, Ollama,',
    'an API); "lab" = the simulated lab.',
  ],
  'loop.seeds': [
    'Seed problems: a JSON array or JSON lines file in the MATH, GSM8K, AIME, AMC, Minerva',
    'or OlympiadBench format (e.g. seeds_paper100.jsonl), or "lab" for the lab\'s own set.',
  ],
  'loop.judgePolicy': [
    'How the rule verifier and the Teacher combine: rule-first | teacher-first | both | rule-only',
  ],
  generator: [
    'The Generator (SPEC §3 step 12): distilled from the Teacher by value-weighted SFT on',
    'its targeted refinements, weighted by U(s) measured in the next round.',
  ],
  refresh: [
    'The nightly curriculum refresh (socratic schedule create --run ID ...): new problems',
    'from recent failures, probed by the current Solver, kept inside the band.',
  ],
  trainer: ['How models are trained: a separate process that follows the trainer contract.'],
  'trainer.*.command': [
    'argv, run without a shell; "--manifest <path>" is appended. [] = the lab\'s trainer.',
    'command: ["socratic-trainer"]  (the trainer in trainers/)',
  ],
  'trainer.*.hyperparameters': [
    'Copied into the manifest, e.g. { learning_rate: 5.0e-6, beta: 0.1, max_length: 2048 }',
  ],
  serving: [
    'How a trained model becomes servable for the next round:',
    '  { mode: static, model: my-model }                 the operator serves it',
    '  { mode: vllm-lora, timeoutSeconds: 300 }          load the adapter on a running vLLM',
    '  { mode: command, command: [./deploy.sh], timeoutSeconds: 600 }',
    '                                                    run it, then wait for /v1/models',
    '  (command mode: env: [NAME] passes a secret variable on; the others are withheld)',
  ],
  'evaluation.benchmarks': [
    'Mean@k benchmarks after each round, or "lab" for the lab\'s held-out set, e.g.',
    '  benchmarks:',
    '    - { name: math500, path: data/math500.json }',
    '    - { name: gsm8k, path: data/gsm8k_test.jsonl }',
  ],
  tasks: [
    "Sampling per task, not per role: temperature, and maxTokens (default: the role's;",
    "the judge's default grows with k so its JSON for k answers is not cut off).",
  ],
  lab: ['The simulated lab, used wherever a role, the seeds or the benchmarks say "lab".'],
  prices: [
    'USD per million tokens by model name, for cost budgets and the report, e.g.',
    '  prices: { gpt-4.1: { input: 2.0, output: 8.0 } }',
  ],
  budget: [
    'Limits per role on paid calls: tokensPerRun, tokensPerRound, costPerRun, costPerRound',
    '(USD, by prices). Reaching one pauses the run before the next paid call; raise it and',
    '`socratic resume --config FILE`. e.g. teacher: { tokensPerRound: 2000000 }',
  ],
  report: [
    "`socratic report`'s links to the Temporal UI, e.g. temporalUi: http://temporal-ui:8080",
    "(the embedded dev server's is found by itself).",
  ],
  metrics: [
    "Prometheus metrics of `socratic run` and `socratic worker` (the SDK's and ours) at",
    'http://<address>/metrics, e.g. address: 127.0.0.1:9464; unset = off.',
  ],
};

/** Optional settings (no default) shown commented out after a setting: [setting, comment?]. */
const OPTIONAL_AFTER: Record<string, [string, string?][]> = {
  'roles.*.model': [['apiKeyEnv: OPENAI_API_KEY', 'variable holding the API key (not the key)']],
  'roles.*.concurrency': [['topP: 0.95']],
  'tasks.*.temperature': [['maxTokens: 4096']],
  'refresh.count': [['k: 8', 'probe attempts per problem; default loop.k']],
  'trainer.*.maxAttempts': [['outputRoot: models', 'checkpoints; default <stateDir>/models']],
  'evaluation.topP': [
    ['maxProblems: 50', 'first N per benchmark, for quick runs'],
    ['decontaminate: [data/aime24.jsonl]', 'n-gram checked; default: the benchmarks'],
  ],
  'temporal.taskQueue': [
    ['taskQueues: { llm: socratic-llm, cpu: socratic-cpu, train: socratic-train }'],
    ['  (per resource, for `socratic worker --queues`; default <taskQueue>-llm, -cpu, -train)'],
  ],
  'temporal.parallelBatches': [
    ['address: temporal.example.com:7233', 'unset = the embedded dev server'],
    ['tls: { serverName: temporal.example.com, certPath: client.pem, keyPath: client.key }'],
    ['apiKeyEnv: TEMPORAL_API_KEY', 'variable holding the API key; implies TLS'],
    ['profile: prod', "a profile of the Temporal CLI's temporal.toml"],
  ],
};

const PREAMBLE = `# Socratic-Zero orchestrator config (socratic.yaml).
# Every value below is the default: delete what you do not change. With no file at
# all the same defaults run the embedded simulated lab. Relative paths are relative
# to this file's directory.
`;

const TRAILER = `
# PostgreSQL URL; unset = PGlite under stateDir.
# databaseUrl: postgres://socratic@localhost:5432/socratic
`;

const COMMENT_COLUMN = 34;

/** The example \`socratic.yaml\`: every section, every default, the options explained. */
export function exampleConfigYaml(): string {
  return `${PREAMBLE}\n${renderMapping(Config.parse({}), [])}${TRAILER}`;
}

function renderMapping(mapping: object, parentPath: string[]): string {
  const indent = '  '.repeat(parentPath.length);
  let out = '';
  for (const [key, value] of Object.entries(mapping)) {
    const settingPath = [...parentPath, key];
    const isSection = isNonEmptyMapping(value);
    // Top-level sections are set apart by a blank line.
    if (parentPath.length === 0 && isSection) out += '\n';
    for (const line of lookUp(HEADERS, settingPath) ?? []) out += `${indent}# ${line}\n`;
    const comment = lookUp(LINE_COMMENTS, settingPath);
    if (isSection) {
      out += withComment(`${indent}${key}:`, comment);
      out += renderMapping(value, settingPath);
    } else {
      // JSON is valid YAML for scalars, lists and {}.
      out += withComment(`${indent}${key}: ${JSON.stringify(value)}`, comment);
    }
    for (const [setting, note] of lookUp(OPTIONAL_AFTER, settingPath) ?? []) {
      out += withComment(`${indent}# ${setting}`, note);
    }
  }
  return out;
}

function isNonEmptyMapping(value: unknown): value is object {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0
  );
}

function withComment(text: string, comment: string | undefined): string {
  return comment ? `${text.padEnd(COMMENT_COLUMN - 1)} # ${comment}\n` : `${text}\n`;
}

/** The entry for a path, trying "roles.*.x"-style wildcards for the per-role sections. */
function lookUp<T>(table: Record<string, T>, settingPath: string[]): T | undefined {
  const exact = table[settingPath.join('.')];
  if (exact !== undefined || settingPath.length < 3) return exact;
  return table[[settingPath[0], '*', ...settingPath.slice(2)].join('.')];
}

const USAGE = 'usage: socratic init [--out FILE] [--force]';

/** `socratic init`: writes the example config; refuses to overwrite a file unless --force. */
export async function initConfigCommand(argv: string[]): Promise<number> {
  let out = 'socratic.yaml';
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--force' || arg === '-f') force = true;
    else if (arg === '--out' || arg === '-o') {
      const value = argv[++i];
      if (!value) {
        console.error(`socratic init: ${arg} needs a file name\n${USAGE}`);
        return 2;
      }
      out = value;
    } else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      return 0;
    } else {
      console.error(`socratic init: unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
      return 2;
    }
  }
  try {
    // "wx" fails if the file exists, atomically: no check-then-write race.
    await writeFile(out, exampleConfigYaml(), { flag: force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      console.error(`socratic init: ${out} already exists (use --force to overwrite it)`);
      return 1;
    }
    console.error(`socratic init: cannot write ${out} (${code ?? String(error)})`);
    return 1;
  }
  console.log(`wrote ${out}: every value is the default; edit what you need`);
  return 0;
}
