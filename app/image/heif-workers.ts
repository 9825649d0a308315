/**
 * A small pool of HEIF decoding threads (heif-worker.ts). Started on the first HEIF photo and
 * unreferenced while idle, so a process that never meets a HEIF pays nothing and one that did still
 * exits when its work is done. A thread idle for IDLE_MS ends: WebAssembly memory grown by a full
 * decode (hundreds of MB) is only given back with its thread, and `eidos serve` or the app run for
 * days. A worker that dies fails its requests and is replaced on the next one.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { EidosError, type ErrorCode } from '../contract/errors.ts';
import { startWorker } from '../workers/start-worker.ts';
import type { DecodeBounds } from './bounds.ts';
import type { HeifDecoded } from './heif-decode.ts';
import type { HeifReply, HeifRequest } from './heif-protocol.ts';

interface Pending {
  file: string;
  resolve(result: HeifDecoded): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  idleTimer?: NodeJS.Timeout;
}

const IDLE_MS = 30_000;

/**
 * One thread per core beyond the first (which the encoder and this thread need), two at most: a
 * thumbnail decodes in ~11 ms, so one thread outpaces the encoder, while each thread costs ~1 s of CPU
 * to load and optimise libheif and ~150 MB of WebAssembly memory after a full 12 MP decode.
 */
const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism() - 1));
const slots: Slot[] = [];
let nextId = 1;

function startSlot(): Slot {
  const worker = startWorker('heif-worker', {});
  const slot: Slot = { worker, pending: new Map() };
  const failAll = (error: Error): void => {
    removeSlot(slot);
    for (const pending of slot.pending.values()) pending.reject(error);
    slot.pending.clear();
  };
  worker.on('message', (reply: HeifReply) => {
    const pending = slot.pending.get(reply.id);
    if (!pending) return;
    slot.pending.delete(reply.id);
    if (slot.pending.size === 0) {
      worker.unref();
      slot.idleTimer = setTimeout(() => retire(slot), IDLE_MS).unref();
    }
    if (reply.kind === 'decoded') pending.resolve(reply.result);
    else pending.reject(new EidosError(reply.code as ErrorCode, reply.message, { file: pending.file }));
  });
  worker.on('error', (error) =>
    failAll(new EidosError('INTERNAL', `the HEIF decoding thread failed: ${error.message}`)),
  );
  worker.on('exit', (code) => {
    if (slots.includes(slot))
      failAll(new EidosError('INTERNAL', `the HEIF decoding thread stopped unexpectedly (exit code ${code})`));
  });
  worker.unref();
  slot.idleTimer = setTimeout(() => retire(slot), IDLE_MS).unref(); // started ahead and never used
  slots.push(slot);
  return slot;
}

function removeSlot(slot: Slot): void {
  clearTimeout(slot.idleTimer);
  const at = slots.indexOf(slot);
  if (at >= 0) slots.splice(at, 1);
}

/** Ends an idle thread (its `exit` then finds it out of the pool and fails nothing). */
function retire(slot: Slot): void {
  if (slot.pending.size > 0) return;
  removeSlot(slot);
  void slot.worker.terminate();
}

/** The least busy thread, starting one while the pool has room. */
function pickSlot(): Slot {
  const idle = slots.find((slot) => slot.pending.size === 0);
  if (idle) return idle;
  if (slots.length < POOL_SIZE) return startSlot();
  return slots.reduce((best, slot) => (slot.pending.size < best.pending.size ? slot : best));
}

/**
 * Decodes on a HEIF thread (see `decodeHeif`; a thumbnail item when `bounds.embedded` allows one) and
 * shrinks the result to `bounds` there. `bytes` is copied to the thread, so the caller keeps its buffer.
 */
export function decodeHeifOffThread(
  file: string,
  bytes: Uint8Array,
  bounds: DecodeBounds,
  maxPixels: number,
): Promise<HeifDecoded> {
  const slot = pickSlot();
  const id = nextId++;
  const request: HeifRequest = { id, file, bytes, maxPixels, bounds };
  return new Promise<HeifDecoded>((resolve, reject) => {
    clearTimeout(slot.idleTimer);
    slot.pending.set(id, { file, resolve, reject });
    slot.worker.ref();
    slot.worker.postMessage(request);
  });
}

/**
 * Starts the decoding threads ahead of the first HEIF photo (loading libheif takes a few hundred
 * milliseconds a thread), so an index run's first HEIC photos do not wait for it.
 */
export function startHeifWorkers(): void {
  while (slots.length < POOL_SIZE) startSlot();
}

/** Stops the decoding threads (tests, shutdown); the next decode starts new ones. */
export async function stopHeifWorkers(): Promise<void> {
  const stopping = slots.splice(0, slots.length);
  await Promise.all(
    stopping.map(async (slot) => {
      clearTimeout(slot.idleTimer);
      for (const pending of slot.pending.values())
        pending.reject(new EidosError('INTERNAL', 'the HEIF decoding threads were stopped'));
      await slot.worker.terminate();
    }),
  );
}
