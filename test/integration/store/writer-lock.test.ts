// The one-writer rule is an OS file lock (app/store/lock.ts, native/src/file_lock.cc), checked with real
// processes: a writer killed but not yet reaped (a zombie, which still answers kill(pid, 0)) and a pid a
// later, unrelated program reuses do not block the next writer; two live writers still exclude each
// other, across processes and within one; a child process never inherits the lock.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { lockFilePath } from '../../../app/store/lock.ts';
import { openIndex } from '../../../app/store/open.ts';
import { thrownError } from '../../helpers/errors.ts';
import { holdLock } from '../../helpers/hold-lock.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

let dir: string;
let cleanup: () => void;
const started: ChildProcess[] = [];
const grandchildren: number[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir('eidos-lock-')));
afterEach(() => {
  for (const pid of grandchildren.splice(0)) if (answersSignalZero(pid)) process.kill(pid, 'SIGKILL');
  for (const child of started.splice(0)) child.kill('SIGKILL');
  cleanup();
});

/**
 * The state of a process from /proc (Linux), undefined once it is gone. `dead` is the whole process having
 * exited, not yet reaped: its main thread a zombie ('Z') and no other thread left (a killed Node process's
 * main thread turns Z while its worker threads are still exiting, and they share the open files).
 */
function processState(pid: number): { state: string | undefined; dead: boolean } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const state = /^State:\s+(\S)/m.exec(status)?.[1];
  const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1]);
  return { state, dead: state === 'Z' && threads === 1 };
}

/** Polls `condition` until it holds; fails after `timeoutMs` (generous: the machine may be loaded). */
async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether kill(pid, 0) finds the process: what the old pid check asked. A zombie answers yes. */
function answersSignalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const holderRow = (file: string): { pid: number; host: string } | undefined => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT pid, host FROM writer_lock WHERE id = 1').get() as { pid: number; host: string };
  } finally {
    db.close();
  }
};

/**
 * The lock holder (test/helpers/lock-holder.ts) as the child of a Python parent that never waits for it
 * until its stdin closes, so once the holder is killed it stays a zombie: dead, unreaped, its pid taken.
 */
async function holderUnderNonReapingParent(file: string): Promise<{ parent: ChildProcess; holderPid: number }> {
  const script =
    'import subprocess, sys\n' +
    'child = subprocess.Popen(sys.argv[1:])\n' +
    'sys.stdin.read()\n' + // never waits for the child while the test keeps stdin open
    'child.wait()\n';
  const parent = spawn(
    'python3',
    ['-c', script, process.execPath, 'bin/run-ts.js', 'test/helpers/lock-holder.ts', file],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  started.push(parent);
  const holderPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    parent.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /locked (\d+)/.exec(out);
      if (match) {
        grandchildren.push(Number(match[1]));
        resolve(Number(match[1]));
      }
    });
    parent.once('exit', (code) => reject(new Error(`the holder's parent exited early (${code})`)));
  });
  return { parent, holderPid };
}

describe('the writer lock is the kernel’s', () => {
  it.runIf(process.platform === 'linux')(
    'a holder killed with SIGKILL but not reaped (a zombie) does not block the next writer',
    async () => {
      const file = join(dir, 'index.sqlite');
      openIndex(file).close();
      const { parent, holderPid } = await holderUnderNonReapingParent(file);
      expect(holderPid).not.toBe(parent.pid);
      expect(
        isEidosError(
          thrownError(() => openIndex(file)),
          'INDEX_LOCKED',
        ),
      ).toBe(true);

      process.kill(holderPid, 'SIGKILL');
      await until(() => processState(holderPid)?.dead === true, `pid ${holderPid} to become a zombie`);
      // The old check would still see a live writer: the zombie answers kill(pid, 0), and its row is there.
      expect(answersSignalZero(holderPid)).toBe(true);
      expect(holderRow(file)?.pid).toBe(holderPid);

      const store = openIndex(file);
      expect(processState(holderPid)?.state).toBe('Z'); // still unreaped while the next writer holds the index
      expect(holderRow(file)?.pid).toBe(process.pid);
      store.close();

      parent.stdin!.end(); // now the parent reaps it and exits
      await until(() => processState(holderPid) === undefined, `pid ${holderPid} to be reaped`);
    },
  );

  it('a lock row naming a live, unrelated process (a reused pid) does not block', async () => {
    const file = join(dir, 'index.sqlite');
    openIndex(file).close();
    const unrelated = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)'], { stdio: 'ignore' });
    started.push(unrelated);
    await new Promise((resolve) => unrelated.once('spawn', resolve));
    const pid = unrelated.pid as number;
    const db = new Database(file);
    db.prepare('INSERT OR REPLACE INTO writer_lock (id, pid, host, token, acquired_at) VALUES (1, ?, ?, ?, ?)').run(
      pid,
      hostname(),
      'left-by-a-crashed-writer',
      '2020-01-01T00:00:00.000Z',
    );
    db.close();
    expect(answersSignalZero(pid)).toBe(true);

    const store = openIndex(file);
    expect(holderRow(file)).toEqual({ pid: process.pid, host: hostname() });
    store.close();
  });

  it('a live writer in another process is refused to a second, named by pid, and released when it dies', async () => {
    const file = join(dir, 'index.sqlite');
    const holder = await holdLock(file);
    try {
      const error = thrownError(() => openIndex(file));
      expect(isEidosError(error, 'INDEX_LOCKED')).toBe(true);
      expect((error as Error).message).toContain(`pid ${holder.pid}`);
      expect((error as Error).message).toContain(file);
      // Readers are never refused.
      const reader = openIndex(file, { readonly: true });
      expect(reader.listFolders()).toEqual([]);
      reader.close();
    } finally {
      await holder.kill();
    }
    openIndex(file).close();
  });

  it('two writers in one process exclude each other, and the lock is free again once the first closes', () => {
    const file = join(dir, 'index.sqlite');
    const first = openIndex(file);
    const error = thrownError(() => openIndex(file));
    expect(isEidosError(error, 'INDEX_LOCKED')).toBe(true);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    // The refused open left the first writer's lock and row alone.
    expect(holderRow(file)?.pid).toBe(process.pid);
    expect(
      isEidosError(
        thrownError(() => openIndex(file)),
        'INDEX_LOCKED',
      ),
    ).toBe(true);
    first.close();
    expect(holderRow(file)).toBeUndefined();
    const second = openIndex(file);
    second.close();
  });

  it('a child process started by the writer does not inherit the lock', async () => {
    const file = join(dir, 'index.sqlite');
    const writer = openIndex(file);
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)'], { stdio: 'ignore' });
    started.push(child);
    await new Promise((resolve) => child.once('spawn', resolve));
    writer.close();
    // Had the child inherited the lock file's descriptor, the lock would live on with it.
    expect(answersSignalZero(child.pid as number)).toBe(true);
    openIndex(file).close();
  });

  it.runIf(process.platform !== 'win32')('keeps its lock file beside the index, private to the user (0600)', () => {
    const file = join(dir, 'index.sqlite');
    openIndex(file).close();
    expect(statSync(lockFilePath(file)).mode & 0o777).toBe(0o600);
  });
});
