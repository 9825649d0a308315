import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchItem, FileIdentity } from '../../../app/store/types.ts';

/** A fresh temp folder per test; `cleanup` removes it. */
export function tempDir(prefix = 'eidos-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function identity(folderId: number, path: string, size = 1000, mtimeMs = 1_700_000_000_000): FileIdentity {
  return { folderId, path, size, mtimeMs, format: 'jpeg' };
}

/** An embedding whose values encode `seed`, so a row read back can be traced to what was written. */
export function vectorFor(seed: number, d = 8): Float32Array {
  return Float32Array.from({ length: d }, (_, i) => seed + i / 100);
}

export function indexedItem(folderId: number, path: string, hash: string, seed: number, d = 8): BatchItem {
  return { kind: 'indexed', file: identity(folderId, path), contentHash: hash, metadata: {}, embedding: vectorFor(seed, d) };
}

/**
 * Another process holding the writer lock of `file` (test/unit/store/hold-lock.ts), once it says so.
 * `kill` ends it with SIGKILL, as a crash would: its lock row stays behind, stale.
 */
export async function holdLock(file: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['bin/run-ts.js', 'test/unit/store/hold-lock.ts', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    await new Promise<void>((ready, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && ready());
      child.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    pid: child.pid as number,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
