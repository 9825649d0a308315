/**
 * Photo → the model's `pixel_values` (CHW float32, 3·size·size), the same steps as the model's
 * reference image processor (Hugging Face CLIPImageProcessor): resize so the shortest edge is
 * `spec.shortestEdge`, centre-crop `size`×`size`, multiply by `rescaleFactor`, subtract `mean`, divide
 * by `std`; or, for `resize: 'stretch'` (SiglipImageProcessor), resize straight to `size`×`size`. Output sizes and crop offsets follow the reference's integer arithmetic exactly.
 *
 * Shrinking is antialiased (libvips `reduce` with the Catmull-Rom cubic, a = −0.5, or the triangle
 * for bilinear), which is what Pillow's `Image.resize(..., BICUBIC)` in the Python processor does and
 * what the model saw in training. transformers.js instead samples with sharp's `affine`, which does
 * not filter when shrinking and so aliases fine detail; see test/integration/image/preprocess-parity.test.ts
 * for the measured difference. The resize runs inside libvips in the decoding pipeline, so large JPEGs
 * are shrunk while decoding; only the crop (row copies) and the final scale-and-transpose of 224×224
 * values run in JS, the latter through lookup tables.
 */
import sharp, { type KernelEnum, type Sharp } from 'sharp';
import { EidosError } from '../contract/errors.ts';
import type { PreprocessSpec } from '../models/manifest-types.ts';
import { openImage, openPipeline, toRgbPixels, type DecodedImage } from './decode.ts';

export interface ModelInputGeometry {
  /** Size after the shortest-edge resize. */
  resizeWidth: number;
  resizeHeight: number;
  /** Top-left corner of the centre crop inside the resized image. */
  left: number;
  top: number;
}

const KERNELS: Record<PreprocessSpec['interpolation'], keyof KernelEnum> = { bicubic: 'cubic', bilinear: 'linear' };

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
 * edge when the photo has one (HEIF thumbnail item, RAW preview), else shrunk on load (JPEG) or in full.
 */
export async function preprocessForModel(file: string, spec: PreprocessSpec): Promise<Float32Array> {
  checkSpec(spec);
  const image = await openImage(file);
  const sized = await openPipeline(image, {
    embedded: { minShortEdge: spec.shortestEdge, minLongEdge: spec.shortestEdge },
  });
  return tensorFromPipeline(sized.pipeline, sized.width, sized.height, spec, file);
}

/** The same from pixels already decoded (e.g. by `decodeImage` for the thumbnails too). */
export async function preprocessDecoded(
  image: DecodedImage,
  spec: PreprocessSpec,
  file = '(decoded pixels)',
): Promise<Float32Array> {
  checkSpec(spec);
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  return tensorFromPipeline(pipeline, image.width, image.height, spec, file);
}

async function tensorFromPipeline(
  pipeline: Sharp,
  width: number,
  height: number,
  spec: PreprocessSpec,
  file: string,
): Promise<Float32Array> {
  const geometry = modelInputGeometry(width, height, spec);
  const shrinking = geometry.resizeWidth <= width && geometry.resizeHeight <= height;
  const resized = shrinking
    ? await toRgbPixels(
        pipeline.resize({
          width: geometry.resizeWidth,
          height: geometry.resizeHeight,
          fit: 'fill',
          kernel: KERNELS[spec.interpolation],
        }),
        file,
      )
    : await enlargeLikePillow(await toRgbPixels(pipeline, file), geometry, spec, file);
  return hwcToNormalisedChw(centreCrop(resized, geometry, spec.size), spec);
}

/** Border copied around the source before enlarging: the cubic kernel's reach (2 source pixels). */
const EDGE = 2;

/**
 * Shrinking uses libvips `reduce`, which stretches the kernel by the scale (antialiasing) as Pillow
 * does. Enlarging is interpolation only, and libvips' resize samples on another grid, so we map with
 * an affine transform using Pillow's pixel-centre alignment, x_in = (x_out + 0.5) / s − 0.5, and the
 * same interpolator, on a copy-extended source so border samples do not blend in black.
 * Enlarging only happens for photos smaller than the model input, so the extra pass is cheap.
 */
async function enlargeLikePillow(
  source: DecodedImage,
  geometry: ModelInputGeometry,
  spec: PreprocessSpec,
  file: string,
): Promise<DecodedImage> {
  const padded = await sharp(source.data, { raw: { width: source.width, height: source.height, channels: 3 } })
    .extend({ top: EDGE, bottom: EDGE, left: EDGE, right: EDGE, extendWith: 'copy' })
    .raw()
    .toBuffer();
  const enlarged = sharp(padded, {
    raw: { width: source.width + 2 * EDGE, height: source.height + 2 * EDGE, channels: 3 },
  }).affine([geometry.resizeWidth / source.width, 0, 0, geometry.resizeHeight / source.height], {
    interpolator: spec.interpolation,
    idx: 0.5 - EDGE,
    idy: 0.5 - EDGE,
    odx: -0.5,
    ody: -0.5,
  });
  return toRgbPixels(enlarged, file);
}

/** The `size`×`size` window at the geometry's offsets (row copies; sharp runs `extract` before `affine`). */
function centreCrop(image: DecodedImage, geometry: ModelInputGeometry, size: number): Uint8Array {
  if (image.width < geometry.left + size || image.height < geometry.top + size) {
    throw new EidosError(
      'INTERNAL',
      `resized image ${image.width}×${image.height} is smaller than the ${size}×${size} crop at (${geometry.left}, ${geometry.top})`,
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
    spec.interpolation in KERNELS;
  if (!ok) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `Invalid preprocessing spec ${JSON.stringify(spec)}: need integer size > 0, shortestEdge ≥ size, non-zero std and interpolation bicubic or bilinear. Check models/manifest.json.`,
    );
  }
}
