/**
 * releaseFreedMemory (native/src/memory.cc): after a large free, the pages glibc kept in its arena go back
 * to the system, as the kernel's own count of the process's resident memory (/proc/self/status) shows.
 * Linux with glibc only: elsewhere it is a documented no-op.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');
const glibc =
  process.platform === 'linux' &&
  Boolean((process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

describe.runIf(glibc)('releaseFreedMemory', () => {
  it('hands ~190 MB of freed 64 KiB buffers back to the system', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--single-threaded-gc',
        resolve(REPO, 'bin/run-ts.js'),
        resolve(REPO, 'test/helpers/freed-memory-child.ts'),
      ],
      { encoding: 'utf8' },
    );
    const m = JSON.parse(out.trim().split('\n').at(-1)!) as {
      filled: number;
      freed: number;
      after: number;
      released: boolean;
    };
    // 3000 × 64 KiB = 187.5 MiB were filled; freeing them alone leaves them resident (the arena keeps them)…
    expect(m.freed).toBeGreaterThan(m.filled - 50);
    // …and the call returns them.
    expect(m.released).toBe(true);
    expect(m.freed - m.after).toBeGreaterThan(150);
  }, 120_000);
});
