/** Messages between the engine and an encoder worker (one worker owns one model's sessions). */
import type { ProviderName } from '../models/platform-default.ts';

export interface WorkerInit {
  /** The vision graph to open: the installed one, or its fixed-batch Core ML copy (app/models/coreml-copy.ts). */
  visionPath?: string;
  /** Why the vision graph is not the fixed-batch copy that was wanted. */
  visionGraphProblem?: string;
  textPath?: string;
  provider: ProviderName;
  coreMlFlags?: number;
  threads: number;
  imageSize: number;
  /** The towers' output names, when not CLIP's `image_embeds` / `text_embeds`. */
  outputs?: { image: string; text: string };
  /**
   * A tokenizer the sessions' thread loads and runs (requests of kind `texts`): the Gemma tokenizer, whose
   * 34 MB `tokenizer.json` takes seconds to build, which would otherwise stall the engine's thread.
   */
  textTokenizer?: { tokenizerJson: string; tokenizerConfig?: string; lowercase: boolean; padId: number };
}

export type WorkerRequest =
  | { id: number; kind: 'image'; pixels: Float32Array; n: number }
  | { id: number; kind: 'text'; ids: BigInt64Array; mask: BigInt64Array; n: number; len: number }
  /** Raw texts, tokenised by `WorkerInit.textTokenizer` on the sessions' thread. */
  | { id: number; kind: 'texts'; texts: string[]; len: number };

export interface SessionReport {
  tower: 'vision' | 'text';
  provider: ProviderName;
  fallbackReason?: string;
  /** The graph file the session runs. */
  file: string;
  /** The batch every run of this session carries (smaller batches are padded), when its graph fixes one. */
  fixedBatch?: number;
  /** Why the graph is not the fixed-batch copy that was wanted (Core ML then leaves it to the CPU). */
  graphProblem?: string;
}

export type WorkerReply =
  | { kind: 'ready'; sessions: SessionReport[] }
  | { kind: 'failed'; message: string; code: string }
  | { id: number; kind: 'result'; data: Float32Array; d: number }
  | { id: number; kind: 'error'; message: string; code: string };
