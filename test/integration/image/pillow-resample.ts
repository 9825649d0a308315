/**
 * A TypeScript port of Pillow's resampling (src/libImaging/Resample.c, 8 bits a channel), the resize
 * that Hugging Face's Python CLIPImageProcessor runs (`PIL.Image.resize(size, BICUBIC)`). Test-only
 * reference: it shows that libvips' antialiased cubic reproduces what the model saw in training.
 *
 * Pillow: separable, horizontal pass first; each output sample's filter is centred at (x + 0.5)·scale
 * and stretched by max(scale, 1) when shrinking (that stretch is the antialiasing); weights are
 * normalised, turned into 22-bit fixed point, and each pass rounds and clamps to 0..255.
 */
export type PillowFilter = 'bicubic' | 'bilinear';

const PRECISION_BITS = 32 - 8 - 2;

const FILTERS: Record<PillowFilter, { support: number; weight(x: number): number }> = {
  bicubic: {
    support: 2,
    weight(x) {
      const a = -0.5;
      x = Math.abs(x);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
  bilinear: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
};

interface Coefficients {
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array[];
}

function precompute(inSize: number, outSize: number, filter: PillowFilter): Coefficients {
  const { support: baseSupport, weight } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = baseSupport * filterScale;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights: Int32Array[] = [];
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    const k = new Float64Array(xmax);
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      k[x] = weight((x + xmin - center + 0.5) / filterScale);
      total += k[x]!;
    }
    const fixed = new Int32Array(xmax);
    for (let x = 0; x < xmax; x++) {
      const w = total === 0 ? k[x]! : k[x]! / total;
      fixed[x] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    first[xx] = xmin;
    count[xx] = xmax;
    weights.push(fixed);
  }
  return { first, count, weights };
}

const clip8 = (sum: number): number => Math.min(255, Math.max(0, Math.floor(sum / (1 << PRECISION_BITS))));

/** One pass along x (horizontal) or y (vertical) of interleaved RGB. */
function pass(
  src: Uint8Array,
  width: number,
  height: number,
  outSize: number,
  horizontal: boolean,
  filter: PillowFilter,
): Uint8Array {
  const c = precompute(horizontal ? width : height, outSize, filter);
  const outW = horizontal ? outSize : width;
  const outH = horizontal ? height : outSize;
  const out = new Uint8Array(outW * outH * 3);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const o = horizontal ? x : y;
      const k = c.weights[o]!;
      for (let ch = 0; ch < 3; ch++) {
        // Exact integer arithmetic: |Σ| < 2^53, so doubles hold it without loss.
        let sum = 1 << (PRECISION_BITS - 1);
        for (let t = 0; t < c.count[o]!; t++) {
          const sx = horizontal ? c.first[o]! + t : x;
          const sy = horizontal ? y : c.first[o]! + t;
          sum += src[(sy * width + sx) * 3 + ch]! * k[t]!;
        }
        out[(y * outW + x) * 3 + ch] = clip8(sum);
      }
    }
  }
  return out;
}

/** `PIL.Image.resize((outW, outH), filter)` on interleaved RGB. */
export function pillowResize(
  rgb: Uint8Array,
  width: number,
  height: number,
  outW: number,
  outH: number,
  filter: PillowFilter,
): Uint8Array {
  const horizontal = outW === width ? rgb : pass(rgb, width, height, outW, true, filter);
  return outH === height ? horizontal : pass(horizontal, outW, height, outH, false, filter);
}
