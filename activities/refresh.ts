// SPEC §4, the nightly curriculum refresh: from a run's most recent (problem, failed
// attempt) pairs, the latest Generator (the Teacher while none is trained) writes new
// problems; the step-9 checks admit them; the current Solver probes each with k attempts;
// those whose success rate falls inside the band join the curriculum as if added by the
// last finished round, so the next round's set takes them. Every step is keyed by the
// refresh id and the problem's index, so a crashed or retried refresh resumes.

import { and, asc, desc, eq, gt, isNull } from 'drizzle-orm';
import { probeVerdict } from '../algorithm/generator';
import { contentId, seededShuffle } from '../algorithm/random';
import { taskSampling } from '../config/tasks';
import { attempts, problems, refreshes, refreshProblems, rounds } from '../db/schema';
import { PROMPT_VERSIONS, refineTargetedPrompt, solvePrompt } from '../prompts';
import { NewProblemReply, REPLY_FORMATS } from '../prompts/replies';
import { extractAnswer, verify } from '../verifier';
import { admissionGate, problemId } from './admit';
import { type ActivityDeps, runConfig } from './deps';
import { ALL_ROUNDS, generateRequest, latestGenerator } from './generator';
import { batchCount, batchSlice } from './round-set';
import { requestSeed } from './sample';
import { ensureServed } from './serving/ensure-served';
import { ensureSolverServed, solverFor } from './train';

export interface RefreshRequest {
  runId: string;
  refreshId: string;
  /** Overrides of the run's refresh.count and refresh.band. */
  count?: number;
  band?: [number, number];
}

export interface RefreshRef {
  runId: string;
  refreshId: string;
}

export type RefreshStart =
  | { skipped: true; reason: string }
  | { skipped: false; round: number; batches: number };

async function refreshRow(deps: ActivityDeps, refreshId: string) {
  const [row] = await deps.db.select().from(refreshes).where(eq(refreshes.id, refreshId));
  return row;
}

/**
 * Plans a refresh (once: a retry or a resumed workflow finds the plan), or records why it
 * is skipped: a round of the run is running (it is writing the same curriculum), no round
 * has finished, or the last one left no failed attempts.
 */
export async function beginRefresh(
  deps: ActivityDeps,
  request: RefreshRequest,
): Promise<RefreshStart> {
  const config = await runConfig(deps.db, request.runId);
  const batches = (n: number) => batchCount(n, config.loop.batchSize);
  const existing = await refreshRow(deps, request.refreshId);
  if (existing?.status === 'skipped') return { skipped: true, reason: existing.reason ?? '' };
  if (existing) {
    const planned = await deps.db
      .select({ id: refreshProblems.id })
      .from(refreshProblems)
      .where(eq(refreshProblems.refreshId, request.refreshId));
    return { skipped: false, round: existing.round, batches: batches(planned.length) };
  }
  const skip = async (reason: string): Promise<RefreshStart> => {
    await deps.db
      .insert(refreshes)
      .values({
        id: request.refreshId,
        runId: request.runId,
        round: 0,
        status: 'skipped',
        reason,
        finishedAt: new Date(),
      })
      .onConflictDoNothing();
    return { skipped: true, reason };
  };
  const runRounds = await deps.db
    .select({ round: rounds.round, status: rounds.status })
    .from(rounds)
    .where(eq(rounds.runId, request.runId))
    .orderBy(desc(rounds.round));
  const running = runRounds.find((r) => r.status === 'running');
  if (running)
    return skip(
      `round ${running.round} is running: a refresh never writes beside a round; the next refresh will run`,
    );
  const round = runRounds.find((r) => r.status === 'completed')?.round;
  if (round === undefined)
    return skip('no round of the run has finished yet: no failures to aim at');

  // The most recent (problem, failed attempt) pairs: the last round's wrong attempts on
  // problems still active, drawn by a shuffle keyed on the refresh, so refreshes differ.
  const failures = await deps.db
    .select({ id: attempts.id, problemId: attempts.problemId })
    .from(attempts)
    .innerJoin(
      problems,
      and(eq(problems.runId, attempts.runId), eq(problems.id, attempts.problemId)),
    )
    .where(
      and(
        eq(attempts.runId, request.runId),
        eq(attempts.round, round),
        eq(attempts.correct, false),
        isNull(attempts.refreshId),
        eq(problems.status, 'active'),
      ),
    );
  if (failures.length === 0) return skip(`round ${round} left no failed attempts to aim at`);
  const byId = new Map(failures.map((f) => [f.id, f]));
  const count = request.count ?? config.refresh.count;
  const chosen = seededShuffle(
    failures.map((f) => f.id),
    request.refreshId,
  ).slice(0, count);

  const generator = await latestGenerator(deps.db, request.runId, ALL_ROUNDS);
  const writerRole = generator ? 'generator' : 'teacher';
  const writerModel = generator?.servedName ?? config.roles.teacher.model;
  const solverModel = await solverFor(deps, request.runId, round + 1);
  await deps.db.transaction(async (tx) => {
    await tx
      .insert(refreshProblems)
      .values(
        chosen.map((attemptId, index) => ({
          id: contentId('refresh-problem', request.refreshId, index),
          refreshId: request.refreshId,
          runId: request.runId,
          index,
          sourceProblemId: byId.get(attemptId)!.problemId,
          sourceAttemptId: attemptId,
          writerModel,
          status: 'planned' as const,
        })),
      )
      .onConflictDoNothing();
    await tx
      .insert(refreshes)
      .values({
        id: request.refreshId,
        runId: request.runId,
        round,
        status: 'running',
        writerRole,
        writerModel,
        solverModel,
        band: request.band ?? config.refresh.band,
        counts: {},
      })
      .onConflictDoNothing();
  });
  return { skipped: false, round, batches: batches(chosen.length) };
}

async function batchOf(deps: ActivityDeps, ref: RefreshRef & { batch: number }) {
  const config = await runConfig(deps.db, ref.runId);
  const all = await deps.db
    .select()
    .from(refreshProblems)
    .where(eq(refreshProblems.refreshId, ref.refreshId))
    .orderBy(asc(refreshProblems.index));
  return batchSlice(all, ref.batch, config.loop.batchSize);
}

/** The writer writes one batch of the planned problems; an invalid reply is a recorded rejection. */
export async function refreshWriteBatch(
  deps: ActivityDeps,
  ref: RefreshRef & { batch: number },
): Promise<{ written: number; invalid: number }> {
  const config = await runConfig(deps.db, ref.runId);
  const refresh = (await refreshRow(deps, ref.refreshId))!;
  if (refresh.writerRole === 'generator')
    await ensureServed(deps, ref.runId, 'generator', refresh.writerModel!);
  let written = 0;
  let invalid = 0;
  await Promise.all(
    (await batchOf(deps, ref)).map(async (job) => {
      if (job.status !== 'planned') return;
      const [source] = await deps.db
        .select()
        .from(problems)
        .where(and(eq(problems.runId, ref.runId), eq(problems.id, job.sourceProblemId)));
      const [attempt] = await deps.db
        .select()
        .from(attempts)
        .where(eq(attempts.id, job.sourceAttemptId));
      if (!source || !attempt) throw new Error(`refresh ${ref.refreshId}: source ${job.id} gone`);
      const at = { runId: ref.runId, round: refresh.round };
      const seed = requestSeed(config.seed, 'refresh', ref.refreshId, job.index);
      const reply = await deps.llm.chatValidated(
        refresh.writerRole === 'generator'
          ? {
              ...generateRequest(config, at, {
                source,
                attempt,
                index: job.index,
                model: job.writerModel,
              }),
              seed,
            }
          : {
              role: 'teacher',
              model: job.writerModel,
              promptVersion: PROMPT_VERSIONS.refineTargeted,
              messages: refineTargetedPrompt({
                problem: source.text,
                reference: source.answer,
                failedAttempt: attempt.text,
                errorAnalysis: attempt.errorAnalysis ?? '',
              }),
              ...taskSampling(config, 'refine'),
              responseFormat: REPLY_FORMATS.newProblem,
              seed,
              ...at,
            },
        NewProblemReply,
      );
      if (reply) written++;
      else invalid++;
      await deps.db
        .update(refreshProblems)
        .set(
          reply
            ? {
                status: 'written',
                text: reply.problem,
                answer: reply.answer,
                solution: reply.solution,
              }
            : {
                status: 'rejected',
                reason: 'invalid-reply',
                detail: 'no valid JSON reply after retries',
              },
        )
        .where(eq(refreshProblems.id, job.id));
    }),
  );
  return { written, invalid };
}

/** Step 9's checks on every written problem, in a stable order, against the curriculum. */
export async function refreshAdmit(
  deps: ActivityDeps,
  ref: RefreshRef,
): Promise<{ admitted: number; rejected: number }> {
  const gate = await admissionGate(deps, ref.runId);
  const rows = await deps.db
    .select()
    .from(refreshProblems)
    .where(eq(refreshProblems.refreshId, ref.refreshId))
    .orderBy(asc(refreshProblems.index));
  let admitted = 0;
  let rejected = 0;
  for (const row of rows) {
    if (row.status === 'rejected') {
      rejected++;
      continue;
    }
    if (row.status !== 'written') {
      // Admitted on an earlier try: later candidates are checked against it too.
      gate.add(row.text ?? '');
      admitted++;
      continue;
    }
    const verdict = await gate.check(row.text ?? '', row.answer ?? '');
    if (verdict.admitted) {
      gate.add(row.text ?? '');
      admitted++;
    } else rejected++;
    await deps.db
      .update(refreshProblems)
      .set(
        verdict.admitted
          ? { status: 'admitted', problemId: problemId(ref.runId, row.text ?? '') }
          : { status: 'rejected', reason: verdict.reason, detail: verdict.detail },
      )
      .where(eq(refreshProblems.id, row.id));
  }
  return { admitted, rejected };
}

/**
 * The current Solver probes one batch of admitted problems with k attempts each (graded by
 * the rule verifier); those inside the band join the curriculum.
 */
export async function refreshProbeBatch(
  deps: ActivityDeps,
  ref: RefreshRef & { batch: number },
): Promise<{ probed: number; kept: number; outOfBand: number }> {
  const config = await runConfig(deps.db, ref.runId);
  const refresh = (await refreshRow(deps, ref.refreshId))!;
  const band = refresh.band ?? config.refresh.band;
  const k = config.refresh.k ?? config.loop.k;
  const solverModel = refresh.solverModel!;
  await ensureSolverServed(deps, ref.runId, solverModel);
  let probed = 0;
  let kept = 0;
  let outOfBand = 0;
  const sources = new Map(
    (
      await deps.db
        .select({ id: problems.id, subject: problems.subject })
        .from(problems)
        .where(eq(problems.runId, ref.runId))
    ).map((p) => [p.id, p.subject]),
  );
  // A round begun since the refresh started takes these problems in its successor's set.
  const [later] = await deps.db
    .select({ round: rounds.round })
    .from(rounds)
    .where(and(eq(rounds.runId, ref.runId), gt(rounds.round, refresh.round)))
    .orderBy(desc(rounds.round))
    .limit(1);
  const roundCreated = later?.round ?? refresh.round;
  await Promise.all(
    (await batchOf(deps, ref)).map(async (job) => {
      if (job.status !== 'admitted') return;
      const id = job.problemId!;
      const reply = await deps.llm.chat({
        role: 'solver',
        model: solverModel,
        promptVersion: PROMPT_VERSIONS.solve,
        messages: solvePrompt(job.text!),
        n: k,
        ...taskSampling(config, 'solve'),
        seed: requestSeed(config.seed, 'probe', ref.refreshId, job.index),
        runId: ref.runId,
        round: refresh.round,
      });
      const verdicts = await Promise.all(reply.choices.map((text) => verify(job.answer!, text)));
      const correct = verdicts.filter((v) => v.equal === true).length;
      const rate = correct / reply.choices.length;
      const verdict = probeVerdict(rate, band);
      probed++;
      if (verdict === 'kept') kept++;
      else outOfBand++;
      await deps.db.transaction(async (tx) => {
        if (verdict === 'kept')
          await tx
            .insert(problems)
            .values({
              runId: ref.runId,
              id,
              text: job.text!,
              answer: job.answer!,
              solution: job.solution,
              origin: refresh.writerRole ?? 'teacher',
              writerModel: job.writerModel,
              parentId: job.sourceProblemId,
              parentAttemptId: job.sourceAttemptId,
              roundCreated,
              subject: sources.get(job.sourceProblemId) ?? null,
              refreshId: ref.refreshId,
            })
            .onConflictDoNothing();
        await tx
          .insert(attempts)
          .values(
            reply.choices.map((text, sampleIndex) => ({
              id: contentId('refresh-attempt', ref.refreshId, id, sampleIndex),
              runId: ref.runId,
              problemId: id,
              round: refresh.round,
              solverModel,
              sampleIndex,
              text,
              extractedAnswer: extractAnswer(text),
              ruleVerdict: verdicts[sampleIndex]!.equal,
              correct: verdicts[sampleIndex]!.equal === true,
              completionTokens: Math.round(
                (reply.completionTokens ?? 0) / Math.max(1, reply.choices.length),
              ),
              refreshId: ref.refreshId,
            })),
          )
          .onConflictDoNothing();
        await tx
          .update(refreshProblems)
          .set({
            status: verdict === 'kept' ? 'kept' : 'out-of-band',
            reason: verdict === 'kept' ? null : verdict,
            correct,
            k: reply.choices.length,
            successRate: rate,
          })
          .where(eq(refreshProblems.id, job.id));
      });
    }),
  );
  return { probed, kept, outOfBand };
}

/** Records what the refresh did, by outcome and reason. */
export async function finishRefresh(
  deps: ActivityDeps,
  ref: RefreshRef,
): Promise<{ refreshId: string; counts: Record<string, number> }> {
  const rows = await deps.db
    .select({ status: refreshProblems.status, reason: refreshProblems.reason })
    .from(refreshProblems)
    .where(eq(refreshProblems.refreshId, ref.refreshId));
  const counts: Record<string, number> = {
    planned: rows.length,
    written: 0,
    admitted: 0,
    probed: 0,
    kept: 0,
  };
  const bump = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  for (const r of rows) {
    if (r.reason !== 'invalid-reply') bump('written');
    if (['admitted', 'kept', 'out-of-band'].includes(r.status)) bump('admitted');
    if (r.status === 'kept' || r.status === 'out-of-band') bump('probed');
    if (r.status === 'kept') bump('kept');
    if (r.status === 'rejected' || r.status === 'out-of-band') bump(`rejected: ${r.reason}`);
  }
  await deps.db
    .update(refreshes)
    .set({ status: 'completed', counts, finishedAt: new Date() })
    .where(eq(refreshes.id, ref.refreshId));
  return { refreshId: ref.refreshId, counts };
}
