import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KillLoop, killLoopSeed } from '../helpers/kill-loop.ts';

// The long kill loop (npm run test:slow): at least 20 kills of `eidos index` at random moments, in
// cycles over a fresh index, each cycle checked against a clean run. EIDOS_KILL_ROUNDS asks for more,
// EIDOS_KILL_SEED replays a logged run.
const ROUNDS = Math.max(20, Number(process.env.EIDOS_KILL_ROUNDS ?? 24) || 0);
const PHOTOS = 120;

let loop: KillLoop;
beforeAll(async () => {
  loop = await KillLoop.create(PHOTOS);
});
afterAll(() => loop?.dispose());

describe('kill -9 during eidos index, many rounds', () => {
  it(
    `survives ${ROUNDS} kills at random moments and always ends equal to a clean run`,
    { timeout: ROUNDS * 20_000 },
    async () => {
      const report = await loop.run({ rounds: ROUNDS, seed: killLoopSeed(), log: (line) => console.log(line) });
      expect(report.kills).toBe(ROUNDS);
      // Every kind of moment was hit at least once (each cycle aims at startup or planning, batches and finishing).
      const landed = new Set(report.rounds.map((r) => r.phase));
      for (const phase of ['batches', 'finishing'] as const)
        expect(landed, `no kill landed in ${phase}`).toContain(phase);
      expect(landed.has('startup') || landed.has('planning'), 'no kill landed before the first batch').toBe(true);
    },
  );
});
