import { describe, expect, it } from 'vitest';
import { colourLayout, layoutChange, MomentSampler, ruleFor, DEFAULT_RULE } from '../../../app/video/moment-sampler.ts';
import { frameSelection } from '../../../app/video/read-moments.ts';
import { displayedSize } from '../../../app/video/video-decoder.ts';

/** A w×h RGB frame of one colour, with an optional rectangle of another (x0, y0, x1, y1 as fractions). */
function frame(w: number, h: number, rgb: number[], patch?: { rgb: number[]; box: number[] }): Uint8Array {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const inside =
        patch && x >= patch.box[0]! * w && x < patch.box[2]! * w && y >= patch.box[1]! * h && y < patch.box[3]! * h;
      data.set(inside ? patch.rgb : rgb, (y * w + x) * 3);
    }
  return data;
}

describe('the colour layout and its change', () => {
  it('is the mean colour of each block, 0..1', () => {
    const layout = colourLayout(frame(64, 48, [255, 0, 51]), 64, 48);
    expect(layout.length).toBe(192);
    for (let i = 0; i < 192; i += 3) {
      expect(layout[i]).toBe(1);
      expect(layout[i + 1]).toBe(0);
      expect(layout[i + 2]).toBeCloseTo(0.2, 6);
    }
  });

  it('is 0 for the same picture and the closed form for a subject entering one corner', () => {
    const empty = colourLayout(frame(64, 64, [0, 0, 0]), 64, 64);
    expect(layoutChange(empty, empty)).toBe(0);
    // A white square over the top-left quarter of the picture: 16 of the 64 blocks change by 1 in every
    // channel, exactly the quarter the measure averages over, so the change is 1 (a whole-picture mean would say 0.25).
    const corner = colourLayout(frame(64, 64, [0, 0, 0], { rgb: [255, 255, 255], box: [0, 0, 0.5, 0.5] }), 64, 64);
    expect(layoutChange(empty, corner)).toBeCloseTo(1, 6);
    // One block of 64 changing by 1: a sixteenth of the top quarter.
    const block = colourLayout(frame(64, 64, [0, 0, 0], { rgb: [255, 255, 255], box: [0, 0, 0.125, 0.125] }), 64, 64);
    expect(layoutChange(empty, block)).toBeCloseTo(1 / 16, 6);
  });
});

describe('the sampler', () => {
  const still = colourLayout(frame(32, 32, [10, 10, 10]), 32, 32);
  const other = colourLayout(frame(32, 32, [200, 30, 30]), 32, 32);

  it('keeps the first frame, a change once 2 s have passed, and one frame every 10 s of a still picture', () => {
    const sampler = new MomentSampler(DEFAULT_RULE);
    const kept: number[] = [];
    // 30 s at one candidate a second: a cut to `other` at 1 s (too soon: kept at 2 s), back at 5 s.
    for (let t = 0; t <= 30; t++) {
      const layout = t >= 1 && t < 5 ? other : still;
      if (sampler.offer(t * 1000, layout).keep) kept.push(t);
    }
    expect(kept).toEqual([0, 2, 5, 15, 25]);
  });

  it('never keeps more than one moment per 2 s, nor more than the cap over a long video', () => {
    const sampler = new MomentSampler(ruleFor(3600));
    let kept = 0;
    // An hour in which every half second is a new picture.
    for (let t = 0; t < 7200; t++) if (sampler.offer(t * 500, t % 2 ? still : other).keep) kept++;
    expect(kept).toBeLessThanOrEqual(DEFAULT_RULE.maxMoments);
    expect(kept).toBeGreaterThan(DEFAULT_RULE.maxMoments * 0.9);
    expect(ruleFor(60).minGapMs).toBe(2000);
    expect(ruleFor(3600).minGapMs).toBe(15_000);
  });
});

describe('frame selection and sizes', () => {
  const info = { durationSeconds: 10, width: 1920, height: 1080, rotation: 0 as const, codec: 'h264' };

  it('decodes only the key frames when they come at least every 2.5 s, else two frames a second', () => {
    expect(frameSelection({ ...info, keyFrames: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] })).toEqual({ kind: 'key-frames' });
    expect(frameSelection({ ...info, keyFrames: [0, 8] })).toEqual({ kind: 'rate', perSecond: 2 });
    // The last key frame far from the end leaves the end unseen.
    expect(frameSelection({ ...info, keyFrames: [0, 1, 2, 3, 4, 5] })).toEqual({ kind: 'rate', perSecond: 2 });
    expect(frameSelection({ ...info, keyFrames: [] })).toEqual({ kind: 'rate', perSecond: 2 });
  });

  it('turns the frame as the player does, shorter edge as asked', () => {
    expect(displayedSize(info, 224)).toEqual({ width: 398, height: 224 });
    expect(displayedSize({ ...info, rotation: 90 }, 224)).toEqual({ width: 224, height: 398 });
    expect(displayedSize({ ...info, rotation: 180 }, 224)).toEqual({ width: 398, height: 224 });
  });
});
