import { describe, expect, it } from 'vitest';
import { formatMomentTime } from '../../../app/contract/moment-time.ts';
import { mediaMomentPath, parseMediaRoute } from '../../../app/contract/media-route.ts';
import { fileIdOf, momentIdOf, momentOfId, PHOTO_ID_PATTERN } from '../../../app/contract/photo-id.ts';
import { byteRange, rangeHeaders } from '../../../app/service/byte-range.ts';
import { momentKey, momentTimeOf } from '../../../app/video/moment-key.ts';
import { parseIso6709 } from '../../../app/video/ffmpeg-decoder.ts';

const hash = 'ab'.repeat(32);

describe('moment keys, ids and times', () => {
  it('keys a moment by its video hash and time, as hex, and reads the time back', () => {
    expect(momentKey(hash, 4000)).toBe(`${hash}00000fa0`);
    expect(momentTimeOf(momentKey(hash, 4000))).toBe(4000);
    expect(momentTimeOf(hash)).toBeUndefined();
    expect(() => momentKey(hash, -1)).toThrow(RangeError);
    expect(() => momentKey(hash, 1.5)).toThrow(RangeError);
  });

  it('names a moment for "more like this" with an id that is never a file id', () => {
    const id = momentIdOf(12, 4000);
    expect(id).toBe('12t4000');
    expect(PHOTO_ID_PATTERN.test(id)).toBe(true);
    expect(fileIdOf(id)).toBeUndefined();
    expect(momentOfId(id)).toEqual({ fileId: 12, timeMs: 4000 });
    for (const bad of ['12', 't4000', '012t4000', '12t04000', '12t-1', '12t4000t1'])
      expect(momentOfId(bad), bad).toBeUndefined();
  });

  it('prints times as people read them', () => {
    expect([0, 999, 4000, 65_000, 3_723_000].map(formatMomentTime)).toEqual([
      '0:00',
      '0:00',
      '0:04',
      '1:05',
      '1:02:03',
    ]);
  });

  it('routes a moment frame, and refuses what is not one', () => {
    expect(parseMediaRoute(mediaMomentPath('12', 4000).slice('/media/'.length))).toEqual({
      id: '12',
      variant: 'moment',
      timeMs: 4000,
    });
    for (const bad of ['12/moment', '12/moment/x', '12/moment/01', '../moment/1', '12/moment/1/2'])
      expect(() => parseMediaRoute(bad), bad).toThrow(/Not a media address/);
  });

  it('reads ISO 6709 positions as phones write them', () => {
    expect(parseIso6709('+32.0929+034.8620+028.516/')).toEqual({ lat: 32.0929, lon: 34.862 });
    expect(parseIso6709('-33.8688+151.2093/')).toEqual({ lat: -33.8688, lon: 151.2093 });
    expect(parseIso6709('+00.0000+000.0000/')).toBeUndefined();
    expect(parseIso6709(undefined)).toBeUndefined();
  });
});

describe('byte ranges (RFC 9110)', () => {
  it('serves one range, the suffix form, an open end, and says when none fits', () => {
    expect(byteRange(undefined, 1000)).toEqual({ kind: 'whole' });
    expect(byteRange('bytes=0-99', 1000)).toEqual({ kind: 'part', start: 0, end: 99 });
    expect(byteRange('bytes=900-', 1000)).toEqual({ kind: 'part', start: 900, end: 999 });
    expect(byteRange('bytes=-100', 1000)).toEqual({ kind: 'part', start: 900, end: 999 });
    expect(byteRange('bytes=990-2000', 1000)).toEqual({ kind: 'part', start: 990, end: 999 });
    expect(byteRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(byteRange('bytes=5-1', 1000)).toEqual({ kind: 'unsatisfiable' });
    // Several ranges, or another unit: the whole file, which the RFC allows.
    expect(byteRange('bytes=0-1,5-6', 1000)).toEqual({ kind: 'whole' });
    expect(byteRange('items=0-1', 1000)).toEqual({ kind: 'whole' });
    expect(rangeHeaders({ kind: 'part', start: 100, end: 199 }, 1000)).toEqual({
      status: 206,
      headers: { 'Accept-Ranges': 'bytes', 'Content-Range': 'bytes 100-199/1000', 'Content-Length': '100' },
    });
    expect(rangeHeaders({ kind: 'unsatisfiable' }, 1000).status).toBe(416);
  });
});
