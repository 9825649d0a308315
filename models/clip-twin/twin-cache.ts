/**
 * Tests and benchmarks need the architecture twins in many files; generating one takes ~10 s (int8) or
 * ~30 s (fp32) of CPU and 150–600 MB of disk. So they are generated once per machine into a cache
 * folder keyed by generator version and seed, and installed from there by copies (copy-on-write clones
 * where the file system has them; never hard links, which a test that damages an install would share). Concurrent test workers wait for the one that generates.
 */
import {
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { processAlive } from '../../app/util/process-alive.ts';
import type { Precision } from './graph-builder.ts';
import { generateClipTwin, TWIN_GENERATOR_VERSION, TWIN_SEED } from './generate-twin.ts';

const WAIT_LIMIT_MS = 15 * 60_000;

export function twinCacheDir(precision: Precision): string {
  const root = process.env.EIDOS_TWIN_CACHE ?? join(tmpdir(), 'eidos-twin-cache');
  return join(root, `clip-vit-b32-twin-v${TWIN_GENERATOR_VERSION}-seed${TWIN_SEED}-${precision}`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The cached twin's folder, generating it first if no process has yet. */
export async function cachedTwin(precision: Precision): Promise<string> {
  const dir = twinCacheDir(precision);
  const lock = `${dir}.lock`;
  const started = Date.now();
  mkdirSync(dirname(dir), { recursive: true });
  while (!existsSync(dir)) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      const holder = Number(readFileSync(lock, 'utf8') || 0);
      if (holder > 0 && !processAlive(holder)) rmSync(lock, { force: true });
      else if (Date.now() - started > WAIT_LIMIT_MS)
        throw new Error(`${lock}: process ${holder} has been generating the twin for over 15 minutes`);
      else await sleep(500);
      continue;
    }
    try {
      const partial = `${dir}.partial-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      await generateClipTwin(partial, precision);
      renameSync(partial, dir);
    } finally {
      rmSync(lock, { force: true });
    }
  }
  return dir;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((path) => statSync(join(dir, path)).isFile());
}

/** A `generate` function for fetchModel that copies the cached twin (so the manifest's pins are still checked). */
export const copyCachedTwin =
  (precision: Precision) =>
  async (target: string): Promise<void> => {
    const source = await cachedTwin(precision);
    for (const path of filesUnder(source)) {
      const to = join(target, relative(source, join(source, path)));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(join(source, path), to, constants.COPYFILE_FICLONE);
    }
  };
