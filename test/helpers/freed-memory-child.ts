/**
 * Child of test/unit/kernels/release-memory.test.ts (run with --expose-gc): fills the C heap with 64 KiB
 * buffers (each below glibc's mmap threshold, so they live in a malloc arena), keeps only the last one
 * (so the arena's top cannot shrink and hand them back by itself), frees the rest, then calls
 * releaseFreedMemory. Prints VmRSS in MB after the free and after the call, and the call's answer.
 */
import { readFileSync } from 'node:fs';
import { releaseFreedMemory } from '../../app/kernels/index.ts';

const rssMb = (): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

let buffers: Buffer[] | undefined = Array.from({ length: 3000 }, () => Buffer.alloc(64 * 1024, 1));
const last = buffers.at(-1)!;
const filled = rssMb();
buffers = undefined;
gc();
const freed = rssMb();
const released = releaseFreedMemory();
console.log(JSON.stringify({ filled, freed, after: rssMb(), released, kept: last.length }));
