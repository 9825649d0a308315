/**
 * The speed column of the model table (README "Models", docs/models.md): each model's architecture twin
 * on this machine's CPU, images/s at the pipeline's batch (8) and texts/s one query at a time, through the
 * Encoder (worker route, ready tensors), with the twin's peak RSS of the process as a memory check.
 * Twins have the real layout and size, so speed and memory carry over; their embeddings mean nothing.
 * Run (alone on the machine): flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/model-table.ts
 */
import { resolveStore } from '../../app/models/store-context.ts';
import { cachedTwin } from '../../models/clip-twin/twin-cache.ts';
import { cachedMobileClip2Twin } from '../../models/mobileclip2-twin/twin-cache.ts';
import { imageRate, textRate } from './encoders.ts';

const TWINS = [
  { model: 'clip-vit-b32-int8', twin: 'clip-vit-b32-int8-twin', dir: () => cachedTwin('int8') },
  {
    model: 'clip-vit-b32 (fp32; fp16 on a Mac runs under Core ML)',
    twin: 'clip-vit-b32-twin',
    dir: () => cachedTwin('fp32'),
  },
  { model: 'mobileclip2-s2', twin: 'mobileclip2-s2-twin', dir: () => cachedMobileClip2Twin('s2') },
  { model: 'mobileclip2-s0', twin: 'mobileclip2-s0-twin', dir: () => cachedMobileClip2Twin('s0') },
];

const store = resolveStore({});
console.log('| model | twin | images/s (batch 8, CPU) | texts/s (one query) |\n|---|---|---:|---:|');
for (const entry of TWINS) {
  const installed = { model: store.model(entry.twin), dir: await entry.dir() };
  const images = await imageRate(installed, 8, 'worker');
  const texts = await textRate(installed, 1, 'worker');
  console.log(`| ${entry.model} | ${entry.twin} | ${images.toFixed(1)} | ${texts.toFixed(1)} |`);
}
console.log(
  `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (this process; the encoders run in workers inside it)`,
);
