import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createHttpClient } from '../../app/contract/http-client.ts';
import type { Status } from '../../app/contract/types.ts';

/**
 * A real `eidos serve` over a real index, for the browser tests and the UI bench: a temporary
 * EIDOS_HOME with the synthetic model, a generated photo set (ground truth in its labels.csv) and,
 * optionally, the shared real photos.
 */
const run = promisify(execFile);
export const REPO = resolve(import.meta.dirname, '../..');
export const IMAGENET_DEV = resolve(REPO, '../shared/photos/imagenet-dev');

export interface LibraryOptions {
  synthCount: number;
  withImagenet: boolean;
  /** Skip the model and the folders: the first-run state. */
  empty?: boolean;
  /** Where to build it (kept by the caller, e.g. a bench's library between runs); a new temporary folder by default. */
  root?: string;
  /** The model to fetch and index with (default: synthetic-tiny). */
  model?: string;
}

export interface PreparedHome {
  home: string;
  synthDir: string;
  remove(): Promise<void>;
}

async function eidos(home: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(REPO, 'bin/eidos.js'), ...args], {
    cwd: REPO,
    env: { ...process.env, EIDOS_HOME: home },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Generates `count` synthetic photos with their labels.csv (same as `npm run synth -- dir --count N`). */
export async function synthesize(dir: string, count: number, seed = 1): Promise<void> {
  await run(
    process.execPath,
    [
      join(REPO, 'bin/run-ts.js'),
      'models/synthetic/photos-cli.ts',
      dir,
      '--count',
      String(count),
      '--seed',
      String(seed),
    ],
    {
      cwd: REPO,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

export async function prepareHome(options: LibraryOptions): Promise<PreparedHome> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'eidos-e2e-')));
  const home = join(root, 'home');
  const synthDir = join(root, 'synth');
  if (!options.empty) {
    await eidos(home, ['models', 'fetch', options.model ?? 'synthetic-tiny']);
    await synthesize(synthDir, options.synthCount);
    await eidos(home, ['index', synthDir]);
    if (options.withImagenet) await eidos(home, ['index', IMAGENET_DEV]);
  }
  return { home, synthDir, remove: () => rm(root, { recursive: true, force: true }) };
}

export interface Served {
  /** The address with the one-time token, as `eidos serve` prints it. */
  url: string;
  origin: string;
  token: string;
  stop(): Promise<void>;
}

export async function serve(home: string): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO, 'bin/eidos.js'), 'serve', '--json', '--port', '0'], {
    cwd: REPO,
    env: { ...process.env, EIDOS_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const first = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', done);
    child.once('exit', (code) =>
      fail(new Error(`eidos serve exited (${code}) before printing its address:\n${stderr}`)),
    );
  });
  const { url } = JSON.parse(first) as { url: string; port: number };
  const address = new URL(url);
  return {
    url,
    origin: address.origin,
    token: address.searchParams.get('token') ?? '',
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        // serve stops its bridge on SIGTERM, but the engine's open handles can keep the process
        // alive afterwards; the tests must not hang on that.
        const force = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * True when nothing runs and nothing more starts on its own: the start-up catch-up scan is done and no
 * indexing run is going or queued (only a request or a watched change starts one now).
 */
export const isSettled = (status: Status): boolean =>
  status.catchUp === 'done' && !['scanning', 'indexing'].includes(status.indexing.state) && !status.indexing.queued;

/**
 * Waits until `eidos serve` is settled (`isSettled`), asking its status over the bridge: a test whose
 * output or screen would differ while the catch-up scan runs beside it starts from this state.
 */
export async function untilSettled(served: Served, limitMs = 120_000): Promise<Status> {
  const api = createHttpClient({ baseUrl: served.origin, headers: { Authorization: `Bearer ${served.token}` } });
  const start = Date.now();
  for (;;) {
    const reply = await api.status();
    if (!reply.ok) throw new Error(`eidos serve's status: ${reply.error.code} ${reply.error.message}`);
    if (isSettled(reply.value)) return reply.value;
    if (Date.now() - start > limitMs)
      throw new Error(
        `eidos serve did not settle within ${limitMs / 1000} s: catch-up ${reply.value.catchUp}, indexing ${JSON.stringify(reply.value.indexing)}`,
      );
    await sleep(100);
  }
}

export interface LabelRow {
  relativePath: string;
  description: string;
  colours: string[];
}

/** Reads the synthetic set's labels.csv (quoted description, `;`-separated colours). */
export async function readLabels(dir: string): Promise<LabelRow[]> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(join(dir, 'labels.csv'), 'utf8');
  const [header, ...rows] = text.trim().split('\n');
  const columns = splitCsv(header!);
  const at = (name: string) => columns.indexOf(name);
  return rows.map((line) => {
    const cells = splitCsv(line);
    return {
      relativePath: cells[at('relative_path')]!,
      description: cells[at('description')]!,
      colours: cells[at('colours')]!.split(';'),
    };
  });
}

function splitCsv(line: string): string[] {
  return (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
    .slice(0, -1)
    .map((cell) => cell.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
}
