// `socratic status`: the runs of a state directory and where each stands.
import { parseArgs } from 'node:util';
import { desc } from 'drizzle-orm';
import { loadConfig } from '../config/load';
import { DirectoryLockedError } from '../db/lock';
import { runs } from '../db/schema';
import { roundsTable } from './render';
import { completedSummaries, initialAccuracy } from './runs';
import { openDatabaseFor } from './session';

export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      'state-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const { config } = await loadConfig(values.config, { stateDir: values['state-dir'] });
  let database: Awaited<ReturnType<typeof openDatabaseFor>>;
  try {
    database = await openDatabaseFor(config);
  } catch (error) {
    if (!(error instanceof DirectoryLockedError)) throw error;
    const message = `${error.message}\nWatch it in that terminal, or in the Temporal UI.`;
    if (values.json) console.log(JSON.stringify({ busy: true, message }));
    else console.log(message);
    return 0;
  }
  try {
    const all = await database.db.select().from(runs).orderBy(desc(runs.createdAt));
    const report = [];
    for (const run of all) {
      const rounds = await completedSummaries(database.db, run.id);
      const initial = await initialAccuracy(database.db, run.id);
      report.push({
        id: run.id,
        status: run.status,
        rounds: run.rounds,
        currentRound: run.currentRound,
        createdAt: run.createdAt,
        summaries: rounds,
        initial,
      });
    }
    if (values.json) console.log(JSON.stringify({ runs: report }));
    else if (report.length === 0)
      console.log(`no runs in ${config.stateDir} yet: start one with \`socratic run\``);
    else
      for (const r of report) {
        console.log(
          `run ${r.id}: ${r.status}, round ${r.currentRound} of ${r.rounds}, started ${r.createdAt.toISOString()}`,
        );
        if (r.summaries.length > 0) console.log(`${roundsTable(r.summaries, r.initial)}\n`);
      }
    return 0;
  } finally {
    await database.close();
  }
}
