/**
 * Where a text query's time goes beyond the raw onnxruntime session (issue 22: ours ≤ 1.2 × raw): the raw
 * text session with onnxruntime's CPU memory arena on and off, the Encoder on this thread and in its
 * worker, and tokenising alone, interleaved query by query so that load on a shared machine hits all alike.
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/text-query-overhead.ts [cached-clip-twin-dir]
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Encoder } from '../../app/encoders/encoder.ts';
import { openSession, runText } from '../../app/encoders/onnx-session.ts';
import { findModel, loadManifest } from '../../app/models/manifest.ts';
import { ClipTokenizer } from '../../app/tokenizer/clip-tokenizer.ts';
import { median } from './stats.ts';

const dir = process.argv[2] ?? join(tmpdir(), 'eidos-twin-cache/clip-vit-b32-twin-v1-seed13-fp32');
const THREADS = 2;
const QUERIES = ['a photo of a dog', 'kids on a beach at sunset', 'snow mountain', 'red car', 'city at night'];
const tokenizer = ClipTokenizer.fromFile(join(dir, 'tokenizer.json'));
const ready = QUERIES.map((q) => tokenizer.encodeBatch([q], 77));
const textPath = join(dir, 'onnx/text_model.onnx');
const model = findModel(loadManifest(), 'clip-vit-b32-twin');

const arenaOn = (await openSession({ path: textPath, provider: 'cpu', threads: THREADS, memArena: true })).session;
const arenaOff = (await openSession({ path: textPath, provider: 'cpu', threads: THREADS, memArena: false })).session;
const modelDir = dir;
const worker = await Encoder.open({ model, modelDir, towers: ['text'], threads: THREADS });
const here = await Encoder.open({ model, modelDir, towers: ['text'], threads: THREADS, placement: 'this-thread' });
const runs: Record<string, (i: number) => Promise<unknown>> = {
  'raw session, arena on': (i) => runText(arenaOn, ready[i]!.inputIds, ready[i]!.attentionMask, 1, 77),
  'raw session, arena off': (i) => runText(arenaOff, ready[i]!.inputIds, ready[i]!.attentionMask, 1, 77),
  'Encoder, worker': (i) => worker.embedTexts([QUERIES[i]!]),
  'Encoder, this thread': (i) => here.embedTexts([QUERIES[i]!]),
  'tokenise only': async (i) => tokenizer.encodeBatch([QUERIES[i]!], 77),
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
for (const run of Object.values(runs)) await run(0);
for (let round = 0; round < 6; round++)
  for (let i = 0; i < QUERIES.length; i++)
    for (const [name, run] of Object.entries(runs)) {
      const t0 = performance.now();
      await run(i);
      times[name]!.push(performance.now() - t0);
    }
for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(24)} p50 ${median(xs).toFixed(2)} ms`);
await worker.close();
await here.close();
await arenaOn.release();
await arenaOff.release();
