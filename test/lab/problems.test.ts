import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  brokenVariant,
  classifyMistake,
  generateProblem,
  harderVariant,
  MAX_DIFFICULTY,
  parseProblem,
  TOPICS,
  targetedVariant,
  wrongAnswer,
} from '../../lab/problems';
import { formatAnswer, parseAnswer, sameAnswer } from '../../lab/rational';
import { Rng, uniform } from '../../lab/rng';
import { judgePrompt, refineTargetedPrompt, solvePrompt } from '../../prompts/index';
import { verify } from '../../verifier/index';

const DIFFICULTIES = [1, 2, 3, 4, 5];

describe('lab problems', () => {
  it('parseProblem round-trips every generated problem of every topic and difficulty', () => {
    assert.ok(TOPICS.length >= 6);
    const rng = new Rng('round-trip');
    for (const topic of TOPICS) {
      for (const difficulty of DIFFICULTIES) {
        for (let i = 0; i < 60; i++) {
          const problem = generateProblem(topic, difficulty, rng);
          assert.equal(problem.topic, topic);
          assert.equal(problem.difficulty, difficulty);
          const parsed = parseProblem(problem.text);
          assert.ok(parsed, `cannot parse ${problem.text}`);
          assert.deepEqual(
            {
              topic: parsed.topic,
              difficulty: parsed.difficulty,
              answer: parsed.answer,
              text: parsed.text,
            },
            { topic, difficulty, answer: problem.answer, text: problem.text },
            problem.text,
          );
        }
      }
    }
  });

  it('answers are exact integers or reduced LaTeX fractions the verifier reads', async () => {
    const rng = new Rng('answers');
    for (const topic of TOPICS) {
      for (const difficulty of DIFFICULTIES) {
        const { answer } = generateProblem(topic, difficulty, rng);
        assert.match(answer, /^-?(\d+|\\frac\{\d+\}\{\d+\})$/, answer);
        const r = parseAnswer(answer)!;
        assert.equal(formatAnswer(r.num, r.den), answer, 'reduced');
        assert.equal((await verify(answer, `so \\boxed{${answer}}`)).equal, true);
      }
    }
  });

  it('finds the problem inside prompts and DPO strings', () => {
    const rng = new Rng('embedded');
    for (const topic of TOPICS) {
      const problem = generateProblem(topic, 3, rng);
      const other = generateProblem(topic, 1, rng);
      const judge = judgePrompt(problem.text, problem.answer, [
        `Restating: ${other.text} \\boxed{1}`,
      ]);
      assert.equal(
        parseProblem(judge[1]!.content)?.text,
        problem.text,
        'the ### Problem section wins',
      );
      const refine = refineTargetedPrompt({
        problem: problem.text,
        reference: problem.answer,
        failedAttempt: 'x',
        errorAnalysis: 'y',
      });
      assert.equal(parseProblem(refine[1]!.content)?.answer, problem.answer);
      const dpoPrompt = `${solvePrompt(problem.text)[0]!.content}\n\nUser: ${problem.text}\nAssistant:`;
      assert.equal(parseProblem(dpoPrompt)?.text, problem.text);
    }
    assert.equal(parseProblem('What is the airspeed of an unladen swallow?'), null);
  });

  it('harder and targeted variants keep the topic and move difficulty as promised', () => {
    const rng = new Rng('variants');
    for (const topic of TOPICS) {
      for (const difficulty of DIFFICULTIES) {
        const source = generateProblem(topic, difficulty, rng);
        const harder = harderVariant(source, rng);
        assert.equal(harder.topic, topic);
        assert.equal(harder.difficulty, Math.min(MAX_DIFFICULTY, difficulty + 1));
        const targeted = targetedVariant(source, rng);
        assert.equal(targeted.topic, topic);
        assert.ok(Math.abs(targeted.difficulty - difficulty) <= 1);
        assert.notEqual(harder.text, source.text);
      }
    }
  });

  it('broken problems state an answer that differs from the true one', () => {
    const rng = new Rng('broken');
    for (const topic of TOPICS) {
      for (const difficulty of DIFFICULTIES) {
        const broken = brokenVariant(generateProblem(topic, difficulty, rng), rng);
        assert.ok(
          !sameAnswer(broken.statedAnswer, broken.answer),
          `${broken.text}: ${broken.statedAnswer}`,
        );
        assert.equal(
          parseProblem(broken.text)?.answer,
          broken.answer,
          'the statement still determines the truth',
        );
      }
    }
  });

  it('wrong answers are plausible and never accidentally right', () => {
    const rng = new Rng('wrong');
    for (const answer of ['0', '1', '-7', '\\frac{3}{8}', '-\\frac{5}{2}', '720']) {
      for (let i = 0; i < 50; i++) {
        const wrong = wrongAnswer(answer, rng);
        assert.ok(!sameAnswer(wrong.answer, answer), `${answer} -> ${wrong.answer}`);
      }
    }
    assert.equal(classifyMistake('721', '720'), 'off-by-one');
    assert.equal(classifyMistake('-720', '720'), 'sign');
    assert.equal(classifyMistake('\\frac{8}{3}', '\\frac{3}{8}'), 'inverted fraction');
  });

  it('draws are deterministic functions of their parts', () => {
    assert.equal(uniform(1, 'a', 2), uniform(1, 'a', 2));
    assert.notEqual(uniform(1, 'a', 2), uniform(1, 'a', 3));
    const a = generateProblem('counting', 4, new Rng(5, 'x'));
    const b = generateProblem('counting', 4, new Rng(5, 'x'));
    assert.deepEqual(a, b);
  });
});
