import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KillLoop, killLoopSeed } from '../../helpers/kill-loop.ts';

// A few rounds of the kill loop on every CI run (one cycle: a kill before the first batch, one
// between batches, one while finishing); test/slow/kill-loop.test.ts runs 20 and more.
const ROUNDS = 3;
const PHOTOS = 120;

let loop: KillLoop;
beforeAll(async () => {
  loop = await KillLoop.create(PHOTOS);
});
afterAll(() => loop?.dispose());

describe('kill -9 during eidos index', () => {
  it('leaves a sound index after each kill, resumes without redoing work, and ends equal to a clean run', async () => {
    const seed = killLoopSeed();
    const report = await loop.run({ rounds: ROUNDS, seed, log: (line) => console.log(line) });
    expect(report.kills).toBe(ROUNDS);
    expect(report.rounds.map((r) => r.target)).toContain('batches');
  });
});
