/**
 * The reference implementation: transformers.js's CLIPVisionModelWithProjection,
 * CLIPTextModelWithProjection and AutoTokenizer, loaded from an installed model folder with remote
 * models off. Embeddings are L2-normalised here, as Eidos returns them.
 */
import {
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  env,
  Tensor,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';

const CONTEXT = 77;
const END_OF_TEXT = 49407;

export interface ReferenceClip {
  embedImages(pixels: Float32Array, n: number): Promise<Float32Array>;
  embedTexts(texts: string[]): Promise<Float32Array>;
  release(): Promise<void>;
}

function normalise(data: Float32Array, d: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let row = 0; row < data.length / d; row++) {
    const v = data.subarray(row * d, (row + 1) * d);
    const norm = Math.hypot(...v);
    for (let i = 0; i < d; i++) out[row * d + i] = (v[i] as number) / norm;
  }
  return out;
}

/**
 * Token ids as transformers.js's tokenizer makes them, padded with the end token to 77. A text longer
 * than 77 tokens is cut to its first 76 ids plus the end token, as Hugging Face `tokenizers` and
 * OpenAI's clip.tokenize do: transformers.js 4.x drops the end token instead (see
 * test/unit/tokenizer/clip-tokenizer.test.ts), which would move the pooled position.
 */
function referenceIds(tokenizer: PreTrainedTokenizer, texts: string[]): { ids: Tensor; mask: Tensor } {
  const ids = new BigInt64Array(texts.length * CONTEXT).fill(BigInt(END_OF_TEXT));
  const mask = new BigInt64Array(texts.length * CONTEXT);
  texts.forEach((text, row) => {
    let encoded = tokenizer.encode(text);
    if (encoded.length > CONTEXT) encoded = [...encoded.slice(0, CONTEXT - 1), END_OF_TEXT];
    encoded.forEach((id, i) => {
      ids[row * CONTEXT + i] = BigInt(id);
      mask[row * CONTEXT + i] = 1n;
    });
  });
  return {
    ids: new Tensor('int64', ids, [texts.length, CONTEXT]),
    mask: new Tensor('int64', mask, [texts.length, CONTEXT]),
  };
}

/** `modelsDir/<id>` holds the model; `precision` picks `*_quantized.onnx` (q8) or the fp32 files. */
export async function loadReferenceClip(
  modelsDir: string,
  id: string,
  precision: 'fp32' | 'int8',
  threads: number,
): Promise<ReferenceClip> {
  env.allowRemoteModels = false;
  env.localModelPath = modelsDir;
  const options = {
    dtype: precision === 'fp32' ? ('fp32' as const) : ('q8' as const),
    device: 'cpu' as const,
    session_options: { intraOpNumThreads: threads },
  };
  const vision = await CLIPVisionModelWithProjection.from_pretrained(id, options);
  const text = await CLIPTextModelWithProjection.from_pretrained(id, options);
  const tokenizer = await AutoTokenizer.from_pretrained(id);
  return {
    async embedImages(pixels, n) {
      const { image_embeds } = (await vision({ pixel_values: new Tensor('float32', pixels, [n, 3, 224, 224]) })) as {
        image_embeds: Tensor;
      };
      return normalise(image_embeds.data as Float32Array, image_embeds.dims[1] as number);
    },
    async embedTexts(texts) {
      const { ids, mask } = referenceIds(tokenizer, texts);
      const { text_embeds } = (await text({ input_ids: ids, attention_mask: mask })) as { text_embeds: Tensor };
      return normalise(text_embeds.data as Float32Array, text_embeds.dims[1] as number);
    },
    async release() {
      await vision.dispose();
      await text.dispose();
    },
  };
}
