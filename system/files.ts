// Files written whole or not at all: readers (a trainer, a browser, a restarted
// process) never see half a file, whatever kills the writer.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

function draftOf(file: string): string {
  return `${file}.${process.pid}.tmp`;
}

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const draft = draftOf(file);
  await writeFile(draft, content);
  await rename(draft, file);
}

export function writeFileAtomicSync(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const draft = draftOf(file);
  writeFileSync(draft, content);
  renameSync(draft, file);
}
