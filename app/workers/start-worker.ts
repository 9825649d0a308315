import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { resources } from '../resources.ts';

/**
 * The worker threads Eidos runs, by name, with each one's source file (relative to this file). The build
 * (scripts/build.ts) bundles every one of them to dist/workers/<name>.js.
 */
export const WORKER_SOURCES = {
  'encoder-worker': '../encoders/encoder-worker.ts',
  'heif-worker': '../image/heif-worker.ts',
  'map-worker': '../map/map-worker.ts',
  'text-worker': '../ocr/text-worker.ts',
  // Not a thread: a child process (childScript below), bundled the same way.
  'session-probe': '../encoders/session-probe.ts',
} as const;

export type WorkerName = keyof typeof WORKER_SOURCES;

/**
 * Starts the named worker. Run from a checkout (tests, development through tsx) this module is a `.ts`
 * file and the worker's source runs through a small bootstrap that registers tsx in the new thread; in a
 * build this module is part of a bundle and the worker is its own bundle among the resources.
 * `transferList` names ArrayBuffers inside `workerData` that move to the worker instead of being copied
 * (they are detached here): for large data the sender no longer needs.
 */
export function startWorker(
  name: WorkerName,
  workerData: Record<string, unknown>,
  transferList: ArrayBuffer[] = [],
): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const bootstrap = new URL('./ts-worker-bootstrap.js', import.meta.url);
    return new Worker(bootstrap, {
      workerData: { ...workerData, __entry: new URL(WORKER_SOURCES[name], import.meta.url).href },
      transferList,
    });
  }
  return new Worker(resources.worker(name), { workerData, transferList });
}

/**
 * The command that runs one of these entries as a child process: the bundle under Node (Electron runs it
 * as Node when the caller sets ELECTRON_RUN_AS_NODE), or from a checkout the source through tsx.
 */
export function childScript(name: WorkerName): { command: string; args: string[] } {
  if (import.meta.url.endsWith('.ts'))
    return {
      command: process.execPath,
      args: ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL(WORKER_SOURCES[name], import.meta.url))],
    };
  return { command: process.execPath, args: [resources.worker(name)] };
}
