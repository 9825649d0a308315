/**
 * The built CLI loads a command's modules only when that command runs: `eidos --help` opens none of
 * the engine's heavy packages, and a search opens no decoder (the kernel traces what the process opens).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EIDOS, STRACE } from '../../helpers/traced.ts';

const HEAVY = [
  'onnxruntime-node',
  'sharp',
  '@img',
  'better-sqlite3',
  'heic-decode',
  'libheif-js',
  'exifr',
  '@parcel/watcher',
  'eidos_native.node',
];
const work = mkdtempSync(join(tmpdir(), 'eidos-lazy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The packages (and our addon) a traced run of `eidos <args>` opened. */
function opened(args: string[]): string[] {
  const log = join(work, `${args.join('-').replace(/\W+/g, '_')}.log`);
  try {
    execFileSync(STRACE, ['-f', '-qq', '-e', 'trace=openat,open', '-o', log, process.execPath, EIDOS, ...args], {
      env: { ...process.env, EIDOS_HOME: join(work, 'home') },
      stdio: 'ignore',
    });
  } catch {
    // A command may fail here (no index): what it opened before failing is what counts.
  }
  const text = readFileSync(log, 'utf8');
  return HEAVY.filter((name) => text.includes(`/${name}`));
}

describe('lazy command loading in the built CLI', () => {
  it('eidos --help opens none of the heavy packages', () => {
    expect(opened(['--help'])).toEqual([]);
  });

  it('eidos search --help opens none of them either', () => {
    expect(opened(['search', '--help'])).toEqual([]);
  });

  it('a command that needs the index opens SQLite (the trace sees loads when they happen)', () => {
    expect(opened(['status'])).toContain('better-sqlite3');
  });
});
