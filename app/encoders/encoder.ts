/**
 * The engine's view of a model: embed photos (already preprocessed pixel tensors) and texts into
 * L2-normalised vectors. Inference runs in an encoder worker thread (or, for a one-shot command, on this
 * thread: app/encoders/encoder-transport.ts); tokenising runs here.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { CORE_ML_BATCH, coreMlVisionPath } from '../models/coreml-copy.ts';
import type { ModelFileRole, ModelSpec } from '../models/manifest-types.ts';
import { ClipTokenizer } from '../tokenizer/clip-tokenizer.ts';
import { DEFAULT_CORE_ML_FLAGS } from './execution-providers.ts';
import { defaultProvider, type ProviderName } from '../models/platform-default.ts';
import { openTransport, type EncoderTransport, type Placement } from './encoder-transport.ts';
import { pooledTransport, visionWorkerCount } from './vision-pool.ts';
import type { SessionReport, WorkerInit, WorkerRequest } from './protocol.ts';

export interface EncoderOptions {
  model: ModelSpec;
  /** The installed model's folder. */
  modelDir: string;
  /** Which towers to load: the indexer needs vision (and text for the prior bank), search needs text. */
  towers: Array<'vision' | 'text'>;
  provider?: ProviderName;
  /**
   * Inference threads; default: all cores, for a small vision graph on the CPU shared out among a pool
   * of one-thread workers (vision-pool.ts). Set, it is one worker of that many threads.
   */
  threads?: number;
  /** Largest vision batch sent to the worker in one request (default: Core ML's fixed batch). */
  batchSize?: number;
  /**
   * Open the vision tower's fixed-batch Core ML copy (written first if missing) whatever the provider; Core
   * ML always gets it. Set on the CPU to test that path where Core ML is absent.
   */
  fixedBatchGraph?: boolean;
  /** Where the sessions run (default: a worker thread). */
  placement?: Placement;
}

export interface Embeddings {
  data: Float32Array;
  n: number;
  d: number;
}

/**
 * Texts per text-tower run (the concept bank is encoded in such chunks, so a query is never stuck
 * behind it for long). A run's activations grow with it (77 tokens × 2048 floats per text in each MLP).
 * Measured with the CLIP int8 twin on 2 cores: 16 per run gives 40 texts/s and a peak RSS of 517 MB in
 * `eidos serve` after its first search; 64 gave 16 texts/s and 695 MB.
 */
const TEXT_CHUNK = 16;

function filePath(model: ModelSpec, modelDir: string, role: ModelFileRole): string {
  const file = model.files.find((f) => f.role === role);
  if (!file) throw new EidosError('MODEL_INVALID', `the manifest entry of ${model.id} has no ${role} file`);
  return join(modelDir, file.path);
}

/**
 * The vision graph a session opens: under Core ML the copy with the batch fixed (its provider takes only
 * static shapes); when that copy cannot be written, the original, which Core ML then leaves to the CPU
 * (the coverage report says so).
 */
async function visionGraph(
  model: ModelSpec,
  modelDir: string,
  fixedBatch: boolean,
): Promise<{ visionPath: string; visionGraphProblem?: string }> {
  const original = filePath(model, modelDir, 'vision');
  if (!fixedBatch) return { visionPath: original };
  try {
    return { visionPath: await coreMlVisionPath(model, modelDir, CORE_ML_BATCH) };
  } catch (error) {
    return { visionPath: original, visionGraphProblem: `no fixed-batch copy: ${(error as Error).message}` };
  }
}

export class Encoder {
  readonly model: ModelSpec;
  readonly sessions: SessionReport[];
  readonly batchSize: number;
  private readonly transport: EncoderTransport;
  private readonly tokenizer: ClipTokenizer | undefined;

  private constructor(
    model: ModelSpec,
    transport: EncoderTransport,
    tokenizer: ClipTokenizer | undefined,
    batchSize: number,
  ) {
    this.model = model;
    this.transport = transport;
    this.sessions = transport.sessions;
    this.tokenizer = tokenizer;
    this.batchSize = batchSize;
  }

  static async open(options: EncoderOptions): Promise<Encoder> {
    const { model, modelDir, towers } = options;
    const batchSize = options.batchSize ?? CORE_ML_BATCH;
    const provider = options.provider ?? defaultProvider();
    const init: WorkerInit = {
      provider,
      coreMlFlags: model.coreMlFlags ?? DEFAULT_CORE_ML_FLAGS,
      threads: options.threads ?? availableParallelism(),
      imageSize: model.preprocess.size,
      ...(model.outputs ? { outputs: model.outputs } : {}),
      ...(towers.includes('text') && model.text?.tokenizer === 'gemma'
        ? { textTokenizer: gemmaTokenizerSpec(model, modelDir) }
        : {}),
      ...(towers.includes('vision')
        ? await visionGraph(model, modelDir, provider === 'coreml' || options.fixedBatchGraph === true)
        : {}),
      ...(towers.includes('text') ? { textPath: filePath(model, modelDir, 'text') } : {}),
    };
    // onnxruntime 1.29+ ships telemetry on Linux and macOS: a device id and an event cache under
    // ~/.cache/Microsoft, files in the temp folder, uploads to Microsoft. ORT_DISABLE_TELEMETRY=1 turns all
    // of it off if set before the runtime starts. Native code reads the process environment, which only the
    // main thread's process.env writes through to (a worker's is a private copy): so set it here, before
    // the worker that loads onnxruntime exists. test/integration/offline checks that it stays off.
    process.env.ORT_DISABLE_TELEMETRY = '1';
    const opening = openEncoderTransport(init, options);
    opening.catch(() => undefined); // awaited below; a tokenizer failure must not leave it unhandled
    try {
      // Read here, while the sessions are created (in the worker, or on onnxruntime's own threads).
      // CLIP's tokenizer runs here (its tables load in milliseconds from their cache); a Gemma tokenizer
      // runs on the sessions' thread (WorkerInit.textTokenizer): building it takes seconds.
      const tokenizer =
        towers.includes('text') && model.text?.tokenizer !== 'gemma'
          ? ClipTokenizer.fromFile(filePath(model, modelDir, 'tokenizer'), { cache: true })
          : undefined;
      return new Encoder(model, await opening, tokenizer, batchSize);
    } catch (error) {
      await (await opening.catch(() => undefined))?.close();
      throw error;
    }
  }

  /** The provider that runs the vision tower (or the text tower when there is no vision tower). */
  get provider(): ProviderName {
    return (this.sessions.find((s) => s.tower === 'vision') ?? this.sessions[0])?.provider ?? 'cpu';
  }

  /**
   * Embeds n preprocessed photos ([n,3,size,size] float32), in batches of at most `batchSize`. With
   * `giveUp`, a caller that is done with `pixels` lets its buffer move to the worker uncopied (it is
   * detached after the call) when it holds one batch exactly: the indexer's batches, megabytes each.
   */
  async embedImages(pixels: Float32Array, n: number, options: { giveUp?: boolean } = {}): Promise<Embeddings> {
    const size = this.model.preprocess.size;
    const per = 3 * size * size;
    if (n <= 0) throw new EidosError('BAD_ARGUMENT', 'embedImages needs at least one photo');
    if (pixels.length !== n * per)
      throw new EidosError('BAD_ARGUMENT', `expected ${n}×3×${size}×${size} pixel values, got ${pixels.length}`);
    const whole = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength;
    if (options.giveUp && n <= this.batchSize && whole && pixels.buffer instanceof ArrayBuffer)
      return this.request({ id: 0, kind: 'image', pixels, n }, n, [pixels.buffer]);
    const parts: Embeddings[] = [];
    for (let start = 0; start < n; start += this.batchSize) {
      const count = Math.min(this.batchSize, n - start);
      // A copy per batch: its buffer is transferred to the worker, the caller keeps its own.
      const slice = pixels.slice(start * per, (start + count) * per);
      parts.push(
        await this.request({ id: 0, kind: 'image', pixels: slice, n: count }, count, [slice.buffer as ArrayBuffer]),
      );
    }
    return concatRows(parts);
  }

  async embedTexts(texts: string[]): Promise<Embeddings> {
    const remote = this.model.text?.tokenizer === 'gemma' && this.sessions.some((s) => s.tower === 'text');
    if (!this.tokenizer && !remote) throw new EidosError('INTERNAL', 'this encoder was opened without its text tower');
    if (texts.length === 0) throw new EidosError('BAD_ARGUMENT', 'embedTexts needs at least one text');
    const len = this.model.contextLength;
    const parts: Embeddings[] = [];
    const chunk = TEXT_CHUNK;
    for (let start = 0; start < texts.length; start += chunk) {
      const batch = texts.slice(start, start + chunk);
      if (!this.tokenizer) {
        parts.push(await this.request({ id: 0, kind: 'texts', texts: batch, len }, batch.length, []));
        continue;
      }
      const { inputIds, attentionMask } = this.tokenizer.encodeBatch(batch, len, this.model.text?.padId);
      parts.push(
        await this.request(
          { id: 0, kind: 'text', ids: inputIds, mask: attentionMask, n: batch.length, len },
          batch.length,
          [inputIds.buffer as ArrayBuffer, attentionMask.buffer as ArrayBuffer],
        ),
      );
    }
    return concatRows(parts);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private async request(req: WorkerRequest, n: number, transfer: ArrayBuffer[]): Promise<Embeddings> {
    const { data, d } = await this.transport.run(req, transfer);
    return { data, n, d };
  }
}

/**
 * The sessions' transport: in a worker (default) or on this thread; a vision tower on the CPU may get a
 * pool of one-thread workers (vision-pool.ts), unless the caller fixed the threads.
 */
async function openEncoderTransport(init: WorkerInit, options: EncoderOptions): Promise<EncoderTransport> {
  const placement = options.placement ?? 'worker';
  const workers =
    placement === 'worker' && init.visionPath !== undefined && options.threads === undefined
      ? visionWorkerCount(init.visionPath, init.provider)
      : 1;
  if (workers === 1) return openTransport(init, placement);
  const threads = Math.max(1, Math.floor(init.threads / workers));
  // The first member holds the text tower too, if asked for; the others the vision tower alone.
  const { textPath: _text, textTokenizer: _tokenizer, ...visionOnly } = init;
  const opening = Array.from({ length: workers }, (_, i) =>
    openTransport({ ...(i === 0 ? init : visionOnly), threads }, placement),
  );
  const opened = await Promise.allSettled(opening);
  const members = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    await Promise.all(members.map((member) => member.close()));
    throw failed.reason;
  }
  return pooledTransport(members);
}

/** Where a Gemma-tokenised model's tokenizer files are, and how it pads and cases (WorkerInit.textTokenizer). */
function gemmaTokenizerSpec(model: ModelSpec, modelDir: string): NonNullable<WorkerInit['textTokenizer']> {
  const config = model.files.find((f) => f.role === 'tokenizer-config');
  return {
    tokenizerJson: filePath(model, modelDir, 'tokenizer'),
    ...(config ? { tokenizerConfig: join(modelDir, config.path) } : {}),
    lowercase: model.text?.lowercase ?? false,
    padId: model.text?.padId ?? 0,
  };
}

function concatRows(parts: Embeddings[]): Embeddings {
  if (parts.length === 1) return parts[0] as Embeddings;
  const d = (parts[0] as Embeddings).d;
  const n = parts.reduce((sum, p) => sum + p.n, 0);
  const data = new Float32Array(n * d);
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.n * d;
  }
  return { data, n, d };
}
