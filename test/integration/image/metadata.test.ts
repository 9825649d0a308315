/**
 * readMetadata on every file of exif-edge against its labels.csv (exiftool 12.57 ground truth):
 * displayed size, capture time, GPS to 1e-5°, make/model, orientation; broken EXIF must not throw.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetadata } from '../../../app/image/metadata.ts';

const ROOT = '/work/shared/photos/exif-edge';

/** Minimal RFC 4180 reader: quoted fields may hold commas. */
function parseCsv(text: string): Record<string, string>[] {
  const rows = text
    .trim()
    .split('\n')
    .map((line) =>
      [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')),
    );
  const header = rows[0]!;
  return rows.slice(1).map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

/**
 * Fields exiftool found outside EXIF/XMP (Canon CIFF, JFIF comments, Reconyx maker notes), which
 * exifr does not parse: we accept "absent" for these, never a wrong value.
 */
const OUTSIDE_EXIF = new Set([
  'files/jpg/Reconyx_HC500_Hyperfire.jpg',
  'files/jpg/exif-org/olympus-d320l.jpg',
  'files/jpg/exif-org/sony-powershota5.jpg',
]);

const labels = parseCsv(readFileSync(join(ROOT, 'labels.csv'), 'utf8'));

describe('readMetadata on exif-edge', () => {
  it('has all 101 labelled files', () => expect(labels).toHaveLength(101));

  it.each(labels.map((row) => [row.relative_path!, row] as const))('%s', async (path, row) => {
    const meta = await readMetadata(join(ROOT, path));
    const orientation = row.orientation ? Number(row.orientation) : undefined;
    const absentIsOk = (value: unknown): boolean => OUTSIDE_EXIF.has(path) && value === undefined;
    // exiftool reports stored size; we report displayed size.
    const [w, h] = orientation !== undefined && orientation >= 5 ? [row.height, row.width] : [row.width, row.height];
    if (row.file_type === 'HEIC') {
      // exiftool gives the coded size (ispe); HEIF rotates by its irot box, which may disagree with a stale EXIF tag.
      expect([meta.width, meta.height].sort()).toEqual([Number(w), Number(h)].sort());
    } else {
      expect([meta.width, meta.height]).toEqual([Number(w), Number(h)]);
    }
    if (row.datetime_original && !absentIsOk(meta.takenAt)) {
      const [date, time] = row.datetime_original.split(' ') as [string, string];
      expect(meta.takenAt?.slice(0, 19)).toBe(`${date.replaceAll(':', '-')}T${time.slice(0, 8)}`);
    }
    if (row.gps_lat) {
      expect(meta.gps?.lat).toBeCloseTo(Number(row.gps_lat), 5);
      expect(meta.gps?.lon).toBeCloseTo(Number(row.gps_lon), 5);
    } else {
      expect(meta.gps).toBeUndefined();
    }
    if (row.make && !absentIsOk(meta.make)) expect(meta.make).toBe(row.make);
    if (row.model && !absentIsOk(meta.model)) expect(meta.model).toBe(row.model);
    // 1 is also what a missing tag means (exiftool may report 1 from IFD1, the thumbnail's directory).
    if (orientation !== undefined && !(orientation === 1 && meta.orientation === undefined))
      expect(meta.orientation).toBe(orientation);
  });
});
