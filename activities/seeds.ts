// Loads the seed problems into a run's curriculum (round 0), in one transaction.

import { loadSeedFile } from '../data/problem-file';
import { problems } from '../db/schema';
import { problemId } from './admit';
import { seedFile } from './benchmarks';
import { type ActivityDeps, runConfig } from './deps';

export async function loadSeeds(deps: ActivityDeps, runId: string): Promise<{ seeds: number }> {
  const config = await runConfig(deps.db, runId);
  const records = await loadSeedFile(seedFile(config));
  const rows = records.map((r) => ({
    runId,
    id: problemId(runId, r.text),
    text: r.text,
    answer: r.answer,
    solution: r.solution ?? null,
    origin: 'seed' as const,
    roundCreated: 0,
    subject: r.subject ?? null,
    difficulty: r.difficulty ?? null,
    sourceRef: r.sourceRef,
  }));
  await deps.db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500)
      await tx
        .insert(problems)
        .values(rows.slice(i, i + 500))
        .onConflictDoNothing();
  });
  return { seeds: new Set(rows.map((r) => r.id)).size };
}
