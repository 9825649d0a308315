/**
 * Which photo of a group to keep, and why. The others are offered for the trash. The order of the
 * criteria: the largest (most pixels: a copy made smaller lost detail for good), then the sharpest (at
 * one scale, app/image/sharpness.ts: a blurred or recompressed copy), then the original format (the file
 * as the camera wrote it, which its make and model in EXIF show; a conversion or an export often drops
 * them), then the earliest (taken, else modified: a copy is made after its original), and last the
 * format alone (a camera's RAW or HEIC over JPEG over PNG or WebP), which cannot tell a HEIC made from a
 * JPEG from the other way round. Two photos count as equally large within 2 % of pixels and equally sharp
 * within 10 %, so a recompression's noise does not decide.
 */

export interface KeepCandidate {
  width: number | undefined;
  height: number | undefined;
  sharpness: number | undefined;
  format: string;
  /** EXIF make or model present: the file came from a camera as it is. */
  fromCamera: boolean;
  /** Taken (EXIF) or else modified, ms since the epoch. */
  timeMs: number | undefined;
  path: string;
}

export interface KeepSuggestion {
  keep: number;
  /** Per member: why it is kept, or why the kept one is preferred to it. */
  reasons: string[];
}

/** Camera originals first; formats a photo is usually converted to last. */
const FORMAT_RANK: Record<string, number> = { raw: 0, heic: 1, jpeg: 2, tiff: 3, png: 4, webp: 5, other: 6 };
const formatRank = (c: KeepCandidate) => FORMAT_RANK[c.format] ?? 6;
const pixels = (c: KeepCandidate) => (c.width ?? 0) * (c.height ?? 0);

/** < 0 when `x` is the better one to keep. */
function compare(x: KeepCandidate, y: KeepCandidate): { order: number; criterion: string } {
  const [px, py] = [pixels(x), pixels(y)];
  if (Math.abs(px - py) > 0.02 * Math.max(px, py)) return { order: py - px, criterion: 'largest' };
  const [sx, sy] = [x.sharpness ?? 0, y.sharpness ?? 0];
  if (Math.abs(sx - sy) > 0.1 * Math.max(sx, sy)) return { order: sy - sx, criterion: 'sharpest' };
  if (x.fromCamera !== y.fromCamera) return { order: x.fromCamera ? -1 : 1, criterion: 'original format' };
  const [tx, ty] = [x.timeMs ?? Infinity, y.timeMs ?? Infinity];
  if (tx !== ty) return { order: tx < ty ? -1 : 1, criterion: 'earliest' };
  if (formatRank(x) !== formatRank(y)) return { order: formatRank(x) - formatRank(y), criterion: 'format' };
  return { order: x.path < y.path ? -1 : x.path > y.path ? 1 : 0, criterion: 'first by path' };
}

/**
 * The wall-clock time a person reads, e.g. "2008-05-03 14:22:05": a capture time without a zone is read as
 * local time (and a file's modification time is), so local time is what it means.
 */
function localTime(ms: number, withMs = false): string {
  const t = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const seconds = `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
  return withMs ? `${seconds}.${String(t.getMilliseconds()).padStart(3, '0')}` : seconds;
}

const size = (c: KeepCandidate) => (c.width && c.height ? `${c.width} × ${c.height}` : 'size unknown');
const describe = (c: KeepCandidate, criterion: string): string => {
  switch (criterion) {
    case 'largest':
      return size(c);
    case 'sharpest':
      return `sharpness ${Math.round(c.sharpness ?? 0)}`;
    case 'original format':
      return c.fromCamera
        ? `${c.format.toUpperCase()} with the camera's EXIF`
        : `${c.format.toUpperCase()} without camera EXIF`;
    case 'format':
      return c.format.toUpperCase();
    case 'earliest':
      return c.timeMs === undefined ? 'time unknown' : localTime(c.timeMs);
    default:
      return c.path;
  }
};

export function suggestKeep(members: readonly KeepCandidate[]): KeepSuggestion {
  let keep = 0;
  for (let i = 1; i < members.length; i++) if (compare(members[i]!, members[keep]!).order < 0) keep = i;
  const kept = members[keep]!;
  const reasons = members.map((member, i) => {
    if (i === keep) {
      // The first criterion that set it above some other member.
      const deciding = members.filter((_, j) => j !== keep).map((other) => compare(kept, other).criterion);
      const criterion = deciding.find((c) => c !== 'first by path') ?? deciding[0] ?? 'first by path';
      return `keep: ${criterion} (${describe(kept, criterion)})`;
    }
    const { criterion } = compare(kept, member);
    if (criterion === 'first by path') return 'the kept one is identical and first by path';
    let [ours, theirs] = [describe(kept, criterion), describe(member, criterion)];
    // Two captures of one burst can fall in the same second: the milliseconds that decided are shown then.
    if (ours === theirs && criterion === 'earliest')
      [ours, theirs] = [localTime(kept.timeMs!, true), localTime(member.timeMs!, true)];
    return `the kept one is ${criterion}: ${ours} against ${theirs}`;
  });
  return { keep, reasons };
}
