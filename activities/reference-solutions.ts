// SPEC §3 step 6: the chosen side of a problem no attempt solved is its reference
// solution, a worked one, never a bare answer. A problem that came without one gets one
// from the Teacher (once: it is stored on the problem), accepted only when MathRule finds
// its final answer equal to the reference answer; otherwise the round records why and
// the problem gives no reference pairs.
import { and, eq } from 'drizzle-orm';
import { taskSampling } from '../config/tasks';
import { problems, roundProblems } from '../db/schema';
import { PROMPT_VERSIONS, referenceSolutionPrompt } from '../prompts';
import { extractAnswer, extractBoxed, verify } from '../verifier';
import { type ActivityDeps, runConfig } from './deps';
import { type BatchRef, problemsOfRound } from './round-set';
import { requestSeed } from './sample';

/** Requests (with different seeds) before a problem is left without a reference solution. */
const TRIES = 2;
/** A solution is stored whole up to this size; a longer one is not a usable DPO target. */
const MAX_SOLUTION_CHARS = 20_000;

export async function referenceSolutionsBatch(
  deps: ActivityDeps,
  ref: BatchRef,
): Promise<{ needed: number; written: number; missing: number }> {
  const config = await runConfig(deps.db, ref.runId);
  const unsolved = await problemsOfRound(deps.db, ref, {
    batchSize: config.loop.batchSize,
    zones: ['too_difficult'],
    activeOnly: true,
  });
  const needed = unsolved.filter((p) => !p.solution?.trim());
  let written = 0;
  await Promise.all(
    needed.map(async (problem) => {
      let reason = 'the Teacher gave no reply';
      for (let attempt = 0; attempt < TRIES; attempt++) {
        const { choices } = await deps.llm.chat({
          role: 'teacher',
          model: config.roles.teacher.model,
          promptVersion: PROMPT_VERSIONS.referenceSolution,
          messages: referenceSolutionPrompt(problem.text, problem.answer),
          ...taskSampling(config, 'referenceSolution'),
          seed: requestSeed(config.seed, 'reference-solution', problem.id, attempt),
          runId: ref.runId,
          round: ref.round,
        });
        const solution = (choices[0] ?? '').trim();
        reason = await unverified(solution, problem.answer);
        if (reason) continue;
        written++;
        await deps.db
          .update(problems)
          .set({ solution, solutionAuthor: 'teacher' })
          .where(and(eq(problems.runId, ref.runId), eq(problems.id, problem.id)));
        return;
      }
      await deps.db
        .update(roundProblems)
        .set({ noReferenceReason: `no verified reference solution: ${reason}` })
        .where(
          and(
            eq(roundProblems.runId, ref.runId),
            eq(roundProblems.round, ref.round),
            eq(roundProblems.problemId, problem.id),
          ),
        );
    }),
  );
  return { needed: needed.length, written, missing: needed.length - written };
}

/** Why a Teacher-written solution cannot serve as the reference; '' when it can. */
async function unverified(solution: string, answer: string): Promise<string> {
  if (!solution) return 'the Teacher wrote an empty solution';
  if (solution.length > MAX_SOLUTION_CHARS)
    return `the Teacher's solution is longer than ${MAX_SOLUTION_CHARS} characters`;
  const final = extractAnswer(solution);
  if (final === null) return "the Teacher's solution states no final answer";
  const verdict = await verify(answer, solution);
  if (verdict.equal === true) return '';
  return `the Teacher's solution ends in ${final.slice(0, 200)}, which MathRule does not find equal to the reference ${answer.slice(0, 200)}`;
}

/**
 * The chosen side of a reference pair: the worked solution, ending in the boxed answer
 * the Solver is asked for (added when the solution boxes none).
 */
export function referenceCompletion(solution: string, answer: string): string {
  return extractBoxed(solution) === null
    ? `${solution.trim()}\n\nThe answer is $\\boxed{${answer}}$.`
    : solution.trim();
}
