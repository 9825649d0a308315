/**
 * The packaged app's `--smoke-test <folder>` through main.ts's own start-up, with `electron` mocked as
 * the unit tests of main do, but the engine's utility process run for real (the built
 * dist/engine/engine-process.js in a Node child process, loading the native addon, onnxruntime and
 * SQLite): it indexes generated photos, answers the search with a photo that is red, reports the native
 * kernels and exits 0; an engine without the addon, or a folder that is not there, exits 1 saying so. On a Mac, the workflow runs the same
 * code in the packaged app.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabelRow } from '../../../models/synthetic/labels.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');

const state = vi.hoisted(() => ({
  exit: undefined as undefined | ((code: number) => void),
  calls: [] as string[],
  userData: '',
}));

vi.mock('electron', async () => {
  const { MessageChannelMain, utilityProcess } = await import('../../helpers/utility-process.ts');
  const { join: joinPath } = await import('node:path');
  return {
    app: {
      getAppPath: () => joinPath(import.meta.dirname, '..', '..', '..'),
      setPath: (name: string, path: string) => name === 'userData' && (state.userData = path),
      dock: { hide: () => state.calls.push('dock.hide') },
      whenReady: () => Promise.resolve(),
      exit: (code: number) => state.exit?.(code),
      requestSingleInstanceLock: () => state.calls.push('requestSingleInstanceLock'),
      enableSandbox: () => state.calls.push('enableSandbox'),
      on: () => undefined,
      quit: () => undefined,
    },
    BrowserWindow: class {
      constructor() {
        state.calls.push('BrowserWindow');
      }
    },
    MessageChannelMain,
    utilityProcess,
  };
});

/** Starts main.ts with these arguments; resolves with its exit code and what it printed. */
async function runMain(args: string[]): Promise<{ code: number; out: string; err: string }> {
  vi.resetModules();
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...line: unknown[]) => void out.push(line.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...line: unknown[]) => void err.push(line.join(' ')));
  const argv = process.argv;
  process.argv = [process.execPath, REPO, ...args];
  try {
    const exited = new Promise<number>((resolve) => (state.exit = resolve));
    await import('../../../main/main.ts');
    const code = await exited;
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.argv = argv;
    log.mockRestore();
    error.mockRestore();
  }
}

/** The smoke test's own data folders (main/smoke-app.ts). */
const smokeFolders = (): string[] =>
  readdirSync(tmpdir()).filter((name) => name.startsWith('eidos-smoke-') && !name.startsWith('eidos-smoke-library-'));

describe('the smoke test of the packaged app', () => {
  let work: string;
  let photos: string;
  let labels: LabelRow[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'eidos-smoke-library-'));
    photos = join(work, 'photos');
    labels = await writePhotoSet(photos, { count: 24, width: 320, height: 240, seed: 7 });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  beforeEach(() => {
    state.calls = [];
  });

  it('starts the engine process, indexes the library, answers the search with a red photo and exits 0', async () => {
    const before = smokeFolders();
    const { code, out, err } = await runMain(['--smoke-test', photos]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const line = /smoke test passed: (\d+) photos .*top (\S+) \(([\d.]+) bits\); native addon loaded/.exec(out);
    expect(line, out).not.toBeNull();
    expect(Number(line![1])).toBe(labels.length);
    const top = labels.find((row) => row.relative_path === relative(photos, line![2]!));
    expect(top?.colours.split(';')).toContain('red');
    expect(Number(line![3])).toBeGreaterThan(0);
    // No window, no lock on the user's instance, Chromium's profile in the private folder, removed after.
    expect(state.calls).toEqual(['dock.hide']);
    expect(state.userData).toMatch(/eidos-smoke-[^/]+\/electron$/);
    expect(smokeFolders()).toEqual(before);
  }, 300_000);

  it('exits 1 when the engine process runs without the native addon', async () => {
    // The engine's switch to its TypeScript kernels stands in for an addon macOS refused to load.
    process.env.EIDOS_KERNELS = 'typescript';
    try {
      const { code, err } = await runMain(['--smoke-test', photos]);
      expect(code).toBe(1);
      expect(err).toContain('while asking the engine which kernels it loaded: the native addon did not load');
      rmSync(/its data: ([^)]+)\)/.exec(err)![1]!, { recursive: true, force: true });
    } finally {
      delete process.env.EIDOS_KERNELS;
    }
  }, 300_000);

  it('exits 1 naming the folder when the library is not there, and keeps its data for a look', async () => {
    const missing = join(work, 'no-such-folder');
    const { code, err } = await runMain([`--smoke-test=${missing}`]);
    expect(code).toBe(1);
    expect(err).toContain(`eidos smoke test failed while adding ${missing}`);
    const kept = /its data: ([^)]+)\)/.exec(err)?.[1];
    expect(kept !== undefined && existsSync(kept)).toBe(true);
    rmSync(kept!, { recursive: true, force: true });
  }, 300_000);
});
