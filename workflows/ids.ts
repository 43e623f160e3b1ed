// Workflow ids are derived from the run id, so a restarted CLI finds the run it left.
export const runWorkflowId = (runId: string) => `socratic-run-${runId}`;
export const roundWorkflowId = (runId: string, round: number) =>
  `socratic-run-${runId}-round-${round}`;
/** The one refresh schedule of a run (SPEC §4); its refreshes are `<id>-<scheduled time>`. */
export const refreshScheduleId = (runId: string) => `socratic-refresh-${runId}`;
