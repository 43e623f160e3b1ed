// `socratic report`: one self-contained HTML file with a run's charts, figures and
// problem lineage. `socratic run` keeps one up to date per run as rounds finish.
import { existsSync } from 'node:fs';
import type { Config } from '../config/schema';
import { defaultReportPath, writeReport } from '../report';
import { readDevServerRecord } from '../temporal/dev-server-state';
import { commandConfig, parseCommand, UsageError } from './options';
import { findRun } from './runs';
import { openDatabaseFor } from './session';

export async function reportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    run: { type: 'string', default: 'latest' },
    out: { type: 'string' },
  });
  const { config } = await commandConfig(values);
  const database = await openDatabaseFor(config, { thread: false });
  try {
    const run = await findRun(database.db, values.run);
    if (!run) throw new UsageError(`no run ${values.run} in ${database.location}`);
    const out = await writeReport(database.db, config, run.id, {
      out: values.out,
      temporalUi: await temporalUiOf(config),
    });
    console.log(`wrote ${out}`);
    return 0;
  } finally {
    await database.close();
  }
}

/** The Web UI to link to: configured, or the embedded dev server's (not started for this). */
export async function temporalUiOf(config: Config): Promise<string | undefined> {
  if (config.report.temporalUi) return config.report.temporalUi.replace(/\/$/, '');
  if (config.temporal.address) return undefined;
  const record = await readDevServerRecord(config.stateDir);
  return record ? `http://127.0.0.1:${record.uiPort}` : undefined;
}

/** The run's report, when one has been written. */
export function existingReport(config: Config, runId: string): string | undefined {
  const file = defaultReportPath(config.stateDir, runId);
  return existsSync(file) ? file : undefined;
}
