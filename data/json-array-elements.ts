// Where each top-level element of a JSON array starts, so errors can name the line
// of the bad element. JSON.parse gives values but no positions; this scan only
// tracks strings and nesting depth, and runs after JSON.parse has accepted the text.

/** Character offsets at which the top-level array's elements start. */
export function jsonArrayElementOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  let expectingElement = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    if (expectingElement && ch !== ']') offsets.push(i);
    expectingElement = false;
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1 && ch === '[') expectingElement = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expectingElement = true;
  }
  return offsets;
}

/** The offset JSON.parse blamed, when its message says (Node 20: "at position N"). */
export function jsonErrorOffset(error: unknown): number | undefined {
  const match = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  return match ? Number(match[1]) : undefined;
}
