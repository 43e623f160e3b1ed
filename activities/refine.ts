// SPEC §3 step 8: the Teacher writes a new problem from each learning problem (aimed at
// a failed attempt's error) and each mastered one (a harder variant). Candidates wait
// for admission; an invalid reply is a recorded rejection, never a crashed round.
import { contentId, runContentKey } from '../algorithm/random';
import { taskSampling } from '../config/tasks';
import { refinements } from '../db/schema';
import { PROMPT_VERSIONS, refineHarderPrompt, refineTargetedPrompt } from '../prompts';
import { NewProblemReply, REPLY_FORMATS } from '../prompts/replies';
import { type ActivityDeps, runConfig } from './deps';
import { generateRequest, writerFor } from './generator';
import { attemptsOf, type BatchRef, problemsOfRound } from './round-set';
import { requestSeed } from './sample';
import { settleAll } from './settle';

export async function refineBatch(
  deps: ActivityDeps,
  ref: BatchRef,
): Promise<{ written: number; invalid: number }> {
  const config = await runConfig(deps.db, ref.runId);
  if (config.loop.refinementsPerProblem === 0) return { written: 0, invalid: 0 };
  const sources = await problemsOfRound(deps.db, ref, {
    batchSize: config.loop.batchSize,
    zones: ['learning', 'mastered'],
    activeOnly: true,
  });
  let written = 0;
  let invalid = 0;
  // Algorithm 1: one new problem per (problem, failed attempt): N refinements use N distinct
  // attempts (failed ones for a learning problem, successful ones for a harder variant of a
  // mastered one), in sample order; fewer attempts, fewer refinements.
  const jobs = (
    await Promise.all(
      sources.map(async (source) => {
        const mode = source.zone === 'learning' ? ('targeted' as const) : ('harder' as const);
        const tries = await attemptsOf(
          deps.db,
          { ...ref, problemId: source.id },
          mode === 'harder',
        );
        return tries
          .slice(0, config.loop.refinementsPerProblem)
          .map((attempt, index) => ({ source, mode, attempt, index }));
      }),
    )
  ).flat();
  await settleAll(
    jobs.map(async ({ source, mode, attempt, index }) => {
      const messages =
        mode === 'targeted'
          ? refineTargetedPrompt({
              problem: source.text,
              reference: source.answer,
              failedAttempt: attempt.text,
              errorAnalysis: attempt.errorAnalysis ?? '',
            })
          : refineHarderPrompt({
              problem: source.text,
              reference: source.answer,
              successfulAttempt: attempt.text,
            });
      const teacherRequest = {
        role: 'teacher' as const,
        model: config.roles.teacher.model,
        promptVersion:
          mode === 'targeted' ? PROMPT_VERSIONS.refineTargeted : PROMPT_VERSIONS.refineHarder,
        messages,
        ...taskSampling(config, mode === 'targeted' ? 'refine' : 'harden'),
        responseFormat: REPLY_FORMATS.newProblem,
        seed: requestSeed(config.seed, 'refine', ref.round, source.id, index),
        runId: ref.runId,
        round: ref.round,
      };
      // Who writes it (loop.problemWriter): the Generator gets the same problem and failed attempt.
      const writer = await writerFor(deps, config, ref, source.id, index, mode);
      const reply = await deps.llm.chatValidated(
        writer.author === 'generator'
          ? generateRequest(config, ref, { source, attempt, index, model: writer.model })
          : teacherRequest,
        NewProblemReply,
      );
      const base = {
        id: contentId('refinement', runContentKey(ref.runId), ref.round, source.id, index),
        runId: ref.runId,
        round: ref.round,
        sourceProblemId: source.id,
        sourceAttemptId: attempt.id,
        mode,
        author: writer.author,
        writerModel: writer.model,
      } as const;
      const row = reply
        ? {
            ...base,
            text: reply.problem,
            answer: reply.answer,
            solution: reply.solution,
            status: 'pending' as const,
          }
        : {
            ...base,
            status: 'rejected' as const,
            reason: 'invalid-reply',
            detail: 'no valid JSON reply after retries',
          };
      if (reply) written++;
      else invalid++;
      await deps.db.insert(refinements).values(row).onConflictDoNothing();
    }),
  );
  return { written, invalid };
}
