// The three tiers on a hand-made library whose answer is known by construction: fingerprints are
// chosen unit vectors (a copy is its original's vector, a burst frame a vector 0.8 alike, others
// orthogonal), so each pair's similarity is known without running the code under test.
import { describe, expect, it } from 'vitest';
import { findDuplicates, type ContentSignature, type LibraryFile } from '../../../app/duplicates/find-duplicates.ts';
import { suggestKeep, type KeepCandidate } from '../../../app/duplicates/keep.ts';
import { FINGERPRINT_LENGTH, VIEW_COUNT, VIEW_LENGTH } from '../../../app/image/fingerprint.ts';
import { referenceKernels } from '../../../app/kernels/reference.ts';

/** A fingerprint whose every view is `frame` (so the best view is the whole frame's cosine). */
function fingerprint(frame: number[]): Float32Array {
  const out = new Float32Array(FINGERPRINT_LENGTH);
  const norm = Math.hypot(...frame);
  for (let v = 0; v < VIEW_COUNT; v++) frame.forEach((x, i) => (out[v * VIEW_LENGTH + i] = x / norm));
  return out;
}
const axis = (i: number, scale = 1) => Array.from({ length: VIEW_LENGTH }, (_, j) => (j === i ? scale : 0));
/** 0.8 alike with axis(i): cos θ = 0.8. */
const tilted = (i: number) => axis(i).map((x, j) => (j === i ? 0.8 : j === i + 1 ? 0.6 : 0));

let nextId = 1;
function file(path: string, hash: string, extra: Partial<LibraryFile> = {}): LibraryFile {
  return {
    id: nextId++,
    path,
    contentHash: hash,
    size: 1000,
    format: 'jpeg',
    width: 1000,
    height: 800,
    takenAt: null,
    mtimeMs: Date.parse('2024-01-01T00:00:00Z'),
    make: null,
    model: null,
    ...extra,
  };
}

describe('findDuplicates', () => {
  it('puts each pair in exactly one tier: same bytes, same picture, same scene seconds apart', async () => {
    const canon = { make: 'Canon', model: 'EOS' };
    const files = [
      file('/a.jpg', 'A'),
      file('/copy/a.jpg', 'A'),
      file('/b.jpg', 'B', { width: 4000, height: 3000 }),
      file('/b-small.jpg', 'B2', { width: 1000, height: 750 }),
      file('/c1.jpg', 'C1', { ...canon, takenAt: '2024-05-01T10:00:00' }),
      file('/c2.jpg', 'C2', { ...canon, takenAt: '2024-05-01T10:00:02' }),
      // The same picture as c2 taken at another moment: a burst frame, not a copy.
      file('/c3.jpg', 'C3', { ...canon, takenAt: '2024-05-01T10:00:04' }),
      // Alike and a second apart, but from another camera; and alike but a minute later.
      file('/d.jpg', 'D', { make: 'Nikon', model: 'Z', takenAt: '2024-05-01T10:00:05' }),
      file('/e.jpg', 'E', { ...canon, takenAt: '2024-05-01T10:01:30' }),
      file('/f.jpg', 'F'),
    ];
    const signatures = new Map<string, ContentSignature>([
      ['A', { fingerprint: fingerprint(axis(0)), sharpness: 10 }],
      ['B', { fingerprint: fingerprint(axis(2)), sharpness: 10 }],
      ['B2', { fingerprint: fingerprint(axis(2)), sharpness: 10 }],
      ['C1', { fingerprint: fingerprint(axis(4)), sharpness: 10 }],
      ['C2', { fingerprint: fingerprint(tilted(4)), sharpness: 30 }],
      ['C3', { fingerprint: fingerprint(tilted(4)), sharpness: 10 }],
      ['D', { fingerprint: fingerprint(tilted(4)), sharpness: 10 }],
      ['E', { fingerprint: fingerprint(tilted(4)), sharpness: 10 }],
      ['F', { fingerprint: undefined, sharpness: undefined }],
    ]);
    const groups = await findDuplicates(files, signatures, referenceKernels);
    const paths = (tier: string) =>
      groups.filter((g) => g.tier === tier).map((g) => g.files.map((id) => files.find((f) => f.id === id)!.path));
    expect(paths('exact')).toEqual([['/a.jpg', '/copy/a.jpg']]);
    expect(paths('near')).toEqual([['/b.jpg', '/b-small.jpg']]);
    // The sharpest frame first.
    expect(paths('burst')).toEqual([['/c2.jpg', '/c1.jpg', '/c3.jpg']]);
    expect(groups.find((g) => g.tier === 'near')!.reasons[0]).toContain('largest');
    expect(groups.find((g) => g.tier === 'burst')!.reasons[0]).toContain('sharpest');
  });
});

const candidate = (extra: Partial<KeepCandidate>): KeepCandidate => ({
  width: 1000,
  height: 1000,
  sharpness: 100,
  format: 'jpeg',
  fromCamera: false,
  timeMs: 0,
  path: '/x.jpg',
  ...extra,
});

describe('suggestKeep', () => {
  it('prefers the largest, then the sharpest, then the original format, then the earliest, then the format, and says so', () => {
    const cases: [Partial<KeepCandidate>, Partial<KeepCandidate>, string][] = [
      [{ width: 500, fromCamera: true, timeMs: -1 }, {}, 'largest'],
      [{ sharpness: 50, fromCamera: true }, {}, 'sharpest'],
      [{ timeMs: -1 }, { fromCamera: true }, 'original format'],
      [{ timeMs: 2000, format: 'heic' }, { timeMs: 1000 }, 'earliest'],
      [{ format: 'png' }, { format: 'heic' }, 'format'],
    ];
    for (const [worse, better, criterion] of cases) {
      const { keep, reasons } = suggestKeep([candidate(worse), candidate(better)]);
      expect(keep).toBe(1);
      expect(reasons[1]).toContain(`keep: ${criterion}`);
      expect(reasons[0]).toContain(`the kept one is ${criterion}`);
    }
  });

  it('names the earlier time as a person reads it, in local time without a zone', () => {
    const earlier = new Date(2008, 4, 3, 14, 22, 5).getTime();
    const later = new Date(2008, 4, 3, 14, 22, 9).getTime();
    const { reasons } = suggestKeep([candidate({ timeMs: later }), candidate({ timeMs: earlier })]);
    expect(reasons[1]).toBe('keep: earliest (2008-05-03 14:22:05)');
    expect(reasons[0]).toBe('the kept one is earliest: 2008-05-03 14:22:05 against 2008-05-03 14:22:09');
  });

  it('shows the milliseconds that decided when two captures fall in the same second', () => {
    const earlier = new Date(2008, 4, 3, 14, 22, 5, 120).getTime();
    const later = new Date(2008, 4, 3, 14, 22, 5, 870).getTime();
    const { reasons } = suggestKeep([candidate({ timeMs: later }), candidate({ timeMs: earlier })]);
    expect(reasons[0]).toBe('the kept one is earliest: 2008-05-03 14:22:05.120 against 2008-05-03 14:22:05.870');
  });

  it('does not let a difference within 2 % of pixels or 10 % of sharpness decide', () => {
    const { keep, reasons } = suggestKeep([
      candidate({ width: 1010, sharpness: 105, timeMs: 5 }),
      candidate({ timeMs: 1 }),
    ]);
    expect(keep).toBe(1);
    expect(reasons[1]).toContain('earliest');
  });
});
