// The report's charts: Vega-Lite specs over ReportData, rendered to SVG in Node (no
// browser, no network), so the report is one self-contained file.
import type { ReportData } from './data';

export interface Chart {
  id: string;
  title: string;
  /** Rows the chart draws; an empty chart says so instead of drawing empty axes. */
  rows: number;
  spec: Record<string, unknown>;
}

const WIDTH = 420;
const HEIGHT = 220;

const byRound = { field: 'round', type: 'ordinal', title: 'round' } as const;

function chart(id: string, title: string, values: object[], spec: Record<string, unknown>): Chart {
  return {
    id,
    title,
    rows: values.length,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      ...spec,
    },
  };
}

export function reportCharts(data: ReportData): Chart[] {
  const metrics = data.training.flatMap((t) => [
    ...Object.entries(t.metrics).map(([metric, value]) => ({
      round: t.round,
      series: `${t.role} ${metric}`,
      value,
    })),
    ...(t.steps === null ? [] : [{ round: t.round, series: `${t.role} steps`, value: t.steps }]),
  ]);
  const tokens = data.tokens.map((t) => ({
    round: t.round,
    role: t.role,
    tokens: t.promptTokens + t.completionTokens,
  }));
  const costs = data.tokens.flatMap((t) =>
    t.cost === null ? [] : [{ round: t.round, role: t.role, cost: t.cost }],
  );
  const stages = data.stages.flatMap((s) =>
    s.finishedAt === null
      ? []
      : [{ ...s, label: `round ${s.round}: ${s.stage}`, startedAt: s.startedAt }],
  );
  return [
    chart(
      'accuracy',
      'Accuracy per benchmark (Mean@k; round 0 = the initial Solver)',
      data.accuracy,
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: byRound,
          y: { field: 'accuracy', type: 'quantitative', axis: { format: '%' }, title: 'accuracy' },
          color: { field: 'benchmark', type: 'nominal' },
          tooltip: [
            { field: 'benchmark' },
            { field: 'samples', title: 'k' },
            { field: 'accuracy' },
          ],
        },
      },
    ),
    chart('zones', 'Zones per round', data.zones, {
      mark: 'bar',
      encoding: {
        x: byRound,
        y: { field: 'problems', type: 'quantitative', title: 'problems' },
        color: {
          field: 'zone',
          type: 'nominal',
          scale: {
            domain: ['mastered', 'learning', 'too_difficult'],
            range: ['#4c9a5a', '#e0a526', '#c4453c'],
          },
        },
      },
    }),
    chart('success-rates', "The Solver's success-rate distribution per round", data.successRates, {
      mark: 'bar',
      encoding: {
        x: {
          field: 'successRate',
          type: 'quantitative',
          bin: { step: 0.125 },
          title: 'success rate',
        },
        y: { aggregate: 'count', type: 'quantitative', title: 'problems' },
        color: { field: 'round', type: 'nominal' },
        xOffset: { field: 'round', type: 'nominal' },
      },
    }),
    chart('curriculum', 'Active curriculum by origin', data.curriculum, {
      mark: 'bar',
      encoding: {
        x: byRound,
        y: { field: 'problems', type: 'quantitative', title: 'problems' },
        color: { field: 'origin', type: 'nominal' },
      },
    }),
    chart('admissions', 'New problems: admitted and rejected by reason', data.admissions, {
      mark: 'bar',
      encoding: {
        x: byRound,
        y: { field: 'problems', type: 'quantitative', title: 'problems' },
        color: { field: 'outcome', type: 'nominal' },
      },
    }),
    chart('pairs', 'Preference pairs (Cartesian vs reference-chosen)', data.pairs, {
      mark: 'bar',
      encoding: {
        x: byRound,
        y: { field: 'pairs', type: 'quantitative', title: 'pairs' },
        color: { field: 'kind', type: 'nominal' },
      },
    }),
    chart('training', 'What the trainers reported', metrics, {
      // One small panel per metric: losses, accuracies and step counts have different scales.
      width: undefined,
      height: undefined,
      facet: { field: 'series', type: 'nominal', title: null },
      columns: 3,
      spec: {
        width: 130,
        height: 90,
        mark: { type: 'line', point: true },
        encoding: {
          x: byRound,
          y: { field: 'value', type: 'quantitative', title: null },
        },
      },
      resolve: { scale: { y: 'independent' } },
    }),
    chart('tokens', 'Tokens per role per round', tokens, {
      mark: 'bar',
      encoding: {
        x: byRound,
        y: { field: 'tokens', type: 'quantitative', aggregate: 'sum', title: 'tokens' },
        color: { field: 'role', type: 'nominal' },
        xOffset: { field: 'role', type: 'nominal' },
      },
    }),
    chart('cost', 'Cost per role per round (USD, from prices)', costs, {
      mark: 'bar',
      encoding: {
        x: byRound,
        y: { field: 'cost', type: 'quantitative', aggregate: 'sum', title: 'USD' },
        color: { field: 'role', type: 'nominal' },
        xOffset: { field: 'role', type: 'nominal' },
      },
    }),
    chart('stages', 'Time per stage', stages, {
      height: Math.max(HEIGHT, stages.length * 14),
      mark: 'bar',
      encoding: {
        y: { field: 'label', type: 'ordinal', sort: null, title: null },
        x: { field: 'startedAt', type: 'temporal', title: 'time' },
        x2: { field: 'finishedAt' },
        color: { field: 'round', type: 'nominal' },
      },
    }),
  ];
}

/** Renders a chart to SVG with Vega's headless view (no DOM, no canvas needed). */
export async function renderSvg(chart: Chart): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  // Vega's warnings would go to the user's terminal; a chart that cannot draw throws instead.
  const { spec } = vegaLite.compile(chart.spec as never, { logger: vega.logger(vega.Error) });
  const view = new vega.View(vega.parse(spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
