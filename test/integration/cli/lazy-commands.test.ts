/**
 * The built CLI loads a command's modules only when that command runs: `eidos --help` opens none of
 * the engine's heavy packages, and a search opens no decoder (the kernel traces what the process opens).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { heavyPackagesOpened } from '../../helpers/traced.ts';

const work = mkdtempSync(join(tmpdir(), 'eidos-lazy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const opened = (args: string[]): string[] => heavyPackagesOpened(args, join(work, 'home'), work);

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
