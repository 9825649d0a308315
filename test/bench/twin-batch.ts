/**
 * Vision throughput of the CLIP int8 twin by batch size and thread count (worker route, ready tensors):
 * what the pipeline's batch size and the encoder's threads are tuned on.
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/twin-batch.ts
 */
import { availableParallelism } from 'node:os';
import { resolveStore } from '../../app/models/store-context.ts';
import { cachedTwin } from '../../models/clip-twin/twin-cache.ts';
import { imageRate } from './encoders.ts';

const installed = { model: resolveStore({}).model('clip-vit-b32-int8-twin'), dir: await cachedTwin('int8') };
console.log(
  `clip-vit-b32-int8-twin vision, cpu, ${availableParallelism()} threads, images/s (worker route, ready tensors)`,
);
for (const batch of [1, 4, 8, 16, 32])
  console.log(`batch ${String(batch).padStart(2)}  ${(await imageRate(installed, batch, 'worker')).toFixed(2)}`);
