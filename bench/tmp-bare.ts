import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { solvePrompt } from '../prompts';
const cpu = (pid: number | 'self') => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
async function main() {
  const child = spawn(process.execPath, ['bin/socratic.js', 'lab', 'serve', '--port', '0', '--seed', '7', '--latency-ms', '50', '--state-dir', '/tmp/labx', '--malformed-json-rate', '0', '--judge-error-rate', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((r) => { let o = ''; child.stdout!.on('data', (d) => { o += d; const l = o.split('\n').find((x) => x.startsWith('http')); if (l) r(l.trim()); }); });
  const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
  for (const round of [500, 3000, 3000]) {
    const c0 = cpu(child.pid!), s0 = cpu('self'), t0 = performance.now();
    let next = 0;
    const lane = async () => { for (let i = next++; i < round; i = next++) await client.chat.completions.create({ model: 'lab-solver', messages: solvePrompt(`What is ${i} + ${i}?`), n: 8, temperature: 0.7, max_tokens: 2048, seed: i }); };
    await Promise.all(Array.from({ length: 32 }, lane));
    const wall = (performance.now() - t0) / 1000;
    console.log(`${round}: ${(round / wall).toFixed(0)} req/s; lab cpu ${((cpu(child.pid!) - c0) / wall * 100).toFixed(0)}%, client cpu ${((cpu('self') - s0) / wall * 100).toFixed(0)}%`);
  }
  child.kill();
}
main();
