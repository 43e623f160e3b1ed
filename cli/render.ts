// How `socratic run` shows a run: a bar per stage while it runs, a table per round.
import type { RoundSummary } from '../activities';
import type { StageProgress } from '../workflows/progress';

const BAR = 24;

export function stageLine(s: StageProgress): string {
  const done = s.status === 'completed' ? Math.max(s.done, s.total) : s.done;
  const fraction = s.total > 0 ? done / s.total : s.status === 'completed' ? 1 : 0;
  const filled = Math.round(fraction * BAR);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}`;
  const mark = s.status === 'completed' ? '✓' : '…';
  return `  ${mark} ${s.stage.padEnd(34)} ${bar} ${done}/${s.total}`;
}

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const entries = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '—';

/** Each problem writer's validity and calibration so far, e.g. "teacher 92% / 40%". */
function writersCell(s: RoundSummary): string {
  return (
    (s.writers ?? [])
      .map(
        (w) =>
          `${w.author === 'teacher' ? 'teacher' : w.model} ${pct(w.validity ?? undefined)} / ${pct(w.calibration ?? undefined)}`,
      )
      .join(', ') || '—'
  );
}

/** The per-round table: one column per round. */
export function roundsTable(
  summaries: RoundSummary[],
  initialAccuracy: Record<string, number> = {},
): string {
  const benchmarks = [...new Set(summaries.flatMap((s) => Object.keys(s.evaluation)))];
  const rows: [string, (s: RoundSummary) => string][] = [
    ['curriculum (active)', (s) => String(s.curriculum)],
    ['problems this round', (s) => String(s.problems)],
    [
      'zones M / L / T',
      (s) => `${s.zones.mastered ?? 0} / ${s.zones.learning ?? 0} / ${s.zones.too_difficult ?? 0}`,
    ],
    ['Solver success rate', (s) => pct(s.successRate)],
    ['judge disagreements', (s) => String(s.disagreements)],
    ['Teacher-only verdicts', (s) => pct(s.teacherOnlyShare)],
    ['dropped (self-verify)', (s) => String(s.dropped)],
    ['preference pairs', (s) => String(s.pairs)],
    ['new problems', (s) => String(s.newProblems)],
    ['admitted', (s) => String(s.admitted)],
    ['rejected', (s) => entries(s.rejected)],
    ['tokens', (s) => entries(s.tokens)],
    ['writers: valid / calibrated', (s) => writersCell(s)],
    ...benchmarks.map((b): [string, (s: RoundSummary) => string] => [
      `eval ${b} (initial ${pct(initialAccuracy[b])})`,
      (s) => pct(s.evaluation[b]),
    ]),
  ];
  const header = ['', ...summaries.map((s) => `round ${s.round}`)];
  const table = [header, ...rows.map(([label, cell]) => [label, ...summaries.map(cell)])];
  const widths = header.map((_, c) => Math.max(...table.map((r) => (r[c] ?? '').length)));
  return table
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const num = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined ? '—' : x.toFixed(digits);

/** The trained models of a run, one line each (Generators with validity and calibration). */
export function modelLines(
  models: {
    role: string;
    round: number;
    servedName: string;
    dataRounds: number[];
    examples: number | null;
    weightSum: number | null;
    steps: number | null;
    validity?: number | null;
    calibration?: number | null;
  }[],
): string[] {
  if (models.length === 0) return [];
  return [
    'trained models:',
    ...models.map(
      (m) =>
        `  ${m.role.padEnd(9)} round ${m.round}  ${m.servedName}  data rounds ${m.dataRounds.join('–')}` +
        `  steps ${m.steps ?? '—'}` +
        (m.role === 'generator'
          ? `  examples ${m.examples ?? '—'}  weight ${num(m.weightSum)}  valid ${pct(m.validity ?? undefined)}  calibrated ${pct(m.calibration ?? undefined)}`
          : ''),
    ),
  ];
}

/** A run's curriculum refreshes, one line each. */
export function refreshLines(refreshes: object[]): string[] {
  if (refreshes.length === 0) return [];
  return [
    'curriculum refreshes:',
    ...(
      refreshes as {
        id: string;
        status: string;
        reason: string | null;
        writerModel: string | null;
        counts: Record<string, number> | null;
      }[]
    ).map(
      (r) =>
        `  ${r.id}  ${r.status}${r.reason ? ` (${r.reason})` : ''}  ${r.writerModel ?? ''}  ${entries(r.counts ?? {})}`,
    ),
  ];
}
