// A miniature co-evolution loop against the lab (no Temporal, no database): three
// rounds of sample → pairs → simulated DPO → adapter load must raise accuracy.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Problem, parseProblem } from '../../lab/problems';
import { type Lab, startLab } from '../../lab/server';
import { labEvalSet, labSeedSet } from '../../lab/sets';
import { refineHarderPrompt, refineTargetedPrompt, solvePrompt } from '../../prompts/index';
import { NewProblemReply, parseReply } from '../../prompts/replies';
import { verify } from '../../verifier/index';
import { accuracy, client, runTrainer, tempDir } from './helpers';

describe('three lab rounds', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ port: 0, seed: 7 });
  });
  after(() => lab.close());

  it('each round of training raises evaluation accuracy', async (t) => {
    const openai = client(lab.url, { maxRetries: 0 });
    const evaluation = labEvalSet(7);
    const dir = tempDir();
    let model = 'lab-solver';
    let modelPath = 'lab-solver';
    let roundSet: Problem[] = labSeedSet(7);
    const history = [await accuracy(openai, model, evaluation)];
    for (let round = 1; round <= 3; round++) {
      const pairs: string[] = [];
      const added: Problem[] = [];
      await Promise.all(
        roundSet.map(async (problem) => {
          const reply = await openai.chat.completions.create({
            model,
            messages: solvePrompt(problem.text),
            n: 8,
            temperature: 0.8,
            seed: round,
          });
          const texts = reply.choices.map((c) => c.message.content!);
          const right = await Promise.all(
            texts.map(async (t) => (await verify(problem.answer, t)).equal === true),
          );
          const winners = texts.filter((_, i) => right[i]);
          const losers = texts.filter((_, i) => !right[i]);
          for (const chosen of winners.length ? winners : [`\\boxed{${problem.answer}}`]) {
            for (const rejected of losers)
              pairs.push(JSON.stringify({ prompt: problem.text, chosen, rejected }));
          }
          if (winners.length === 0) return;
          const messages =
            losers.length === 0
              ? refineHarderPrompt({
                  problem: problem.text,
                  reference: problem.answer,
                  successfulAttempt: winners[0]!,
                })
              : refineTargetedPrompt({
                  problem: problem.text,
                  reference: problem.answer,
                  failedAttempt: losers[0]!,
                  errorAnalysis: '',
                });
          const refined = await openai.chat.completions.create({
            model: 'lab-teacher',
            messages,
            temperature: 0.1,
          });
          const parsed = parseReply(NewProblemReply, refined.choices[0]!.message.content!);
          const written = parsed.ok ? parseProblem(parsed.value.problem) : null;
          if (parsed.ok && written && written.answer === parsed.value.answer) added.push(written);
        }),
      );
      const train = join(dir, `train-${round}.jsonl`);
      writeFileSync(train, `${pairs.sort().join('\n')}\n`);
      const outputDir = join(dir, `round-${round}`);
      const run = await runTrainer(
        {
          kind: 'dpo',
          runId: 'rounds',
          round,
          role: 'solver',
          baseModel: modelPath,
          dataset: { train },
          hyperparameters: { step_ms: 0 },
          outputDir,
          seed: 1,
        },
        dir,
      );
      assert.equal(run.code, 0, run.stderr);
      modelPath = join(outputDir, 'model.json');
      model = `solver-round-${round}`;
      const load = await fetch(`${lab.url}/load_lora_adapter`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ lora_name: model, lora_path: modelPath }),
      });
      assert.equal(load.status, 200);
      history.push(await accuracy(openai, model, evaluation));
      roundSet = [...added, ...roundSet.slice(0, Math.round(added.length * 0.25))];
    }
    t.diagnostic(`evaluation accuracy by round: ${history.map((a) => a.toFixed(3)).join(' → ')}`);
    for (let round = 1; round <= 3; round++) {
      const gain = history[round]! - history[round - 1]!;
      assert.ok(gain >= 0.04 && gain <= 0.2, `round ${round}: ${history.join(' → ')}`);
    }
  });
});
