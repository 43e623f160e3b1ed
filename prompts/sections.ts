// Prompts are plain Markdown with `### Heading` sections: readable by any model,
// and parseable by the simulated lab, which must understand what it is asked.

export type Sections = Record<string, string>;

export function renderSections(sections: Sections): string {
  return Object.entries(sections)
    .map(([heading, body]) => `### ${heading}\n${body.trim()}`)
    .join('\n\n');
}

/** The inverse of renderSections: heading → body. */
export function parseSections(text: string): Sections {
  const sections: Sections = {};
  const parts = text.split(/^### (.+)$/m);
  for (let i = 1; i < parts.length; i += 2)
    sections[parts[i]!.trim()] = (parts[i + 1] ?? '').trim();
  return sections;
}
