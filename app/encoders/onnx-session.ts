/**
 * The only module that touches onnxruntime-node. It opens a model with the chosen execution provider
 * (falling back to the CPU with the reason kept, so `eidos doctor` can say what actually ran) and runs
 * the two CLIP towers with the tensor names of a transformers.js-style export.
 *
 * `run` is synchronous inside onnxruntime-node (it blocks its thread), so these functions are called
 * from the encoder worker, never from a UI or server thread.
 */
import * as ort from 'onnxruntime-node';
import { EidosError } from '../contract/errors.ts';
import { providerOptions } from './execution-providers.ts';
import type { ProviderName } from '../models/platform-default.ts';

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The provider the session was created with. */
  provider: ProviderName;
  /** Why the requested provider was not used, when it was not. */
  fallbackReason?: string;
}

export interface SessionRequest {
  path: string;
  provider: ProviderName;
  coreMlFlags?: number;
  /** Threads for one inference; the pipeline leaves the rest of the cores to decoding. */
  threads: number;
  /**
   * Keep onnxruntime's CPU memory arena (default on). The arena never returns memory, so a session whose
   * runs vary from one query to a batch of 64 concept prompts would hold that batch's activations for
   * the life of the process: the text session turns it off.
   */
  memArena?: boolean;
  /**
   * onnxruntime's log for this session: severity 0 (verbose) to 4, and the id its lines carry. Only the
   * coverage probe (session-probe.ts) asks for verbose lines; they go to the process's stderr.
   */
  log?: { severity: 0 | 1 | 2 | 3 | 4; id: string };
}

/**
 * The session options of a request. onnxruntime-node 1.30 reads only what its session-option parser knows
 * (js/node/src/session_options_helper.cc): there is no `freeDimensionOverrides`, which is why Core ML's
 * fixed batch is written into a copy of the graph instead (app/models/coreml-copy.ts).
 */
export function sessionOptions(req: SessionRequest, provider: ProviderName): ort.InferenceSession.SessionOptions {
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: providerOptions(
      provider,
      req.coreMlFlags,
    ) as ort.InferenceSession.SessionOptions['executionProviders'],
    intraOpNumThreads: req.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    enableCpuMemArena: req.memArena ?? true,
    // onnxruntime's pool threads busy-wait between runs by default; while indexing, that spinning takes
    // the cores the photo decoder needs (measured: 49.8 → 40.8 CPU ms per photo on 2 cores).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    ...(req.log ? { logSeverityLevel: req.log.severity, logId: req.log.id } : {}),
  };
  return opts;
}

export async function openSession(req: SessionRequest): Promise<OpenedSession> {
  try {
    const session = await ort.InferenceSession.create(req.path, sessionOptions(req, req.provider));
    return { session, provider: req.provider };
  } catch (error) {
    if (req.provider === 'cpu') {
      throw new EidosError(
        'MODEL_INVALID',
        `cannot load the model file ${req.path}: ${(error as Error).message}. Run 'eidos models verify' and re-fetch or re-import the model.`,
        { file: req.path, cause: error },
      );
    }
    const session = await ort.InferenceSession.create(req.path, sessionOptions(req, 'cpu'));
    return { session, provider: 'cpu', fallbackReason: `${req.provider} failed: ${(error as Error).message}` };
  }
}

function requireNames(session: ort.InferenceSession, inputs: string[], output: string, path: string): void {
  for (const name of inputs) {
    if (!session.inputNames.includes(name)) {
      throw new EidosError(
        'MODEL_INVALID',
        `${path} has no input '${name}' (inputs: ${session.inputNames.join(', ')}); it is not a CLIP export Eidos understands.`,
        { file: path },
      );
    }
  }
  if (!session.outputNames.includes(output)) {
    throw new EidosError(
      'MODEL_INVALID',
      `${path} has no output '${output}' (outputs: ${session.outputNames.join(', ')}).`,
      { file: path },
    );
  }
}

/** CLIP's output names; SigLIP's towers name theirs `pooler_output` (the manifest's `outputs`). */
const IMAGE_OUTPUT = 'image_embeds';
const TEXT_OUTPUT = 'text_embeds';

export function checkVisionSession(session: ort.InferenceSession, path: string, output = IMAGE_OUTPUT): void {
  requireNames(session, ['pixel_values'], output, path);
}

/** The fixed size of an input's first dimension (its batch), as the session sees it; undefined when it is free. */
export function fixedBatchOf(session: ort.InferenceSession, input: string): number | undefined {
  const meta = session.inputMetadata.find((m) => m.name === input);
  const dim = meta?.isTensor ? meta.shape[0] : undefined;
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

export function checkTextSession(session: ort.InferenceSession, path: string, output = TEXT_OUTPUT): void {
  requireNames(session, ['input_ids'], output, path);
}

/** pixel_values [n,3,size,size] → image_embeds [n,d] (not yet normalised). */
export async function runVision(
  session: ort.InferenceSession,
  pixels: Float32Array,
  n: number,
  size: number,
  output = IMAGE_OUTPUT,
): Promise<{ data: Float32Array; d: number }> {
  const input = new ort.Tensor('float32', pixels, [n, 3, size, size]);
  const out = await session.run({ pixel_values: input }, [output]);
  return tensorRows(out[output], n);
}

/** input_ids, attention_mask [n,len] → text_embeds [n,d] (not yet normalised). */
export async function runText(
  session: ort.InferenceSession,
  ids: BigInt64Array,
  mask: BigInt64Array,
  n: number,
  len: number,
  output = TEXT_OUTPUT,
): Promise<{ data: Float32Array; d: number }> {
  const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, [n, len]) };
  // Some exports (OpenAI CLIP's) take no attention mask: they pool at the end token.
  if (session.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', mask, [n, len]);
  const out = await session.run(feeds, [output]);
  return tensorRows(out[output], n);
}

function tensorRows(tensor: ort.Tensor | undefined, n: number): { data: Float32Array; d: number } {
  if (!tensor || tensor.type !== 'float32' || tensor.dims.length !== 2 || tensor.dims[0] !== n) {
    throw new EidosError(
      'MODEL_INVALID',
      `the model returned ${tensor ? `${tensor.type} ${JSON.stringify(tensor.dims)}` : 'nothing'}, expected float32 [${n}, d]`,
    );
  }
  return { data: tensor.data as Float32Array, d: tensor.dims[1] as number };
}

export function onnxRuntimeVersion(): string {
  return ort.env.versions.common;
}
