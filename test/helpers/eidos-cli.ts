/**
 * Indexing through the real CLI (`eidos index`, `eidos status --json`) in a temporary EIDOS_HOME with
 * the synthetic model, and read-back of what the index holds (vectors by content hash).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fetchModel } from '../../app/models/store.ts';
import { indexPath, modelsDir } from '../../app/paths.ts';
import type { IndexSummary } from '../../app/indexer/pipeline.ts';
import { openIndex } from '../../app/store/open.ts';
import type { IndexStatus } from '../../app/store/types.ts';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../..');
export const EIDOS = join(REPO, 'bin/eidos.js');
export const PHOTOS = resolve(REPO, '../shared/photos');
export const IMAGENET_DIR = join(PHOTOS, 'imagenet-dev/images');
export const MODEL_ID = 'synthetic-tiny';

export interface Status extends IndexStatus {
  skippedFiles: Array<{ path: string; code: string; reason: string }>;
}

/** A temporary data folder with the synthetic model installed, plus a scratch folder for photos. */
export async function makeHome(): Promise<{ home: string; scratch: string; dispose: () => void }> {
  const root = mkdtempSync(join(tmpdir(), 'eidos-index-it-'));
  const home = join(root, 'home');
  await fetchModel(MODEL_ID, {}, { modelsDir: modelsDir(home) });
  const scratch = join(root, 'photos');
  mkdirSync(scratch);
  return { home, scratch, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

const envFor = (home: string): NodeJS.ProcessEnv => ({ ...process.env, EIDOS_HOME: home });

/** How long a CLI command may run before it is killed and the test fails (a hang must not stall the suite). */
const CLI_TIMEOUT_MS = 120_000;

/** `eidos <args>` with EIDOS_HOME=home; rejects if it exits non-zero or runs longer than `timeoutMs`. */
const cli = (home: string, args: string[], timeoutMs = CLI_TIMEOUT_MS) =>
  run(process.execPath, [EIDOS, ...args], { env: envFor(home), maxBuffer: 1 << 24, timeout: timeoutMs });

export async function indexFolder(home: string, folder?: string): Promise<IndexSummary> {
  const { stdout } = await cli(home, ['index', ...(folder ? [folder] : []), '--json']);
  return JSON.parse(stdout) as IndexSummary;
}

/** `eidos <args>` as a child the caller can kill; stdout and stderr are piped. */
export function spawnEidos(home: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [EIDOS, ...args], { env: envFor(home), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `eidos index` as a child the caller can kill; stdout (the JSON summary) and stderr are piped. */
export const spawnIndex = (home: string, folder: string): ChildProcess => spawnEidos(home, ['index', folder, '--json']);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Any `eidos` command; resolves with its exit code and output whatever the code, and rejects only
 * if it could not start or did not exit by itself (killed by a signal, or after `timeoutMs`).
 */
export async function runEidos(home: string, args: string[], { timeoutMs = CLI_TIMEOUT_MS } = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await cli(home, args, timeoutMs);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; signal?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') {
      throw new Error(
        `eidos ${args.join(' ')} did not exit by itself (signal ${String(failed.signal)}, time limit ${timeoutMs} ms); stderr: ${failed.stderr ?? ''}`,
        { cause: error },
      );
    }
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The `{ error: { code, message } }` a failing `--json` command prints. */
export function jsonError(result: Pick<CliResult, 'stdout'>): { code: string; message: string } {
  return (JSON.parse(result.stdout) as { error: { code: string; message: string } }).error;
}

export async function status(home: string): Promise<Status> {
  const { stdout } = await cli(home, ['status', '--json', '--skipped', '1000']);
  return JSON.parse(stdout) as Status;
}

/** Every stored vector of the synthetic model, keyed by content hash (raw f16 bits). */
export function vectorsByHash(home: string): Map<string, Uint16Array> {
  const store = openIndex(indexPath(home), { readonly: true });
  try {
    const matrix = store.loadMatrix(MODEL_ID);
    const vectors = new Map<string, Uint16Array>();
    if (!matrix) return vectors;
    matrix.contentHashes.forEach((hash, i) =>
      vectors.set(hash, (matrix.data as Uint16Array).slice(i * matrix.d, (i + 1) * matrix.d)),
    );
    return vectors;
  } finally {
    store.close();
  }
}

/** Content hash of each indexed path. */
export function hashesByPath(home: string): Map<string, string> {
  const store = openIndex(indexPath(home), { readonly: true });
  try {
    const matrix = store.loadMatrix(MODEL_ID);
    return new Map(matrix ? matrix.paths.map((path, i) => [path, matrix.contentHashes[i] as string]) : []);
  } finally {
    store.close();
  }
}

/** Copies the first `count` imagenet-dev photos (sorted by name) into `dir`; returns their names. */
export function copyImagenet(dir: string, count: number): string[] {
  const names = readdirSync(IMAGENET_DIR).sort().slice(0, count);
  mkdirSync(dir, { recursive: true });
  for (const name of names) copyFileSync(join(IMAGENET_DIR, name), join(dir, name));
  return names;
}
