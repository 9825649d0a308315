/**
 * Photo → the model's `pixel_values` (CHW float32, 3·size·size), the same steps as the model's
 * reference image processor (Hugging Face CLIPImageProcessor): resize so the shortest edge is
 * `spec.shortestEdge`, centre-crop `size`×`size`, multiply by `rescaleFactor`, subtract `mean`, divide
 * by `std`; or, for `resize: 'stretch'` (SiglipImageProcessor), resize straight to `size`×`size`. Output
 * sizes and crop offsets follow the reference's integer arithmetic exactly.
 *
 * The resize is Pillow's `Image.resize(..., BICUBIC)` (or BILINEAR), what the Python processor does and
 * what the model saw in training: antialiased, the kernel stretched by the scale when shrinking, computed
 * by the native kernel (`kernels.resampleImage`, native/src/resample.cc). transformers.js instead samples
 * with sharp's `affine`, which does not filter when shrinking and so aliases fine detail; see
 * test/integration/image/preprocess-parity.test.ts for the measured difference. A large JPEG is shrunk
 * while decoding first (to twice the model's edge at least), so the resize reads few pixels; the crop
 * (row copies) and the final scale-and-transpose of 224×224 values run in JS, the latter through lookup
 * tables.
 */
import { EidosError } from '../contract/errors.ts';
import type { PreprocessSpec } from '../models/manifest-types.ts';
import { kernels } from '../kernels/index.ts';
import { decodeOpened, openImage, type DecodedImage } from './decode.ts';

export interface ModelInputGeometry {
  /** Size after the shortest-edge resize. */
  resizeWidth: number;
  resizeHeight: number;
  /** Top-left corner of the centre crop inside the resized image. */
  left: number;
  top: number;
}

const FILTERS: ReadonlySet<string> = new Set<PreprocessSpec['interpolation']>(['bicubic', 'bilinear']);

/**
 * The reference's arithmetic: scale = shortestEdge / min(w, h); each side is floor(side·scale) after
 * rounding to two decimals (transformers.js guards float error this way; Python's int() agrees except
 * at exact .99…); crop offsets are floor((resized − size) / 2).
 */
export function modelInputGeometry(width: number, height: number, spec: PreprocessSpec): ModelInputGeometry {
  // SiglipImageProcessor: straight to size×size, aspect ratio not kept, nothing cropped.
  if (spec.resize === 'stretch') return { resizeWidth: spec.size, resizeHeight: spec.size, left: 0, top: 0 };
  const scale = spec.shortestEdge / Math.min(width, height);
  const resizeWidth = Math.floor(Number((width * scale).toFixed(2)));
  const resizeHeight = Math.floor(Number((height * scale).toFixed(2)));
  return {
    resizeWidth,
    resizeHeight,
    left: Math.floor((resizeWidth - spec.size) / 2),
    top: Math.floor((resizeHeight - spec.size) / 2),
  };
}

/**
 * Decodes `file` and returns its model input: from an embedded image at least the model's shortest
 * edge when the photo has one (HEIF thumbnail item, RAW preview), else shrunk on load (JPEG) to no less
 * than twice the model's shortest edge, or in full; then as `preprocessDecoded`.
 */
export async function preprocessForModel(file: string, spec: PreprocessSpec): Promise<Float32Array> {
  checkSpec(spec);
  const image = await decodeOpened(await openImage(file), {
    maxLongEdge: 2 * spec.shortestEdge,
    minShortEdge: 2 * spec.shortestEdge,
    embedded: { minShortEdge: spec.shortestEdge, minLongEdge: spec.shortestEdge },
  });
  return preprocessDecoded(image, spec, file);
}

/**
 * The same from pixels already decoded (e.g. by `decodeImage` for the thumbnails too): resized by the
 * native kernel, which is Pillow's `Image.resize` with the processor's filter, then cropped and normalised.
 */
export function preprocessDecoded(image: DecodedImage, spec: PreprocessSpec, file = '(decoded pixels)'): Float32Array {
  checkSpec(spec);
  const geometry = modelInputGeometry(image.width, image.height, spec);
  const { size } = spec;
  if (geometry.resizeWidth === image.width && geometry.resizeHeight === image.height)
    return hwcToNormalisedChw(centreCrop(image, geometry, size, file), spec);
  // Only the centre crop of the resized picture is computed: a panorama's resize need not exist whole.
  const window = { left: geometry.left, top: geometry.top, width: size, height: size };
  const crop = kernels.resampleImage(
    image.data,
    image.width,
    image.height,
    3,
    geometry.resizeWidth,
    geometry.resizeHeight,
    spec.interpolation,
    window,
  );
  return hwcToNormalisedChw(crop, spec);
}

/** The `size`×`size` window at the geometry's offsets of a picture already at the resize's size (row copies). */
function centreCrop(
  image: { data: Uint8Array; width: number; height: number },
  geometry: ModelInputGeometry,
  size: number,
  file: string,
): Uint8Array {
  if (image.width < geometry.left + size || image.height < geometry.top + size) {
    throw new EidosError(
      'INTERNAL',
      `${file}: resized image ${image.width}×${image.height} is smaller than the ${size}×${size} crop at (${geometry.left}, ${geometry.top})`,
    );
  }
  const crop = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const from = ((y + geometry.top) * image.width + geometry.left) * 3;
    crop.set(image.data.subarray(from, from + size * 3), y * size * 3);
  }
  return crop;
}

/** HWC uint8 → CHW float32 with (v·rescale − mean) / std, one table lookup a value. */
export function hwcToNormalisedChw(rgb: Uint8Array, spec: PreprocessSpec): Float32Array {
  const plane = spec.size * spec.size;
  if (rgb.length !== 3 * plane) throw new EidosError('INTERNAL', `expected ${3 * plane} RGB values, got ${rgb.length}`);
  const tables = [0, 1, 2].map((c) => {
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = (v * spec.rescaleFactor - spec.mean[c]!) / spec.std[c]!;
    return table;
  }) as [Float32Array, Float32Array, Float32Array];
  const out = new Float32Array(3 * plane);
  const [r, g, b] = tables;
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    out[i] = r[rgb[p]!]!;
    out[plane + i] = g[rgb[p + 1]!]!;
    out[2 * plane + i] = b[rgb[p + 2]!]!;
  }
  return out;
}

function checkSpec(spec: PreprocessSpec): void {
  const ok =
    Number.isInteger(spec.size) &&
    spec.size > 0 &&
    Number.isInteger(spec.shortestEdge) &&
    spec.shortestEdge >= spec.size &&
    spec.std.every((s) => s !== 0) &&
    FILTERS.has(spec.interpolation);
  if (!ok) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `Invalid preprocessing spec ${JSON.stringify(spec)}: need integer size > 0, shortestEdge ≥ size, non-zero std and interpolation bicubic or bilinear. Check models/manifest.json.`,
    );
  }
}
