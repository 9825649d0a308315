/**
 * HTTP byte ranges (RFC 9110 §14) for media: a video player asks for the part it needs (the `moov` at a
 * file's end, the second it seeks to) instead of the whole file. One range is served; a request for
 * several is answered whole, which the RFC allows.
 */
export type RangeAnswer = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

export function byteRange(header: string | null | undefined, size: number): RangeAnswer {
  if (!header) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'whole' };
  let start: number;
  let end: number;
  if (match[1] === '') {
    // The last n bytes.
    const suffix = Number(match[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end };
}

/** The headers of a range answer for a file of `size` bytes. */
export function rangeHeaders(answer: RangeAnswer, size: number): { status: number; headers: Record<string, string> } {
  if (answer.kind === 'part')
    return {
      status: 206,
      headers: {
        'Accept-Ranges': 'bytes',
        'Content-Range': `bytes ${answer.start}-${answer.end}/${size}`,
        'Content-Length': String(answer.end - answer.start + 1),
      },
    };
  if (answer.kind === 'unsatisfiable')
    return {
      status: 416,
      headers: { 'Accept-Ranges': 'bytes', 'Content-Range': `bytes */${size}`, 'Content-Length': '0' },
    };
  return { status: 200, headers: { 'Accept-Ranges': 'bytes', 'Content-Length': String(size) } };
}
