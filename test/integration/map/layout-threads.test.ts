// The map is the same on any number of threads: NN-descent and UMAP's epochs (native/src/nn_descent.cc,
// umap.cc) in two processes, one and three threads (EIDOS_THREADS), give byte-identical graphs and layouts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function digestWith(threads: number): Promise<{ threads: number; graph: string; layout: string }> {
  const { stdout } = await run(process.execPath, ['bin/run-ts.js', 'test/helpers/layout-digest.ts', '6000'], {
    env: { ...process.env, EIDOS_THREADS: String(threads) },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { threads: number; graph: string; layout: string };
}

describe('map layout across thread counts', () => {
  it('gives the same neighbour graph and coordinates on 1 and 3 threads', { timeout: 600_000 }, async () => {
    const one = await digestWith(1);
    const three = await digestWith(3);
    expect(one.threads).toBe(1);
    expect(three.threads).toBe(3);
    expect(three.graph).toBe(one.graph);
    expect(three.layout).toBe(one.layout);
  });
});
