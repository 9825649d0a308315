import type { ModelCard } from '../contract/types.ts';
import type { GeneratorName } from './generators.ts';

export type { ModelCard };

/**
 * The model manifest (`models/manifest.json`): what Eidos knows about each supported model, enough to
 * fetch it, verify it byte for byte, preprocess photos exactly as its reference processor does, and
 * score with its logit scale. Parsed and validated by `manifest.ts`.
 */

/** How photos become the model's `pixel_values`, mirroring the model's reference image processor. */
export interface PreprocessSpec {
  /** Side of the square input tensor (H = W). */
  size: number;
  /** Resize so the shortest edge equals this, keeping the aspect ratio, then centre-crop `size`×`size`. */
  shortestEdge: number;
  /**
   * `crop` (default; CLIPImageProcessor): the shortest-edge resize and centre crop above. `stretch`
   * (SiglipImageProcessor): resize straight to `size`×`size`, ignoring the aspect ratio; `shortestEdge` unused.
   */
  resize?: 'crop' | 'stretch';
  interpolation: 'bicubic' | 'bilinear';
  /** Multiplied into 0..255 pixel values before normalisation (1/255 for CLIP). */
  rescaleFactor: number;
  /** Per-channel mean and std in RGB order after rescaling; [0,0,0] and [1,1,1] mean "no normalisation". */
  mean: [number, number, number];
  std: [number, number, number];
}

export type ModelFileRole = 'vision' | 'text' | 'tokenizer' | 'tokenizer-config' | 'preprocessor' | 'config';

export interface ModelFile {
  role: ModelFileRole;
  /** Path inside the model's folder, e.g. `onnx/vision_model_quantized.onnx`. */
  path: string;
  /** Exact size; null when not known yet. */
  bytes: number | null;
  /**
   * Lower-case hex sha256 the file must have; null when the file is not pinned (no trustworthy hash
   * known, or a `PLACEHOLDER…` value in the manifest). Unpinned files install only when the user
   * passes `--trust-unpinned`, and `verify` never reports them as ok.
   */
  sha256: string | null;
  /** Download location; absent for generated models. */
  url?: string;
}

/**
 * How a query becomes `input_ids`. Absent: CLIP's (byte-level BPE, start and end tokens, attention mask,
 * padded with its end-of-text token). `gemma`: the model's own `tokenizer.json` run by @huggingface/tokenizers
 * (its post-processor adds what the model expects, e.g. SigLIP 2's <eos>), cut to `contextLength`.
 */
export interface TextSpec {
  tokenizer: 'clip' | 'gemma';
  /** Lower-case the query first (SigLIP 2 was trained on lower-cased text); absent: false. CLIP's BPE lower-cases anyway. */
  lowercase?: boolean;
  /**
   * The id that fills every row after its text up to `contextLength` (after the end-of-text token for CLIP).
   * Required for `gemma` (SigLIP 2: 0, `<pad>`). For `clip`, absent means its own pad token (end-of-text);
   * MobileCLIP2 needs 0: its text graph pools at the last position holding the largest id, and end-of-text is
   * the largest id, so padding with it would pool at the last pad.
   */
  padId?: number;
}

/** The towers' output names. Absent: CLIP's (`image_embeds`, `text_embeds`). */
export interface OutputNames {
  image: string;
  text: string;
}

export interface ModelSpec {
  id: string;
  name: string;
  description: string;
  licence: string;
  licenceUrl?: string;
  /** Size of `image_embeds` / `text_embeds`. */
  embeddingDim: number;
  /** τ in s(q,i) = τ·cos(e_q, e_i); exp(logit_scale) of the trained model (100 for OpenAI CLIP). */
  logitScale: number;
  /**
   * b in SigLIP's p(match) = sigmoid(τ·cos + b); absent (0) for CLIP. A constant added to every score: a
   * softmax over the library cancels it, so it changes only absolute probabilities, never a ranking.
   */
  logitBias?: number;
  /** How text is tokenised (absent: CLIP BPE). */
  text?: TextSpec;
  /** Output names (absent: CLIP's). */
  outputs?: OutputNames;
  /** The model-table entry (absent for test models). */
  card?: ModelCard;
  /** Text context length in tokens (77 for every CLIP-family model here). */
  contextLength: number;
  preprocess: PreprocessSpec;
  /** `generated`: built locally by `models fetch` (the synthetic model, the architecture twins), never downloaded. */
  source: 'download' | 'generated';
  /** Which generator builds a `generated` model (app/models/generators.ts). */
  generator?: GeneratorName;
  /** Core ML execution-provider flags (onnxruntime-node `coreMlFlags`) that suit this model on Apple Silicon. */
  coreMlFlags?: number;
  /** Where the pins come from, what is unconfirmed. */
  notes?: string;
  /**
   * The weights' licence restricts use (e.g. Apple's research-only model licence): nothing downloads
   * until the user has accepted it, once per model (`--accept-licence`, the checkbox in the app);
   * app/models/licence-acceptance.ts remembers it.
   */
  requiresLicenceAcceptance?: boolean;
  files: ModelFile[];
}

export interface Manifest {
  version: 1;
  /** The default where the CPU runs the encoders. */
  defaultModel: string;
  /** The default where Core ML runs them (a float export: see platform-default.ts); `defaultModel` when absent. */
  coreMlDefaultModel?: string;
  /**
   * The Core ML default once the user has accepted its licence (MobileCLIP2-S2: better retrieval and
   * faster than CLIP, but research-only weights); `coreMlDefaultModel` until then.
   */
  coreMlPreferredModel?: string;
  models: ModelSpec[];
}
