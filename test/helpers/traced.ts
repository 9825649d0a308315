import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseStraceLog, type Policy, type Syscall } from './strace-log.ts';

/**
 * Runs a command under strace, following every process and thread it starts, and logs the calls
 * that reach the network or write to the file system (./strace-log.ts reads the log).
 */
export const STRACE = '/usr/bin/strace';
export const REPO = resolve(import.meta.dirname, '../..');
export const EIDOS = join(REPO, 'bin/eidos.js');

const TRACED_CALLS = [
  'connect',
  'bind',
  'sendto',
  'sendmsg',
  'sendmmsg',
  'open',
  'openat',
  'creat',
  'mkdir',
  'mkdirat',
  'mknod',
  'mknodat',
  'rmdir',
  'unlink',
  'unlinkat',
  'rename',
  'renameat',
  'renameat2',
  'truncate',
  'symlink',
  'symlinkat',
  'link',
  'linkat',
  // Calls that would make the log incomplete (relative paths after a chdir, file I/O through io_uring).
  'chdir',
  'fchdir',
  'io_uring_setup',
].join(',');

export interface TraceResult {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: Syscall[];
}

export interface TraceOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where strace writes its log. */
  log: string;
}

function requireStrace(): void {
  if (!existsSync(STRACE)) {
    throw new Error(
      `The offline tests trace the app with ${STRACE}, which is missing. Install it with 'apt-get install strace' (CI does).`,
    );
  }
}

function startTraced(command: string[], options: TraceOptions): ChildProcess {
  requireStrace();
  // -f: every child and thread; -y: the path behind each descriptor (dirfd-relative calls, AT_FDCWD's folder).
  const args = [
    '-f',
    '-qq',
    '-y',
    '-e',
    'signal=none',
    '-e',
    `trace=${TRACED_CALLS}`,
    '-o',
    options.log,
    '--',
    ...command,
  ];
  return spawn(STRACE, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ChildProcess, log: string): Promise<TraceResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr, calls: parseStraceLog(readFileSync(log, 'utf8')) }));
  });
}

/** Runs `command` to its end under strace. */
export function traceCommand(command: string[], options: TraceOptions): Promise<TraceResult> {
  return collect(startTraced(command, options), options.log);
}

export interface TracedServer {
  /** The first line the server printed. */
  firstLine: string;
  /** Stops the traced program (SIGTERM, then SIGKILL after 5 s) and returns everything it did. */
  stop(): Promise<TraceResult>;
}

/** Starts a long-running `command` under strace and waits for its first line of output. */
export async function traceServer(command: string[], options: TraceOptions): Promise<TracedServer> {
  const child = startTraced(command, options);
  const finished = collect(child, options.log);
  const firstLine = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).once('line', done);
    void finished.then((result) =>
      fail(new Error(`${command.join(' ')} exited (${result.code}) before printing anything:\n${result.stderr}`)),
    );
  });
  // Signal the traced program itself: strace, signalled, would detach and leave it running.
  const tracee = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]);
  const stop = async (): Promise<TraceResult> => {
    const signal = (name: NodeJS.Signals): void => {
      try {
        process.kill(tracee, name);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const force = setTimeout(() => signal('SIGKILL'), 5000);
    try {
      return await finished;
    } finally {
      clearTimeout(force);
    }
  };
  return { firstLine, stop };
}

/**
 * The policy for Eidos as the built CLI runs it (bin/eidos.js → dist/cli) with TMPDIR=`tmp`: writes
 * only in `home`, no connection, no socket; nothing at all in `tmp`.
 */
export function eidosPolicy(home: string): Policy {
  return { home, cwd: REPO, writableFiles: [], writableDirs: [], unixSockets: () => false, loopbackPorts: [] };
}

/** The environment for a traced Eidos command: the data folder, a temp folder of its own, nothing pre-disabled. */
export function eidosEnv(home: string, tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, EIDOS_HOME: home, TMPDIR: tmp };
  // The app must switch onnxruntime's telemetry off itself; an inherited switch would hide a regression.
  delete env.ORT_DISABLE_TELEMETRY;
  return env;
}

/** The engine's heavy packages (and our addon): a command that only talks to a running Eidos opens none. */
const HEAVY_PACKAGES = [
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

/** The heavy packages a traced run of `eidos <args>` (EIDOS_HOME=home) opened, whatever its exit code. */
export function heavyPackagesOpened(args: string[], home: string, logDir: string): string[] {
  const log = join(logDir, `${args.join('-').replace(/\W+/g, '_').slice(0, 80)}.log`);
  try {
    execFileSync(STRACE, ['-f', '-qq', '-e', 'trace=openat,open', '-o', log, process.execPath, EIDOS, ...args], {
      env: { ...process.env, EIDOS_HOME: home },
      stdio: 'ignore',
    });
  } catch {
    // A command may fail here (no index): what it opened before failing is what counts.
  }
  const text = readFileSync(log, 'utf8');
  return HEAVY_PACKAGES.filter((name) => text.includes(`/${name}`));
}
