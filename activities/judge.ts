// SPEC §3 steps 3–4: rule verdicts, the Teacher as judge where the policy needs it,
// their combination, disagreements, success rates and zones.
import { and, eq } from 'drizzle-orm';
import { combineVerdicts, needsTeacher } from '../algorithm/judging';
import { successRate, zoneOf } from '../algorithm/zones';
import { attempts, roundProblems } from '../db/schema';
import { metrics } from '../metrics';
import { judgePrompt, PROMPT_VERSIONS } from '../prompts';
import { JudgeReply } from '../prompts/replies';
import { verify } from '../verifier';
import { type ActivityDeps, runConfig } from './deps';
import { attemptsOf, type BatchRef, problemsOfRound } from './round-set';
import { requestSeed } from './sample';

export async function judgeBatch(
  deps: ActivityDeps,
  ref: BatchRef,
): Promise<{ judged: number; teacherCalls: number; disagreements: number }> {
  const config = await runConfig(deps.db, ref.runId);
  const batch = await problemsOfRound(deps.db, ref, { batchSize: config.loop.batchSize });
  let teacherCalls = 0;
  let disagreements = 0;
  await Promise.all(
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
        const judgement = combineVerdicts(
          config.loop.judgePolicy,
          ruleVerdicts[i] ?? null,
          teacherVerdict?.correct ?? null,
        );
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
  return { judged: batch.length, teacherCalls, disagreements };
}

function sameIndices(reply: JudgeReply, k: number): boolean {
  const seen = new Set(reply.verdicts.map((v) => v.index));
  return seen.size === k && [...seen].every((i) => i >= 1 && i <= k);
}
