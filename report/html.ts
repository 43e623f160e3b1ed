// The report as one self-contained HTML file: inline CSS, charts as inline SVG, a few
// lines of inline script for the lineage search. Nothing is fetched when it is opened.
import { type Chart, renderSvg } from './charts';
import type { ReportData } from './data';

export interface ReportLinks {
  /** Temporal Web UI base (…/namespaces/<ns>), when known. */
  temporalUi?: string;
  runWorkflowId: string;
  roundWorkflowId: (round: number) => string;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function table(headers: string[], rows: (string | number)[][], figure?: string): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((cell) => `<td>${escapeHtml(String(cell))}</td>`).join('')}</tr>`)
    .join('\n');
  const attr = figure ? ` data-figure="${figure}"` : '';
  return `<table${attr}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

async function figure(chart: Chart): Promise<string> {
  const body = chart.rows === 0 ? '<p class="empty">no data yet</p>' : await renderSvg(chart);
  return `<figure data-chart="${chart.id}" data-rows="${chart.rows}"><figcaption>${escapeHtml(chart.title)}</figcaption>${body}</figure>`;
}

/** Ancestors (nearest first) and descendants of every problem, from parent links. */
export function lineageOf(problems: ReportData['lineage']) {
  const parent = new Map(problems.map((p) => [p.id, p.parentId]));
  const children = new Map<string, string[]>();
  for (const p of problems)
    if (p.parentId) children.set(p.parentId, [...(children.get(p.parentId) ?? []), p.id]);
  const ancestors = (id: string) => {
    const chain: string[] = [];
    const seen = new Set<string>([id]);
    for (let at = parent.get(id); at && !seen.has(at); at = parent.get(at)) {
      chain.push(at);
      seen.add(at);
    }
    return chain;
  };
  const descendants = (id: string) => {
    const found: string[] = [];
    const queue = [...(children.get(id) ?? [])];
    const seen = new Set<string>([id]);
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      found.push(next);
      queue.push(...(children.get(next) ?? []));
    }
    return found;
  };
  return problems.map((p) => ({
    ...p,
    ancestors: ancestors(p.id),
    descendants: descendants(p.id),
  }));
}

function lineageSection(data: ReportData): string {
  const rows = lineageOf(data.lineage);
  const rate = new Map(rows.map((r) => [r.id, r.successRates]));
  const withRates = (ids: string[]) =>
    ids
      .map((id) => {
        const rates = Object.entries(rate.get(id) ?? {})
          .map(([round, s]) => `r${round} ${pct(s)}`)
          .join(' ');
        return `${id.slice(0, 10)}${rates ? ` (${rates})` : ''}`;
      })
      .join(' · ');
  const body = rows
    .map((r) => {
      const rates = Object.entries(r.successRates)
        .map(([round, s]) => `r${round} ${pct(s)}`)
        .join(' ');
      const cells = [
        r.id.slice(0, 10),
        r.origin,
        String(r.roundCreated),
        r.status,
        rates || '—',
        r.text.length > 160 ? `${r.text.slice(0, 160)}…` : r.text,
        withRates(r.ancestors) || '—',
        withRates(r.descendants) || '—',
      ];
      const search = `${r.id} ${r.text} ${r.ancestors.join(' ')} ${r.descendants.join(' ')}`;
      return `<tr data-search="${escapeHtml(search.toLowerCase())}">${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<section id="lineage"><h2>Problem lineage</h2>
<p><input id="lineage-search" type="search" placeholder="search a problem id or text" size="40"> <span id="lineage-count">${rows.length}</span> problems</p>
<table data-figure="lineage"><thead><tr><th>id</th><th>origin</th><th>round</th><th>status</th><th>success rate</th><th>text</th><th>ancestors</th><th>descendants</th></tr></thead><tbody>
${body}
</tbody></table>
<script>
(() => {
  const input = document.getElementById('lineage-search');
  const rows = [...document.querySelectorAll('#lineage tbody tr')];
  const shown = document.getElementById('lineage-count');
  input.addEventListener('input', () => {
    const q = input.value.trim().toLowerCase();
    let n = 0;
    for (const row of rows) {
      const hit = q === '' || row.dataset.search.includes(q);
      row.hidden = !hit;
      if (hit) n++;
    }
    shown.textContent = String(n);
  });
})();
</script></section>`;
}

function linksSection(data: ReportData, links: ReportLinks): string {
  if (!links.temporalUi) return '';
  const url = (id: string) => `${links.temporalUi}/workflows/${encodeURIComponent(id)}`;
  const rounds = [...new Set(data.stages.map((s) => s.round).filter((r) => r > 0))];
  const items = [
    `<li><a href="${escapeHtml(url(links.runWorkflowId))}">run workflow ${escapeHtml(links.runWorkflowId)}</a></li>`,
    ...rounds.map(
      (round) =>
        `<li><a href="${escapeHtml(url(links.roundWorkflowId(round)))}">round ${round}</a></li>`,
    ),
  ];
  return `<section id="temporal"><h2>In the Temporal UI</h2><ul>${items.join('')}</ul></section>`;
}

export async function renderReport(
  data: ReportData,
  charts: Chart[],
  links: ReportLinks,
  generatedAt: Date,
): Promise<string> {
  const { run } = data;
  const figures = await Promise.all(charts.map(figure));
  const accuracyRows = data.accuracy.map((a) => [
    a.round,
    a.benchmark,
    a.samples,
    a.problems,
    pct(a.accuracy),
    a.problems * a.samples === 0 ? '—' : pct(a.undecided / (a.problems * a.samples)),
  ]);
  const lineageNote = run.parentRunId
    ? `<p>branched from run ${escapeHtml(run.parentRunId)} after round ${run.branchedFromRound}</p>`
    : '';
  const failure = run.error ? `<p class="error">failed: ${escapeHtml(run.error)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>socratic-zero run ${escapeHtml(run.id)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; padding: 8px; border: 1px solid #ddd; border-radius: 6px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.empty { color: #888; width: 420px; height: 60px; }
.error { color: #b00; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
#lineage td:nth-child(6) { max-width: 420px; }
</style></head><body>
<h1>Run ${escapeHtml(run.id)}</h1>
<p>status <strong>${escapeHtml(run.status)}</strong>, round ${run.currentRound} of ${run.rounds}, started ${escapeHtml(run.createdAt)}; report written ${escapeHtml(generatedAt.toISOString())}</p>
${lineageNote}${failure}
<section id="charts" class="grid">
${figures.join('\n')}
</section>
<section id="figures"><h2>Accuracy</h2>
${table(['round', 'benchmark', 'k', 'problems', 'accuracy', 'Teacher-fallback share'], accuracyRows, 'accuracy')}
<h2>Curriculum and pairs</h2>
${table(
  ['round', 'origin', 'active problems'],
  data.curriculum.map((c) => [c.round, c.origin, c.problems]),
  'curriculum',
)}
${table(
  ['round', 'kind', 'pairs'],
  data.pairs.map((p) => [p.round, p.kind, p.pairs]),
  'pairs',
)}
${table(
  ['round', 'role', 'model', 'prompt tokens', 'completion tokens', 'cost (USD)'],
  data.tokens.map((t) => [
    t.round,
    t.role,
    t.model,
    t.promptTokens,
    t.completionTokens,
    t.cost === null ? '—' : t.cost.toFixed(4),
  ]),
  'tokens',
)}
</section>
${linksSection(data, links)}
${lineageSection(data)}
</body></html>
`;
}
