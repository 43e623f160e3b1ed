// `socratic status`: the runs of a state directory and where each stands. It reads the
// database only; Temporal and the workflows' queries are loaded when the run's own process
// holds the database.
import { desc } from 'drizzle-orm';
import type { Config } from '../config/schema';
import { DirectoryLockedError } from '../db/lock';
import { runs } from '../db/schema';
import { exportRows, modelRows } from './export';
import { commandConfig, parseCommand } from './options';
import { modelLines, refreshLines, roundsTable, stageLine } from './render';
import { existingReport } from './report';
import { completedSummaries, initialAccuracy } from './runs';
import { connect, openDatabaseFor } from './session';

export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean', default: false } });
  const { config } = await commandConfig(values);
  let database: Awaited<ReturnType<typeof openDatabaseFor>>;
  try {
    database = await openDatabaseFor(config, { brief: true });
  } catch (error) {
    if (!(error instanceof DirectoryLockedError)) throw error;
    // The run's own process holds the database: ask its workflows instead.
    const live = await liveRuns(config).catch(() => []);
    if (values.json) console.log(JSON.stringify({ busy: true, message: error.message, live }));
    else {
      console.log(error.message);
      for (const run of live) {
        console.log(
          `run ${run.runId}: round ${run.round} of ${run.rounds}${run.paused ? ' (paused)' : ''}`,
        );
        for (const stage of run.stages) console.log(stageLine(stage));
      }
    }
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
        error: run.error,
        parentRunId: run.parentRunId,
        branchedFromRound: run.branchedFromRound,
        createdAt: run.createdAt,
        report: existingReport(config, run.id) ?? null,
        summaries: rounds,
        initial,
        models: await modelRows(database.db, run.id),
        refreshes: await exportRows(database.db, run.id, 'refreshes'),
      });
    }
    if (values.json) console.log(JSON.stringify({ runs: report }));
    else if (report.length === 0)
      console.log(`no runs in ${config.stateDir} yet: start one with \`socratic run\``);
    else
      for (const r of report) {
        const lineage = r.parentRunId
          ? `, branched from ${r.parentRunId} after round ${r.branchedFromRound}`
          : '';
        console.log(
          `run ${r.id}: ${r.status}, round ${r.currentRound} of ${r.rounds}, started ${r.createdAt.toISOString()}${lineage}`,
        );
        if (r.error) console.log(`  ${r.status === 'failed' ? 'failed' : 'note'}: ${r.error}`);
        if (r.summaries.length > 0) console.log(`${roundsTable(r.summaries, r.initial)}\n`);
        for (const line of modelLines(r.models)) console.log(line);
        for (const line of refreshLines(r.refreshes)) console.log(line);
        if (r.report) console.log(`report: ${r.report}\n`);
      }
    return 0;
  } finally {
    await database.close();
  }
}

/** Running runs as their workflows report them (no database needed). */
async function liveRuns(config: Config) {
  const [{ roundWorkflowId }, { roundProgress }, { statusQuery }] = await Promise.all([
    import('../workflows/ids.js'),
    import('./progress.js'),
    import('../workflows/run.js'),
  ]);
  const temporal = await connect(config, () => {});
  try {
    const found = [];
    const running = temporal.client.workflow.list({
      query: `WorkflowType = "runWorkflow" AND ExecutionStatus = "Running"`,
    });
    for await (const execution of running) {
      const handle = temporal.client.workflow.getHandle(execution.workflowId);
      const status = await handle.query(statusQuery);
      const round = temporal.client.workflow.getHandle(roundWorkflowId(status.runId, status.round));
      const stages = await roundProgress(round).catch(() => []);
      found.push({ ...status, stages });
    }
    return found;
  } finally {
    await temporal.close();
  }
}
