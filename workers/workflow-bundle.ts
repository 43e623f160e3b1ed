// The workflow code, bundled once by `npm run build` (dist/workflow-bundle.js) so that a worker
// starts without spending seconds in webpack. Only the compiled code uses it, and only while
// every file it was bundled from is unchanged; otherwise a worker bundles at start, as before.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

export const WORKFLOWS_PATH = require.resolve('../workflows');

// Beside the compiled tree's top (dist/), next to the modules it was bundled from.
const BUILD_DIR = path.resolve(__dirname, '..');
const BUNDLE_PATH = path.join(BUILD_DIR, 'workflow-bundle.js');
/** sha256 of each file webpack read, by path relative to BUILD_DIR. */
const INPUTS_PATH = path.join(BUILD_DIR, 'workflow-bundle.inputs.json');
const RUNNING_COMPILED = __filename.endsWith('.js');

/** How a Worker gets its workflow code: the prebuilt bundle when it is current. */
export function workflowCode(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  return RUNNING_COMPILED && prebuiltBundleIsCurrent()
    ? { workflowBundle: { codePath: BUNDLE_PATH } }
    : { workflowsPath: WORKFLOWS_PATH };
}

/** Bundles the compiled workflows into BUILD_DIR unless the bundle there is current. */
export async function writeWorkflowBundle(): Promise<'written' | 'current'> {
  if (!RUNNING_COMPILED) throw new Error('the workflow bundle is built from the compiled code');
  if (prebuiltBundleIsCurrent()) return 'current';
  const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
  const inputs = new Set<string>();
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: new DefaultLogger('WARN'),
    // Records the files webpack read, to tell later whether the bundle still matches them.
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        {
          apply: (compiler) =>
            compiler.hooks.afterCompile.tap('socratic-inputs', (compilation) => {
              for (const file of compilation.fileDependencies) inputs.add(file);
            }),
        },
      ],
    }),
  });
  const hashes: Record<string, string> = {};
  for (const file of [...inputs].sort()) {
    const hash = fileSha256(file);
    if (hash) hashes[path.relative(BUILD_DIR, file)] = hash;
  }
  // Inputs last: a build killed in between leaves no bundle that claims to be current.
  rmSync(INPUTS_PATH, { force: true });
  writeAtomically(BUNDLE_PATH, code);
  writeAtomically(INPUTS_PATH, `${JSON.stringify(hashes, null, 1)}\n`);
  return 'written';
}

function prebuiltBundleIsCurrent(): boolean {
  let inputs: Record<string, string>;
  try {
    inputs = JSON.parse(readFileSync(INPUTS_PATH, 'utf8'));
  } catch {
    return false;
  }
  if (!existsSync(BUNDLE_PATH)) return false;
  const files = Object.entries(inputs);
  return (
    files.length > 0 &&
    files.every(([file, hash]) => fileSha256(path.resolve(BUILD_DIR, file)) === hash)
  );
}

function fileSha256(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined; // a directory, or gone
  }
}

// Temp file then rename: a worker never reads half a bundle.
function writeAtomically(file: string, content: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, file);
}
