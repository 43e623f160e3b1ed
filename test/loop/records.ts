// Checks a finished run's exports against the algorithm, as an outside reader would.
import assert from 'node:assert/strict';
import { preferencePairs } from '../../algorithm/pairs';

type Row = Record<string, unknown>;

const pairKey = (p: Row) => `${p.round}|${p.problemId}|${p.chosenAttemptId}|${p.rejectedAttemptId}`;

/** Every round's pairs, recomputed from its attempts by the Cartesian rule. */
export function assertPairsFollowFromAttempts(
  problems: Row[],
  attempts: Row[],
  pairs: Row[],
): void {
  const droppedIn = new Map(
    problems.filter((p) => p.status === 'dropped').map((p) => [p.id, p.droppedRound]),
  );
  const groups = new Map<string, Row[]>();
  for (const a of attempts) {
    const key = `${a.round}|${a.problemId}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const expected: string[] = [];
  for (const [key, group] of groups) {
    const [round, problemId] = key.split('|');
    if (droppedIn.get(problemId) !== undefined && Number(droppedIn.get(problemId)) <= Number(round))
      continue;
    for (const pair of preferencePairs(
      group.map((a) => ({ id: String(a.id), correct: a.correct === true })),
    ))
      expected.push(pairKey({ round: Number(round), problemId, ...pair }));
  }
  assert.deepEqual(pairs.map(pairKey).sort(), expected.sort());
}
