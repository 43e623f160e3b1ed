// SPEC §3 step 5: the Teacher re-solves its too-difficult problems; a problem whose
// reference it cannot reproduce, or whose statement it finds faulty, is dropped.
import { and, eq } from 'drizzle-orm';
import { taskSampling } from '../config/tasks';
import { problems } from '../db/schema';
import { PROMPT_VERSIONS, selfVerifyPrompt } from '../prompts';
import { REPLY_FORMATS, SelfVerifyReply } from '../prompts/replies';
import { verify } from '../verifier';
import { type ActivityDeps, runConfig } from './deps';
import { type BatchRef, problemsOfRound } from './round-set';
import { requestSeed } from './sample';
import { settleAll } from './settle';

export async function selfVerifyBatch(
  deps: ActivityDeps,
  ref: BatchRef,
): Promise<{ checked: number; dropped: number }> {
  const config = await runConfig(deps.db, ref.runId);
  const tooDifficult = await problemsOfRound(deps.db, ref, {
    batchSize: config.loop.batchSize,
    zones: ['too_difficult'],
  });
  let dropped = 0;
  await settleAll(
    tooDifficult.map(async (problem) => {
      const reply = await deps.llm.chatValidated(
        {
          role: 'teacher',
          model: config.roles.teacher.model,
          promptVersion: PROMPT_VERSIONS.selfVerify,
          messages: selfVerifyPrompt(problem.text, problem.answer),
          ...taskSampling(config, 'selfVerify'),
          responseFormat: REPLY_FORMATS.selfVerify,
          seed: requestSeed(config.seed, 'self-verify', problem.id),
          runId: ref.runId,
          round: ref.round,
        },
        SelfVerifyReply,
      );
      if (!reply) return; // no valid reply: keep the problem, the rejection is recorded
      const reason = reply.statementIssue
        ? `teacher finds the statement ${reply.statementIssue}: ${reply.explanation}`
        : (await verify(problem.answer, reply.answer)).equal === false
          ? `teacher re-solved it to ${reply.answer}, not the reference ${problem.answer}`
          : null;
      if (!reason) return;
      dropped++;
      await deps.db
        .update(problems)
        .set({ status: 'dropped', droppedRound: ref.round, dropReason: reason })
        .where(and(eq(problems.runId, ref.runId), eq(problems.id, problem.id)));
    }),
  );
  return { checked: tooDifficult.length, dropped };
}
