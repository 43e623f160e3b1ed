import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { TrainerManifest } from '../../contracts/trainer';
import { writeFileAtomic } from '../../system/files';

export class InvalidManifestError extends Error {
  override readonly name = 'InvalidManifestError';
}

/** Parses with the contract's schema; throws InvalidManifestError listing every problem. */
export function parseManifest(value: unknown, where: string): TrainerManifest {
  const parsed = TrainerManifest.safeParse(value);
  if (!parsed.success) {
    throw new InvalidManifestError(
      `invalid trainer manifest (${where}):\n${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * Validates, then writes atomically (temp file + rename) so a trainer never
 * reads a half-written manifest. Returns the parsed manifest (defaults applied).
 */
export async function writeManifest(
  manifest: TrainerManifest,
  path: string,
): Promise<TrainerManifest> {
  const valid = parseManifest(manifest, `to be written to ${path}`);
  await writeFileAtomic(path, `${JSON.stringify(valid, null, 2)}\n`);
  return valid;
}

export async function readManifest(path: string): Promise<TrainerManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InvalidManifestError(`cannot read trainer manifest ${path}: ${String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidManifestError(`trainer manifest ${path} is not JSON: ${String(err)}`);
  }
  return parseManifest(json, path);
}
