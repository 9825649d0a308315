import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running `entry`. A `.ts` entry (a checkout run through tsx) goes through a small
 * bootstrap that registers tsx in the worker; a `.js` entry (a bundled build) runs directly.
 */
export function startWorker(entry: URL, workerData: Record<string, unknown>): Worker {
  if (entry.pathname.endsWith('.ts')) {
    const bootstrap = new URL('./ts-worker-bootstrap.js', import.meta.url);
    return new Worker(bootstrap, { workerData: { ...workerData, __entry: entry.href } });
  }
  return new Worker(entry, { workerData });
}
