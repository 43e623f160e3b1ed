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
