import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

/** A fresh temporary folder for the enclosing suite, removed afterwards. */
export function useTempDir(prefix: string) {
  const state = { dir: '' };
  before(async () => {
    state.dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  });
  after(async () => {
    await rm(state.dir, { recursive: true, force: true });
  });
  return {
    path: (...parts: string[]) => path.join(state.dir, ...parts),
    write: async (name: string, content: string) => {
      const file = path.join(state.dir, name);
      await writeFile(file, content);
      return file;
    },
  };
}
