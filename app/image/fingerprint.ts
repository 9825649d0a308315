/**
 * A photo's pixel fingerprint, for finding near-duplicates (the same photo resized, recompressed,
 * cropped a little, straightened, lightly edited or converted) whatever model is installed: the
 * synthetic models and architecture twins give embeddings without visual meaning, so the decision
 * cannot rest on them.
 *
 * What it is: the low spatial frequencies of the photo's luminance, as real vectors. The displayed
 * image (orientation applied) is reduced to 64 × 64 grey pixels, ignoring its aspect ratio
 * (app/image/grey-picture.ts: antialiased bicubic, Rec. 709 luminance). From it,
 * 19 views are resampled to 32 × 32: the whole frame, and 9 crops at 95 % and 9 at 90 % of each side
 * (left/centre/right × top/centre/bottom). Each view's 2-D DCT-II keeps its 6 × 6 lowest frequencies
 * except the mean (DC): 35 numbers, L2-normalised. This is the DCT perceptual hash (Zauner 2010,
 * "pHash") before it is cut to one bit per coefficient: kept real, two views compare by their dot
 * product (a cosine), which separates copies from distinct photos better than a Hamming distance.
 *
 * Two photos' similarity is the best cosine between one's whole frame and the other's views (either
 * way round): a copy cropped by up to 10 % lines up with one of the crops of its original. Dropping DC
 * and normalising makes it blind to brightness and contrast; luminance alone to saturation and hue;
 * low frequencies survive JPEG at any quality, resampling and HEVC. The sizes (6 × 6 frequencies, the
 * two crop scales) were chosen on pairs made from ../shared/photos (test/bench/duplicates.ts). What it
 * does not see as copies: crops much beyond 10 %, rotations beyond a few degrees, mirror images.
 */
import { decodeOpened, openImage, type DecodeBounds, type DecodedImage } from './decode.ts';
import { greyPictures } from './grey-picture.ts';
import { SHARPNESS_EDGE, sharpnessOfGrey } from './sharpness.ts';

/** The grey image kept per photo: its edge in pixels. */
export const FINGERPRINT_SOURCE = 64;
/** Each view's edge before its DCT. */
const VIEW = 32;
/** The lowest frequencies kept per axis: 6 × 6 − 1 (no DC) = 35 numbers per view. */
const FREQUENCIES = 6;
export const VIEW_LENGTH = FREQUENCIES * FREQUENCIES - 1;
/** The crops (share of each side kept), besides the whole frame. */
const CROP_SCALES = [0.95, 0.9] as const;
/** Left/top, centre, right/bottom. */
const CROP_PLACES = [0, 0.5, 1] as const;

interface View {
  x0: number;
  y0: number;
  size: number;
}

const VIEWS: readonly View[] = [
  { x0: 0, y0: 0, size: 1 },
  ...CROP_SCALES.flatMap((size) =>
    CROP_PLACES.flatMap((py) => CROP_PLACES.map((px) => ({ x0: (1 - size) * px, y0: (1 - size) * py, size }))),
  ),
];
export const VIEW_COUNT = VIEWS.length;
/** Numbers per fingerprint: the whole frame's view first, then the crops'. */
export const FINGERPRINT_LENGTH = VIEW_COUNT * VIEW_LENGTH;
/** Names how fingerprints are made: stored beside each one, so a change makes old ones be recomputed. */
export const FINGERPRINT_KIND = `dct-luma-${FINGERPRINT_SOURCE}-${VIEW}-${FREQUENCIES}-crops-${CROP_SCALES.join('-')}-v2`;

/** cos((2x + 1)uπ / 2N) for u < FREQUENCIES, x < VIEW: the DCT-II basis, computed once. */
const basis: Float64Array = (() => {
  const table = new Float64Array(FREQUENCIES * VIEW);
  for (let u = 0; u < FREQUENCIES; u++)
    for (let x = 0; x < VIEW; x++) table[u * VIEW + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * VIEW));
  return table;
})();

/**
 * Where each output row or column of a view samples the source: the two source lines either side
 * (clamped to the edges) and the weight of the second. Bilinear sampling is separable, so a view's
 * 32 × 32 samples need 32 of these per axis, computed once for all photos.
 */
interface AxisSamples {
  near: Int32Array;
  far: Int32Array;
  weight: Float64Array;
}

function axisSamples(start: number, size: number): AxisSamples {
  const n = FINGERPRINT_SOURCE;
  const at = (i: number): number => Math.min(n - 1, Math.max(0, i));
  const near = new Int32Array(VIEW);
  const far = new Int32Array(VIEW);
  const weight = new Float64Array(VIEW);
  for (let i = 0; i < VIEW; i++) {
    const s = (start + (size * (i + 0.5)) / VIEW) * n - 0.5;
    const i0 = Math.floor(s);
    near[i] = at(i0);
    far[i] = at(i0 + 1);
    weight[i] = s - i0;
  }
  return { near, far, weight };
}

const VIEW_SAMPLES: ReadonlyArray<{ x: AxisSamples; y: AxisSamples }> = VIEWS.map((view) => ({
  x: axisSamples(view.x0, view.size),
  y: axisSamples(view.y0, view.size),
}));

/**
 * The view resampled to VIEW × VIEW into `out`, bilinear between the source's pixel centres (edges
 * clamped). Runs 19 times a photo on the indexer's thread: table lookups only, no function calls.
 */
function resample(grey: ArrayLike<number>, samples: { x: AxisSamples; y: AxisSamples }, out: Float64Array): void {
  const n = FINGERPRINT_SOURCE;
  const { near: xNear, far: xFar, weight: xWeight } = samples.x;
  const { near: yNear, far: yFar, weight: yWeight } = samples.y;
  for (let y = 0; y < VIEW; y++) {
    const top = yNear[y]! * n;
    const bottom = yFar[y]! * n;
    const fy = yWeight[y]!;
    for (let x = 0; x < VIEW; x++) {
      const left = xNear[x]!;
      const right = xFar[x]!;
      const fx = xWeight[x]!;
      out[y * VIEW + x] =
        (1 - fy) * ((1 - fx) * grey[top + left]! + fx * grey[top + right]!) +
        fy * ((1 - fx) * grey[bottom + left]! + fx * grey[bottom + right]!);
    }
  }
}

/** The view's low frequencies without DC, unit length; all zeros for a flat view (it matches nothing). */
function lowFrequencies(pixels: Float64Array, rows: Float64Array, out: Float32Array, offset: number): void {
  const n = VIEW;
  const f = FREQUENCIES;
  // Separable: along rows (x → u), then along columns (y → v).
  for (let y = 0; y < n; y++)
    for (let u = 0; u < f; u++) {
      let sum = 0;
      for (let x = 0; x < n; x++) sum += pixels[y * n + x]! * basis[u * n + x]!;
      rows[y * f + u] = sum;
    }
  let norm = 0;
  let i = offset;
  for (let v = 0; v < f; v++)
    for (let u = 0; u < f; u++) {
      if (u === 0 && v === 0) continue;
      let sum = 0;
      for (let y = 0; y < n; y++) sum += rows[y * f + u]! * basis[v * n + y]!;
      out[i++] = sum;
      norm += sum * sum;
    }
  // Below this the view is flat up to rounding: no structure to compare.
  const scale = norm < 1e-6 ? 0 : 1 / Math.sqrt(norm);
  for (let j = offset; j < offset + VIEW_LENGTH; j++) out[j]! *= scale;
}

/** The fingerprint of a 64 × 64 grey image (row-major, any numeric scale). */
export function fingerprintOfGrey(grey: ArrayLike<number>): Float32Array {
  const n = FINGERPRINT_SOURCE;
  if (grey.length !== n * n) throw new RangeError(`a fingerprint needs ${n * n} grey pixels, got ${grey.length}`);
  const out = new Float32Array(FINGERPRINT_LENGTH);
  const view = new Float64Array(VIEW * VIEW);
  const rows = new Float64Array(VIEW * FREQUENCIES);
  VIEW_SAMPLES.forEach((samples, v) => {
    resample(grey, samples, view);
    lowFrequencies(view, rows, out, v * VIEW_LENGTH);
  });
  return out;
}

/** The whole frame's view: what a neighbour search compares (the first VIEW_LENGTH numbers). */
export const wholeFrame = (fingerprint: Float32Array): Float32Array => fingerprint.subarray(0, VIEW_LENGTH);

function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number): number {
  let sum = 0;
  for (let i = 0; i < VIEW_LENGTH; i++) sum += a[aOffset + i]! * b[bOffset + i]!;
  return sum;
}

/** How alike two photos look: the best cosine between one's whole frame and any view of the other, either way round. */
export function fingerprintSimilarity(a: Float32Array, b: Float32Array): number {
  let best = -1;
  for (let v = 0; v < VIEW_COUNT; v++)
    best = Math.max(best, dot(a, 0, b, v * VIEW_LENGTH), dot(b, 0, a, v * VIEW_LENGTH));
  return best;
}

export interface PhotoSignature {
  fingerprint: Float32Array;
  /** app/image/sharpness.ts */
  sharpness: number;
}

/**
 * How a photo is decoded for its signature when nothing else decodes it (the duplicates view's catch-up):
 * as the indexer decodes it, no larger than twice the grid thumbnail, never below the sharpness scale.
 */
const SIGNATURE_BOUNDS: DecodeBounds = {
  maxLongEdge: 2 * SHARPNESS_EDGE,
  minShortEdge: SHARPNESS_EDGE,
  embedded: { minShortEdge: SHARPNESS_EDGE, minLongEdge: SHARPNESS_EDGE },
};

/**
 * A photo file's fingerprint and sharpness, decoded as the index decodes it (orientation applied, HEIF
 * and RAW from an embedded image when one has at least 256 px). `bytes`, when given, is the file's
 * content already read.
 */
export async function photoSignature(file: string, bytes?: Buffer): Promise<PhotoSignature> {
  return signatureOfDecoded(await decodeOpened(await openImage(file, bytes), SIGNATURE_BOUNDS));
}

/**
 * The fingerprint and sharpness of pixels already decoded (the indexer's one decode of a photo), from
 * its grey pictures (app/image/grey-picture.ts).
 */
export function signatureOfDecoded(image: DecodedImage): PhotoSignature {
  const { large, small } = greyPictures(image, SHARPNESS_EDGE, FINGERPRINT_SOURCE);
  return { fingerprint: fingerprintOfGrey(small), sharpness: sharpnessOfGrey(large, SHARPNESS_EDGE, SHARPNESS_EDGE) };
}

/** The fingerprint of a photo file (see `photoSignature`). */
export async function fingerprintPhoto(file: string, bytes?: Buffer): Promise<Float32Array> {
  return (await photoSignature(file, bytes)).fingerprint;
}
