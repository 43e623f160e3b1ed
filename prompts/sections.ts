// Prompts are plain Markdown with `### Heading` sections: readable by any model,
// and parseable by the simulated lab, which must understand what it is asked.
// Bodies are untrusted (problem and attempt text): a body line that starts like a
// Markdown heading is escaped (`\#`), so no body can open a section of its own, such as a
// forged `### Reference answer` inside an attempt.

export type Sections = Record<string, string>;

const HEADING_LIKE = /^( {0,3})(\\*)#/gm;
const ESCAPED = /^( {0,3})\\(\\*)#/gm;

/** A body with every heading-like line escaped; backslashes already there gain one, so escaping inverts. */
export function escapeBody(body: string): string {
  return body.replace(HEADING_LIKE, '$1\\$2#');
}

export function unescapeBody(body: string): string {
  return body.replace(ESCAPED, '$1$2#');
}

export function renderSections(sections: Sections): string {
  return Object.entries(sections)
    .map(([heading, body]) => `### ${heading}\n${escapeBody(body.trim())}`)
    .join('\n\n');
}

/** The inverse of renderSections: heading → body. */
export function parseSections(text: string): Sections {
  const sections: Sections = {};
  const parts = text.split(/^### (.+)$/m);
  for (let i = 1; i < parts.length; i += 2)
    sections[parts[i]!.trim()] = unescapeBody((parts[i + 1] ?? '').trim());
  return sections;
}
