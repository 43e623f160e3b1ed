// Checks a finished run's exports against the algorithm, as an outside reader would.
import assert from 'node:assert/strict';
import { preferencePairs } from '../../algorithm/pairs';

type Row = Record<string, unknown>;

const pairKey = (p: Row) => `${p.round}|${p.problemId}|${p.chosenAttemptId}|${p.rejectedAttemptId}`;

/**
 * Every round's pairs, recomputed from the attempts export alone by the Cartesian rule;
 * attempts of a problem dropped that round, or of one nobody solved that has no verified
 * worked solution, give none (pairEligible false, noPairsReason says why), and the flag
 * agrees with the problems export.
 */
export function assertPairsFollowFromAttempts(
  problems: Row[],
  attempts: Row[],
  pairs: Row[],
): void {
  const droppedRound = new Map(problems.map((p) => [p.id, p.droppedRound]));
  const groups = new Map<string, Row[]>();
  for (const a of attempts) {
    const dropped = droppedRound.get(a.problemId) === a.round;
    assert.equal(a.pairEligible, a.noPairsReason === null, `attempt ${a.id}`);
    if (a.refreshId != null) assert.match(String(a.noPairsReason), /refresh probe/);
    else if (dropped) assert.match(String(a.noPairsReason), /^dropped by self-verification/);
    else if (!a.pairEligible) assert.match(String(a.noPairsReason), /^no verified reference/);
    const key = `${a.round}|${a.problemId}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(a);
  }
  const expected: string[] = [];
  for (const [key, group] of groups) {
    if (!group[0]!.pairEligible) continue;
    const [round, problemId] = key.split('|');
    const judged = group.map((a) => ({ id: String(a.id), correct: a.correct === true }));
    for (const pair of preferencePairs(judged))
      expected.push(pairKey({ round: Number(round), problemId, ...pair }));
  }
  assert.deepEqual(pairs.map(pairKey).sort(), expected.sort());
}
