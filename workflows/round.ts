// One co-evolution round, SPEC §3 step by step. Deterministic: every effect is an
// activity, every payload an id or a count.
import { patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities, RoundSummary } from '../activities';
import { Progress, progressQuery } from './progress';

export interface RoundSettings {
  /** Batches of one stage running at once. */
  parallelBatches: number;
  /** How soon a batch whose worker died is retried elsewhere. */
  heartbeatTimeoutSeconds: number;
  trainerHeartbeatTimeoutSeconds: number;
  trainerMaxAttempts: number;
}

export interface RoundInput {
  runId: string;
  round: number;
  settings: RoundSettings;
}

export async function roundWorkflow({ runId, round, settings }: RoundInput): Promise<RoundSummary> {
  const ref = { runId, round };
  const progress = new Progress();
  setHandler(progressQuery, () => progress.stages);
  const work = proxyActivities<Activities>({
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: `${settings.heartbeatTimeoutSeconds} seconds`,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
  });
  const training = proxyActivities<Activities>({
    startToCloseTimeout: '7 days',
    heartbeatTimeout: `${settings.trainerHeartbeatTimeoutSeconds} seconds`,
    retry: {
      initialInterval: '5 seconds',
      maximumInterval: '5 minutes',
      maximumAttempts: settings.trainerMaxAttempts,
    },
  });

  /** Runs one recorded stage; `total` > 0 fans it out over that many batches. */
  async function stage<T>(
    name: string,
    total: number,
    run: (batch: number) => Promise<T>,
  ): Promise<T[]> {
    const entry = progress.start(name, total);
    const startedAt = Date.now();
    const results: T[] = new Array(total);
    let next = 0;
    const lane = async () => {
      for (let batch = next++; batch < total; batch = next++) {
        results[batch] = await run(batch);
        entry.done++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.parallelBatches, total) }, lane));
    entry.status = 'completed';
    entry.detail = sum(results);
    await work.recordStage({ ...ref, stage: name, startedAt, detail: entry.detail });
    return results;
  }
  const once = async <T>(name: string, run: () => Promise<T>): Promise<T> =>
    (await stage(name, 1, run))[0]!;

  async function evaluate(evaluatedRound: number, model: string) {
    for (const { benchmark, batches } of await work.evaluationPlan({ runId })) {
      const name = `evaluate ${benchmark}${evaluatedRound === 0 ? ' (initial Solver)' : ''}`;
      const parts = await stage(name, batches, (batch) =>
        work.evaluateBatch({ runId, round: evaluatedRound, benchmark, model, batch }),
      );
      const total = sum(parts);
      await work.recordEvaluation({
        runId,
        round: evaluatedRound,
        benchmark,
        model,
        problems: total.problems ?? 0,
        correct: total.correct ?? 0,
      });
    }
  }

  if (round === 1) await once('load seeds', () => work.loadSeeds({ runId }));
  const { solverModel } = await work.beginRound(ref);
  if (round === 1) await evaluate(0, solverModel);

  // 1. Round set: new problems plus a seeded replay sample.
  const set = await once('round set', () => work.selectRoundSet(ref));
  // 2. Sample k attempts per problem.
  await stage('sample', set.batches, (batch) => work.sampleBatch({ ...ref, batch, solverModel }));
  // 3–4. Judge (rule + Teacher), success rates and zones.
  await stage('judge', set.batches, (batch) => work.judgeBatch({ ...ref, batch }));
  // 11. Last round's new problems were just measured: their utility weights are known now.
  if (round > 1) await once('utility weights', () => work.fillUtilityWeights(ref));
  // 5. Self-verification of too-difficult problems.
  await stage('self-verify', set.batches, (batch) => work.selfVerifyBatch({ ...ref, batch }));
  // 12. Train the Generator on the last rounds' weighted triples (weights and drops are known
  // now), so this round's refinements can be written by it.
  if (round > 1 && patched('train-generator'))
    await once('train generator', async () => {
      const outcome = await training.trainGenerator(ref);
      if (outcome.trained) await work.serveGenerator({ runId, model: outcome.model });
      return outcome;
    });
  // 6. Preference pairs.
  await once('pairs', () => work.buildPairs(ref));
  // 7. Train the Solver (and hand it to serving) while 8. the Teacher refines: both only read this round's judgements.
  const [trained] = await Promise.all([
    once('train solver', async () => {
      const outcome = await training.trainSolver(ref);
      if (outcome.trained) await work.serveSolver({ runId, model: outcome.model });
      return outcome;
    }),
    stage('refine', set.batches, (batch) => work.refineBatch({ ...ref, batch })),
  ]);
  // 9–10. Admission checks; the curriculum grows by what is admitted.
  await once('admit', () => work.admitRefinements(ref));
  // 13. Evaluate M_{t+1}.
  await evaluate(round, trained.model);
  return work.finishRound({ ...ref, trainedModel: trained.trained ? trained.model : null });
}

/** Adds up the numeric fields of stage results, for the stage record. */
function sum(results: unknown[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const r of results)
    if (r && typeof r === 'object')
      for (const [k, v] of Object.entries(r))
        if (typeof v === 'number') total[k] = (total[k] ?? 0) + v;
  return total;
}
