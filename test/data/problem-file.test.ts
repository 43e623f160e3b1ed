// Every data format loads as it is (from the excerpts under test/fixtures/data); malformed
// files fail naming file, line and field. The full files: problem-file.shared-data.test.ts.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProblemFile, loadSeedFile, ProblemFileError } from '../../data/problem-file';
import { FIXTURE_DATA } from '../../data/shared-data';

import { assertWellFormed } from './records';

const fixture = (file: string) => path.join(FIXTURE_DATA, file);

describe('each data format, from its excerpt under test/fixtures/data', () => {
  const counts: Record<string, number> = {
    'math/seeds_paper100.jsonl': 20,
    'bench/math500.json': 20,
    'bench/gsm8k_test.jsonl': 20,
    'bench/aime24.jsonl': 10,
    'bench/amc23.jsonl': 20,
    'bench/minerva_math.jsonl': 20,
    'bench/olympiadbench.jsonl': 20,
  };
  for (const [file, count] of Object.entries(counts)) {
    it(`${file}: ${count} records, every one with text and an answer`, async () => {
      const records = await loadProblemFile(fixture(file));
      assert.equal(records.length, count);
      assertWellFormed(records, file);
    });
  }

  it('math_train.json: records without an answer fail strict loading, naming file, line and field', async () => {
    const file = fixture('math/math_train.json');
    await assert.rejects(loadProblemFile(file), (error: unknown) => {
      assert.ok(error instanceof ProblemFileError);
      assert.equal(error.line, 122);
      assert.equal(error.field, 'answer');
      assert.match(error.message, /math_train\.json:122: field "answer": .*got null/);
      return true;
    });
    const skipped: ProblemFileError[] = [];
    const records = await loadProblemFile(file, {
      skipInvalidRecords: true,
      onSkippedRecord: (error) => skipped.push(error),
    });
    // Upstream record 886 (`"answer": null`) and 5328 (`"answer": ""`).
    assert.deepEqual(
      skipped.map((e) => `${e.line}:${e.field}`),
      ['122:answer', '128:answer'],
    );
    assert.equal(records.length, 22);
    assertWellFormed(records, file);
    assert.equal(records[0]?.sourceRef, 'math_train.json#0');
    assert.equal(records[0]?.subject, 'Algebra');
    assert.equal(records[0]?.difficulty, 5);
  });

  it('seeds_paper100: levels 2-4 with a subject each', async () => {
    const records = await loadProblemFile(fixture('math/seeds_paper100.jsonl'));
    for (const r of records) {
      assert.ok(r.difficulty !== undefined && r.difficulty >= 2 && r.difficulty <= 4);
      assert.ok(r.subject);
    }
    assert.equal(records[0]?.sourceRef, 'seeds_paper100.jsonl:1');
  });

  it('reads each format as it is', async () => {
    const [gsm] = await loadProblemFile(fixture('bench/gsm8k_test.jsonl'));
    assert.equal(gsm?.answer, '18');
    assert.match(gsm?.solution ?? '', /^Janet sells 16 - 3 - 4 = 9 duck eggs/);
    assert.doesNotMatch(gsm?.solution ?? '', /<<|####/);

    const [amc] = await loadProblemFile(fixture('bench/amc23.jsonl'));
    assert.equal(amc?.answer, '27'); // stored as the number 27.0

    const [aime] = await loadProblemFile(fixture('bench/aime24.jsonl'));
    assert.equal(aime?.answer, '204');
    assert.ok(aime?.solution);

    const [minerva] = await loadProblemFile(fixture('bench/minerva_math.jsonl'));
    assert.equal(minerva?.answer, '1.6'); // from the solution's \boxed{}

    const olympiad = await loadProblemFile(fixture('bench/olympiadbench.jsonl'));
    assert.equal(olympiad[1]?.answer, '\\frac{1}{2 n+2}'); // "$...$" stripped
    assert.ok(olympiad.every((r) => !r.answer.includes('$')));
    assert.equal(olympiad[0]?.subject, 'Combinatorics');

    const [math500] = await loadProblemFile(fixture('bench/math500.json'));
    assert.equal(math500?.difficulty, 2);
    assert.equal(math500?.sourceRef, 'math500.json#0');
  });
});

describe('malformed problem files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'problem-file-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, content: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, content);
    return file;
  }

  /** Loading must fail with exactly this location and a message that says so. */
  async function assertFails(
    file: string,
    line: number | undefined,
    field: string | undefined,
    detail: RegExp,
  ) {
    await assert.rejects(loadProblemFile(file), (error: unknown) => {
      assert.ok(error instanceof ProblemFileError, String(error));
      assert.equal(error.file, file);
      assert.equal(error.line, line);
      assert.equal(error.field, field);
      const where = line === undefined ? file : `${file}:${line}`;
      assert.ok(
        error.message.startsWith(field ? `${where}: field "${field}": ` : `${where}: `),
        error.message,
      );
      assert.match(error.message, detail);
      return true;
    });
  }

  const good = JSON.stringify({ problem: 'What is 1+1?', answer: '2' });

  it('a line that is not JSON', async () => {
    const file = await write(
      'bad-json.jsonl',
      `${good}\n${good}\n${good}\n{"problem": "x", "answer": }\n`,
    );
    await assertFails(file, 4, undefined, /not valid JSON \(.+\)/);
  });

  it('a missing field, counting blank lines', async () => {
    const file = await write('missing.jsonl', `${good}\n\n\n${JSON.stringify({ problem: 'p' })}\n`);
    await assertFails(file, 4, 'answer', /missing/);
  });

  it('an empty answer', async () => {
    const lines = Array.from({ length: 16 }, () => good);
    const file = await write(
      'seeds.jsonl',
      `${[...lines, JSON.stringify({ problem: 'p', answer: ' ' })].join('\n')}\n`,
    );
    await assertFails(file, 17, 'answer', /: expected a non-empty string$/);
  });

  it('a field of the wrong type', async () => {
    const file = await write(
      'wrong-type.jsonl',
      `${JSON.stringify({ problem: 5, answer: '1' })}\n`,
    );
    await assertFails(file, 1, 'problem', /expected a non-empty string, got 5/);
    const boolAnswer = await write(
      'bool.jsonl',
      `${JSON.stringify({ question: 'q', answer: true })}\n`,
    );
    await assertFails(boolAnswer, 1, 'answer', /got true/);
  });

  it('a record that is no problem at all', async () => {
    const file = await write(
      'other.jsonl',
      `${good}\n${JSON.stringify({ id: 3, text: 'x' })}\n[1, 2]\n`,
    );
    await assertFails(file, 2, 'problem', /"problem" or "question".*keys: id, text/);
    const list = await write('list.jsonl', '[1, 2]\n');
    // A leading "[" reads as a JSON array of non-objects.
    await assertFails(list, 1, undefined, /expected a JSON object, got 1/);
  });

  it('empty files and files without records', async () => {
    await assertFails(await write('empty.jsonl', ''), undefined, undefined, /empty file/);
    await assertFails(await write('blank.jsonl', '\n  \n\n'), undefined, undefined, /empty file/);
    await assertFails(await write('empty.json', '[]'), undefined, undefined, /no problem records/);
    await assertFails(path.join(dir, 'absent.jsonl'), undefined, undefined, /cannot read .*ENOENT/);
  });

  it('a JSON array names the line where the bad element starts', async () => {
    const elements = [
      { problem: 'a', answer: '1', difficulty: 'Level 3' },
      { problem: 'b', answer: '2' },
      { problem: 'c', answer: '', type: 'Algebra' },
    ];
    const file = await write('array.json', JSON.stringify(elements, null, 2));
    // Element 3 starts on line 11 of the pretty-printed array.
    await assertFails(file, 11, 'answer', /non-empty string/);

    const broken = await write(
      'broken.json',
      '[\n  {"problem": "a", "answer": "1"},\n  {"problem": "b" "answer": "2"}\n]',
    );
    await assertFails(broken, 3, undefined, /not valid JSON/);

    const notArray = await write('object.json', '{"problem": "a",\n "answer": "1"}\n\n{');
    await assertFails(notArray, 1, undefined, /not valid JSON/);
  });

  it('format-specific checks: Minerva boxed answers, OlympiadBench lists, difficulty', async () => {
    const minerva = await write(
      'minerva.jsonl',
      `${JSON.stringify({ problem: 'p', solution: 'no box' })}\n`,
    );
    await assertFails(minerva, 1, 'solution', /\\boxed/);
    const olympiad = await write(
      'olympiad.jsonl',
      `${JSON.stringify({ question: 'q', final_answer: [] })}\n`,
    );
    await assertFails(olympiad, 1, 'final_answer', /at least one answer/);
    const level = await write(
      'level.jsonl',
      `${JSON.stringify({ problem: 'p', answer: '1', level: 'hard' })}\n`,
    );
    await assertFails(level, 1, 'level', /"Level N", got "hard"/);
  });

  it('difficulty as "Level N" or a number; CRLF lines; a BOM', async () => {
    const rows = [
      { problem: 'a', answer: '1', level: 'Level 3' },
      { problem: 'b', answer: 2, difficulty: 4.0 },
      { problem: 'c', answer: '3', level: 'Level ?' },
      { question: 'd', final_answer: ['$x$', '$y$'] },
      { problem: 'e', solution: 'so \\boxed{\\frac{1}{2}}.' },
      { question: 'f', answer: 'Add them.\n#### 1,200' },
    ];
    const file = await write(
      'mixed.jsonl',
      `\uFEFF${rows.map((r) => JSON.stringify(r)).join('\r\n')}\r\n`,
    );
    const records = await loadProblemFile(file);
    assert.deepEqual(
      records.map((r) => [r.answer, r.difficulty]),
      [
        ['1', 3],
        ['2', 4],
        ['3', undefined],
        ['x, y', undefined],
        ['\\frac{1}{2}', undefined],
        ['1,200', undefined],
      ],
    );
    assert.equal(records[5]?.solution, 'Add them.');
    assert.equal(records[3]?.sourceRef, 'mixed.jsonl:4');
  });

  it('integer answers beyond 2^53 keep their digits, in JSON lines and arrays', async () => {
    const lines = await write(
      'big.jsonl',
      '{"problem": "What is 2^64?", "answer": 18446744073709551616}\n' +
        '{"question": "Pi to 20 places?", "answer": 3.14159265358979323846, "note": "12345678901234567890"}\n' +
        '{"problem": "Small", "answer": 27.0, "level": 3}\n',
    );
    assert.deepEqual(
      (await loadProblemFile(lines)).map((r) => r.answer),
      ['18446744073709551616', '3.14159265358979323846', '27'],
    );
    const array = await write(
      'big.json',
      '[\n  {"problem": "a", "answer": -9007199254740993},\n  {"problem": "b", "answer": 12}\n]',
    );
    assert.deepEqual(
      (await loadProblemFile(array)).map((r) => r.answer),
      ['-9007199254740993', '12'],
    );
  });

  it('a seed file with the same problem twice and different answers names both lines', async () => {
    const file = await write(
      'dup-seeds.jsonl',
      [
        { problem: 'What is 1+1?', answer: '2' },
        { problem: 'What is 2+2?', answer: '4' },
        { problem: 'What is 2+2?', answer: '\\frac{8}{2}' },
        { problem: 'WHAT is  1+1 ?', answer: '3' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    await assert.rejects(loadSeedFile(file), (error: unknown) => {
      assert.ok(error instanceof ProblemFileError, String(error));
      assert.equal(error.line, 4);
      assert.equal(error.field, 'answer');
      assert.match(error.message, /dup-seeds\.jsonl:4: .*dup-seeds\.jsonl:1 .*"2" there, "3" here/);
      return true;
    });
    // Benchmarks are read as they are; an equal answer written differently is no conflict.
    assert.equal((await loadProblemFile(file)).length, 4);
  });

  it('loading never writes anything', async () => {
    const before = await readdir(dir);
    await loadProblemFile(await write('plain.jsonl', `${good}\n`));
    await loadProblemFile(path.join(dir, 'plain.jsonl'));
    assert.deepEqual(await readdir(dir), [...before, 'plain.jsonl'].sort());
  });
});
