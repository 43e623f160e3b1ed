// SPEC §3 steps 3–4: rule verdicts, the Teacher as judge where the policy needs it,
// their combination, disagreements, success rates and zones.
import { and, eq } from 'drizzle-orm';
import {
  combineVerdicts,
  type Judgement,
  type JudgePolicy,
  needsTeacher,
} from '../algorithm/judging';
import { successRate, zoneOf } from '../algorithm/zones';
import { taskSampling } from '../config/tasks';
import { attempts, roundProblems } from '../db/schema';
import { metrics } from '../metrics';
import { judgePrompt, PROMPT_VERSIONS } from '../prompts';
import { JudgeReply, REPLY_FORMATS } from '../prompts/replies';
import { verify } from '../verifier';
import { type ActivityDeps, runConfig } from './deps';
import { replyByteCap, TRUNCATION_MARK } from './llm/response';
import { attemptsOf, type BatchRef, problemsOfRound } from './round-set';
import { requestSeed } from './sample';
import { settleAll } from './settle';

/** Verifier reasons that mean the attempt's own answer could not be read. */
const UNREADABLE = new Set([
  'prediction does not parse',
  'prediction too long',
  'answer too long to parse',
]);

/**
 * Whether an attempt cannot be judged by the rule because of itself: cut at its size cap,
 * longer than the Solver's cap, or with an answer the rule cannot read. Such an attempt
 * counts as wrong unless the policy trusts the Teacher first: otherwise its text alone
 * would decide whether the rule or the (steerable) Teacher judges it.
 */
export function unjudgeable(text: string, ruleReason: string, maxBytes: number): boolean {
  return (
    text.endsWith(TRUNCATION_MARK) ||
    Buffer.byteLength(text, 'utf8') > maxBytes ||
    UNREADABLE.has(ruleReason)
  );
}

/** The verdict on one attempt; `teacherOnly` when the Teacher alone decided it. */
export function judgeAttempt(
  policy: JudgePolicy,
  rule: boolean | null,
  teacher: boolean | null,
  countsAsWrong: boolean,
): Judgement & { teacherOnly: boolean } {
  if (countsAsWrong && policy !== 'teacher-first')
    return { correct: false, disagreement: false, teacherOnly: false };
  const judgement = combineVerdicts(policy, rule, teacher);
  return { ...judgement, teacherOnly: rule === null && teacher !== null && policy !== 'rule-only' };
}

export async function judgeBatch(
  deps: ActivityDeps,
  ref: BatchRef,
): Promise<{
  judged: number;
  teacherCalls: number;
  disagreements: number;
  /** Attempts judged, and those whose verdict the Teacher alone gave (the rule could not decide). */
  verdicts: number;
  teacherOnlyVerdicts: number;
  /** Attempts cut at their size cap or with an unreadable answer. */
  unjudgeable: number;
}> {
  const config = await runConfig(deps.db, ref.runId);
  const batch = await problemsOfRound(deps.db, ref, { batchSize: config.loop.batchSize });
  let teacherCalls = 0;
  let disagreements = 0;
  let verdicts = 0;
  let teacherOnlyVerdicts = 0;
  let unjudgeableAttempts = 0;
  const maxAttemptBytes = replyByteCap(config.roles.solver.maxTokens);
  await settleAll(
    batch.map(async (problem) => {
      const tries = await attemptsOf(deps.db, { ...ref, problemId: problem.id });
      const rule = await Promise.all(tries.map((a) => verify(problem.answer, a.text)));
      const ruleVerdicts = rule.map((v) => v.equal);
      for (const verdict of ruleVerdicts) metrics.verdict(ref.round, verdict);
      let teacher: JudgeReply['verdicts'] | null = null;
      if (needsTeacher(config.loop.judgePolicy, ruleVerdicts)) {
        teacherCalls++;
        const reply = await deps.llm.chatValidated(
          {
            role: 'teacher',
            model: config.roles.teacher.model,
            promptVersion: PROMPT_VERSIONS.judge,
            messages: judgePrompt(
              problem.text,
              problem.answer,
              tries.map((a) => a.text),
            ),
            ...taskSampling(config, 'judge'),
            responseFormat: REPLY_FORMATS.judge,
            seed: requestSeed(config.seed, 'judge', ref.round, problem.id),
            runId: ref.runId,
            round: ref.round,
          },
          JudgeReply,
          3,
          (r) =>
            sameIndices(r, tries.length)
              ? null
              : `expected one verdict for each of the ${tries.length} answers`,
        );
        teacher = reply?.verdicts ?? null; // no valid reply: the rule verdicts stand alone
      }
      let correct = 0;
      let disagree = 0;
      for (const [i, attempt] of tries.entries()) {
        const teacherVerdict = teacher?.find((v) => v.index === i + 1) ?? null;
        const wrongByItself = unjudgeable(attempt.text, rule[i]?.reason ?? '', maxAttemptBytes);
        const judgement = judgeAttempt(
          config.loop.judgePolicy,
          ruleVerdicts[i] ?? null,
          teacherVerdict?.correct ?? null,
          wrongByItself,
        );
        verdicts++;
        if (wrongByItself) unjudgeableAttempts++;
        if (judgement.teacherOnly) teacherOnlyVerdicts++;
        if (judgement.correct) correct++;
        if (judgement.disagreement) disagree++;
        await deps.db
          .update(attempts)
          .set({
            ruleVerdict: ruleVerdicts[i] ?? null,
            ruleReason: rule[i]?.reason ?? null,
            teacherVerdict: teacherVerdict?.correct ?? null,
            errorAnalysis:
              teacherVerdict && !teacherVerdict.correct ? teacherVerdict.errorAnalysis : null,
            correct: judgement.correct,
          })
          .where(eq(attempts.id, attempt.id));
      }
      disagreements += disagree;
      const rate = successRate(correct, tries.length);
      await deps.db
        .update(roundProblems)
        .set({
          correct,
          k: tries.length,
          successRate: rate,
          zone: zoneOf(rate),
          disagreements: disagree,
        })
        .where(
          and(
            eq(roundProblems.runId, ref.runId),
            eq(roundProblems.round, ref.round),
            eq(roundProblems.problemId, problem.id),
          ),
        );
    }),
  );
  return {
    judged: batch.length,
    teacherCalls,
    disagreements,
    verdicts,
    teacherOnlyVerdicts,
    unjudgeable: unjudgeableAttempts,
  };
}

export function sameIndices(reply: JudgeReply, k: number): boolean {
  const seen = new Set(reply.verdicts.map((v) => v.index));
  return seen.size === k && [...seen].every((i) => i >= 1 && i <= k);
}
