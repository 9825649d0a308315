/**
 * Which decoded frames of a video become moments: a frame is kept where the picture has changed since the
 * last kept frame, with a floor and a cap on the rate.
 *
 * The change is measured on the frame's colour layout (8 × 8 blocks, mean RGB each), compared with the
 * last kept frame's (layoutChange: the most-changed quarter of the blocks, 0..1). Why not the embedding distance: that needs the
 * vision tower on every candidate (a minute at one candidate a second is 60 encodes, twice the budget of
 * 30 photos a minute of video may cost), while the layout is a few thousand additions on pixels already
 * decoded. A cut, a new subject or a pan that moves the picture by a block changes the layout; the model
 * then sees the kept frames, the ones that differ.
 *
 * - the first frame is always kept (a clip has at least one moment);
 * - a frame at least `minGapMs` after the last kept one is kept when its change is ≥ `threshold`
 *   (at most one moment per 2 s);
 * - one `maxGapMs` after the last kept one is kept whatever it shows (at least one per 10 s);
 * - a long video widens both gaps so it never keeps more than `maxMoments`.
 */
export interface SamplerRule {
  minGapMs: number;
  maxGapMs: number;
  threshold: number;
  maxMoments: number;
}

export const DEFAULT_RULE: SamplerRule = { minGapMs: 2000, maxGapMs: 10_000, threshold: 0.08, maxMoments: 240 };

const GRID = 8;

/** Mean RGB of each of 8 × 8 blocks, 0..1 (192 values). */
export function colourLayout(data: Uint8Array, width: number, height: number): Float32Array {
  const sums = new Float64Array(GRID * GRID * 3);
  const counts = new Float64Array(GRID * GRID);
  // Every second pixel each way: the blocks are large, and this halves the cost four times over.
  for (let y = 0; y < height; y += 2) {
    const by = Math.min(GRID - 1, Math.floor((y * GRID) / height));
    for (let x = 0; x < width; x += 2) {
      const block = by * GRID + Math.min(GRID - 1, Math.floor((x * GRID) / width));
      const at = (y * width + x) * 3;
      sums[block * 3]! += data[at]!;
      sums[block * 3 + 1]! += data[at + 1]!;
      sums[block * 3 + 2]! += data[at + 2]!;
      counts[block]! += 1;
    }
  }
  const layout = new Float32Array(GRID * GRID * 3);
  for (let i = 0; i < layout.length; i++) layout[i] = sums[i]! / Math.max(1, counts[Math.floor(i / 3)]!) / 255;
  return layout;
}

/** Blocks whose change counts: a quarter of the picture, so a new subject in one corner is seen as a change. */
const CHANGED_BLOCKS = (GRID * GRID) / 4;

/**
 * How much the picture changed: the mean over the most-changed quarter of the blocks of each block's mean
 * absolute RGB difference (0..1). A mean over the whole picture would dilute a change in one part (a
 * subject entering a corner) below the noise of compression; the top quarter keeps it, while noise,
 * small everywhere, stays small.
 */
export function layoutChange(a: Float32Array, b: Float32Array): number {
  const blocks = new Float64Array(GRID * GRID);
  for (let i = 0; i < a.length; i++) blocks[Math.floor(i / 3)]! += Math.abs(a[i]! - b[i]!) / 3;
  blocks.sort();
  let sum = 0;
  for (let k = blocks.length - CHANGED_BLOCKS; k < blocks.length; k++) sum += blocks[k]!;
  return sum / CHANGED_BLOCKS;
}

/** The rule for a clip of this length: gaps widened so a long video keeps at most `maxMoments`. */
export function ruleFor(durationSeconds: number, base: SamplerRule = DEFAULT_RULE): SamplerRule {
  const spread = (durationSeconds * 1000) / base.maxMoments;
  return { ...base, minGapMs: Math.max(base.minGapMs, spread), maxGapMs: Math.max(base.maxGapMs, 2 * spread) };
}

/** Decides frame by frame, in time order, so frames never wait in memory for a later decision. */
export class MomentSampler {
  private readonly rule: SamplerRule;
  private last: { timeMs: number; layout: Float32Array } | undefined;
  kept = 0;

  constructor(rule: SamplerRule) {
    this.rule = rule;
  }

  /** Whether to keep this frame; `change` is its difference from the last kept one (1 for the first). */
  offer(timeMs: number, layout: Float32Array): { keep: boolean; change: number } {
    if (this.kept >= this.rule.maxMoments) return { keep: false, change: 0 };
    if (!this.last) return this.take(timeMs, layout, 1);
    const gap = timeMs - this.last.timeMs;
    if (gap < this.rule.minGapMs) return { keep: false, change: 0 };
    const change = layoutChange(layout, this.last.layout);
    if (change >= this.rule.threshold || gap >= this.rule.maxGapMs) return this.take(timeMs, layout, change);
    return { keep: false, change };
  }

  private take(timeMs: number, layout: Float32Array, change: number) {
    this.last = { timeMs, layout };
    this.kept++;
    return { keep: true, change };
  }
}
