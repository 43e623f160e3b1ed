// `socratic report` and the report a run keeps up to date: load, chart, render, write.
import path from 'node:path';
import type { Config } from '../config/schema';
import type { Database } from '../db/client';
import { writeFileAtomic } from '../system/files';
import { roundWorkflowId, runWorkflowId } from '../workflows/ids';
import { reportCharts } from './charts';
import { loadReportData } from './data';
import { renderReport } from './html';

/** Where a run's own report lives: `socratic status` points here. */
export function defaultReportPath(stateDir: string, runId: string): string {
  return path.join(stateDir, 'reports', `${runId}.html`);
}

export async function writeReport(
  db: Database,
  config: Config,
  runId: string,
  options: { out?: string; temporalUi?: string; namespace?: string } = {},
): Promise<string> {
  const data = await loadReportData(db, runId, config.prices);
  const html = await renderReport(
    data,
    reportCharts(data),
    {
      temporalUi: options.temporalUi
        ? `${options.temporalUi}/namespaces/${options.namespace ?? config.temporal.namespace}`
        : undefined,
      runWorkflowId: runWorkflowId(runId),
      roundWorkflowId: (round) => roundWorkflowId(runId, round),
    },
    new Date(),
  );
  const out = options.out ?? defaultReportPath(config.stateDir, runId);
  await writeFileAtomic(out, html);
  return out;
}
