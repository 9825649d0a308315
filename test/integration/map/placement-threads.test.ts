// Placement's inverted-file search gives the same neighbours on any number of threads: the kernel
// (native/src/inverted_file.cc) in two processes, one and three threads (EIDOS_THREADS), byte-identical.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface Digest {
  threads: number;
  invertedFile: boolean;
  digest: string;
}

async function digestWith(threads: number): Promise<Digest> {
  const { stdout } = await run(process.execPath, ['bin/run-ts.js', 'test/helpers/placement-digest.ts'], {
    env: { ...process.env, EIDOS_THREADS: String(threads) },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Digest;
}

describe('placement neighbours across thread counts', () => {
  it('are byte-identical on 1 and 3 threads', { timeout: 600_000 }, async () => {
    const one = await digestWith(1);
    const three = await digestWith(3);
    expect([one.threads, three.threads]).toEqual([1, 3]);
    expect(one.invertedFile).toBe(true);
    expect(three.digest).toBe(one.digest);
  });
});
