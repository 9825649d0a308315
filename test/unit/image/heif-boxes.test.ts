import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayedSize, HeifStructureError, readHeifLayout } from '../../../app/image/heif-boxes.ts';

const CORPUS = resolve(import.meta.dirname, '../../../../shared/photos/heif-edge');
const files = (readdirSync(CORPUS, { recursive: true, withFileTypes: true }) as Dirent[])
  .filter((entry) => entry.isFile() && entry.name !== 'SOURCE.md')
  .map((entry) => join(entry.parentPath, entry.name));

/** The reference: libheif's own parser (libheif-js), through its C API. */
interface Libheif {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPU32: Uint32Array;
  [name: string]: unknown;
}
const lib = createRequire(import.meta.url)('libheif-js/wasm-bundle') as Libheif;
const call = (name: string, ...args: number[]): number => (lib[name] as (...a: number[]) => number)(...args);

/** Displayed primary size and thumbnail sizes as libheif reports them, or undefined when it refuses the file. */
function libheifSizes(bytes: Uint8Array): { primary: string; thumbnails: string[] } | undefined {
  const error = call('_malloc', 16);
  const out = call('_malloc', 64);
  const data = call('_malloc', bytes.length);
  lib.HEAPU8.set(bytes, data);
  const context = call('_heif_context_alloc');
  try {
    call('_heif_context_read_from_memory_without_copy', error, context, data, bytes.length, 0);
    if (lib.HEAP32[error >> 2] !== 0) return undefined;
    call('_heif_context_get_primary_image_handle', error, context, out);
    if (lib.HEAP32[error >> 2] !== 0) return undefined;
    const primary = lib.HEAPU32[out >> 2]!;
    const size = (handle: number): string =>
      `${call('_heif_image_handle_get_width', handle)}x${call('_heif_image_handle_get_height', handle)}`;
    const count = call('_heif_image_handle_get_list_of_thumbnail_IDs', primary, out, 16);
    const thumbnails: string[] = [];
    for (const id of Array.from(lib.HEAPU32.subarray(out >> 2, (out >> 2) + count))) {
      call('_heif_image_handle_get_thumbnail', error, primary, id, out + 60);
      const handle = lib.HEAPU32[(out + 60) >> 2]!;
      thumbnails.push(size(handle));
      call('_heif_image_handle_release', handle);
    }
    const result = { primary: size(primary), thumbnails };
    call('_heif_image_handle_release', primary);
    return result;
  } finally {
    call('_heif_context_free', context);
    for (const pointer of [data, out, error]) call('_free', pointer);
  }
}

describe('readHeifLayout on the heif-edge corpus', () => {
  it('finds the primary image and its thumbnails at the sizes libheif reports', () => {
    let compared = 0;
    for (const file of files) {
      const bytes = readFileSync(file);
      const info = libheifSizes(bytes);
      if (!info) continue;
      // libheif reads up to the end of a truncated file; we refuse it (truncatedBox catches it before decoding).
      if (file.endsWith('truncated.heic')) {
        expect(() => readHeifLayout(bytes)).toThrow(HeifStructureError);
        continue;
      }
      const layout = readHeifLayout(bytes);
      const primary = layout.items.get(layout.primaryId!)!;
      const size = displayedSize(primary)!;
      expect(`${size.width}x${size.height}`, file).toBe(info.primary);
      const thumbnails = (layout.thumbnails.get(primary.id) ?? [])
        .map((id) => displayedSize(layout.items.get(id)!)!)
        .map((s) => `${s.width}x${s.height}`);
      expect(thumbnails.sort(), file).toEqual(info.thumbnails.sort());
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(55);
  });

  it("reads an iPhone photo's rotation on both the primary image and its thumbnail", () => {
    const layout = readHeifLayout(readFileSync(join(CORPUS, 'pillow-heif/heif_other/arrow.heic')));
    const primary = layout.items.get(layout.primaryId!)!;
    expect([primary.type, primary.width, primary.height, primary.transforms]).toEqual([
      'grid',
      4032,
      3024,
      [{ kind: 'irot', quarterTurns: 3 }],
    ]);
    const [thumbnail] = layout.thumbnails.get(primary.id)!;
    expect(layout.items.get(thumbnail!)?.transforms).toEqual([{ kind: 'irot', quarterTurns: 3 }]);
  });

  it('reads a clean aperture (29 × 100 shown from 64 × 100 coded)', () => {
    const layout = readHeifLayout(readFileSync(join(CORPUS, 'pillow-heif/heif/L_8__29x100.heif')));
    const primary = layout.items.get(layout.primaryId!)!;
    expect(primary.transforms).toEqual([
      { kind: 'clap', width: 29, height: 100, horizontalOffset: -17.5, verticalOffset: 0 },
    ]);
    expect(displayedSize(primary)).toEqual({ width: 29, height: 100 });
  });

  it('tells an image sequence without a still image from a damaged file', () => {
    const animation = readHeifLayout(readFileSync(join(CORPUS, 'nokia/image_sequences/candle_animation.heic')));
    expect([animation.primaryId, animation.hasTracks, animation.trackSize]).toEqual([
      undefined,
      true,
      { width: 256, height: 144 },
    ]);
    const burst = readHeifLayout(readFileSync(join(CORPUS, 'nokia/image_sequences/bird_burst.heic')));
    expect(burst.primaryId).toBeDefined();
    expect(() => readHeifLayout(readFileSync(join(CORPUS, 'pillow-heif/heif_truncated/truncated.heic')))).toThrow(
      HeifStructureError,
    );
  });

  it('refuses a box whose declared length runs past its parent, naming the box', () => {
    const bytes = Uint8Array.from(readFileSync(join(CORPUS, 'pillow-heif/heif/RGB_8__128x128.heif')));
    const layout = readHeifLayout(bytes);
    expect(layout.primaryId).toBe(1);
    // Grow the 'meta' box's declared size (right after 'ftyp') beyond the file.
    const view = new DataView(bytes.buffer);
    const meta = view.getUint32(0);
    expect(String.fromCharCode(...bytes.subarray(meta + 4, meta + 8))).toBe('meta');
    view.setUint32(meta, bytes.length);
    expect(() => readHeifLayout(bytes)).toThrow(/'meta' box declares/);
  });
});
