/**
 * libheif's C API (https://github.com/strukturag/libheif, `libheif/api/libheif/heif.h`) as the npm
 * `libheif-js` package compiles it to WebAssembly. Its JavaScript wrapper decodes top-level images
 * only; thumbnails and decoding to interleaved RGB need the C functions, which the module exports with
 * a leading underscore. This file is the only place that touches WebAssembly memory: it copies the
 * file in, decodes one image handle, copies the pixels out and frees everything it allocated.
 *
 * Synchronous and CPU-bound (a 12 MP decode takes seconds): load it in a worker thread only
 * (heif-worker.ts), never on the thread that answers searches.
 *
 * libheif applies each image's own transformations (`irot`, `imir`, `clap`) while decoding.
 */
import { createRequire } from 'node:module';

interface LibheifModule {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  _heif_context_alloc(): number;
  _heif_context_free(context: number): void;
  _heif_context_read_from_memory_without_copy(
    error: number,
    context: number,
    data: number,
    size: number,
    options: number,
  ): void;
  _heif_context_get_primary_image_handle(error: number, context: number, handleOut: number): void;
  _heif_image_handle_get_thumbnail(error: number, handle: number, thumbnailId: number, handleOut: number): void;
  _heif_image_handle_get_width(handle: number): number;
  _heif_image_handle_get_height(handle: number): number;
  _heif_image_handle_has_alpha_channel(handle: number): number;
  _heif_image_handle_release(handle: number): void;
  _heif_decode_image(
    error: number,
    handle: number,
    imageOut: number,
    colorspace: number,
    chroma: number,
    options: number,
  ): void;
  _heif_image_get_width(image: number, channel: number): number;
  _heif_image_get_height(image: number, channel: number): number;
  _heif_image_get_plane_readonly(image: number, channel: number, strideOut: number): number;
  _heif_image_release(image: number): void;
  _heif_context_get_track(context: number, trackId: number): number;
  _heif_track_has_alpha_channel(track: number): number;
  _heif_track_decode_next_image(
    error: number,
    track: number,
    imageOut: number,
    colorspace: number,
    chroma: number,
    options: number,
  ): void;
  _heif_track_release(track: number): void;
}

const libheif = createRequire(import.meta.url)('libheif-js/wasm-bundle') as LibheifModule;

// Enum values from heif.h.
const COLORSPACE_RGB = 1;
const CHROMA_INTERLEAVED_RGB = 10;
const CHROMA_INTERLEAVED_RGBA = 11;
const CHANNEL_INTERLEAVED = 10;

/** A libheif failure: `code` is heif_error_code, the message is libheif's own. */
export class LibheifError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface HeifPixels {
  /** Interleaved 8-bit RGB or RGBA, rows packed (no stride padding). */
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
}

/**
 * Which image of the file to decode: the primary image, one of its thumbnails by item id, or the first
 * frame of the first picture track (an image sequence without a still image).
 */
export type HeifImageChoice = { kind: 'primary' } | { kind: 'thumbnail'; itemId: number } | { kind: 'first-frame' };

/** Decodes one image of the HEIF file in `bytes`, transformations applied, to 8-bit interleaved pixels. */
export function decodeHeifImage(bytes: Uint8Array, choice: HeifImageChoice): HeifPixels {
  const m = libheif;
  const scratch = m._malloc(16); // a heif_error (code, subcode, message pointer) or an out-pointer
  const out = m._malloc(4);
  const input = m._malloc(bytes.length);
  const context = m._heif_context_alloc();
  const handles: number[] = [];
  let track = 0;
  let image = 0;
  const check = (): void => {
    const code = m.HEAP32[scratch >> 2]!;
    if (code !== 0) throw new LibheifError(code, cString(m, m.HEAPU32[(scratch + 8) >> 2]!));
  };
  try {
    m.HEAPU8.set(bytes, input);
    m._heif_context_read_from_memory_without_copy(scratch, context, input, bytes.length, 0);
    check();
    let channels: 3 | 4;
    if (choice.kind === 'first-frame') {
      track = m._heif_context_get_track(context, 0); // id 0: the first visual track
      if (!track) throw new LibheifError(-1, 'the file has no picture track');
      channels = m._heif_track_has_alpha_channel(track) ? 4 : 3;
      m._heif_track_decode_next_image(
        scratch,
        track,
        out,
        COLORSPACE_RGB,
        channels === 4 ? CHROMA_INTERLEAVED_RGBA : CHROMA_INTERLEAVED_RGB,
        0,
      );
    } else {
      m._heif_context_get_primary_image_handle(scratch, context, out);
      check();
      handles.push(m.HEAPU32[out >> 2]!);
      if (choice.kind === 'thumbnail') {
        m._heif_image_handle_get_thumbnail(scratch, handles[0]!, choice.itemId, out);
        check();
        handles.push(m.HEAPU32[out >> 2]!);
      }
      const handle = handles.at(-1)!;
      channels = m._heif_image_handle_has_alpha_channel(handle) ? 4 : 3;
      m._heif_decode_image(
        scratch,
        handle,
        out,
        COLORSPACE_RGB,
        channels === 4 ? CHROMA_INTERLEAVED_RGBA : CHROMA_INTERLEAVED_RGB,
        0,
      );
    }
    check();
    image = m.HEAPU32[out >> 2]!;
    const width = m._heif_image_get_width(image, CHANNEL_INTERLEAVED);
    const height = m._heif_image_get_height(image, CHANNEL_INTERLEAVED);
    const plane = m._heif_image_get_plane_readonly(image, CHANNEL_INTERLEAVED, out);
    if (!plane || width <= 0 || height <= 0) throw new LibheifError(-1, 'the decoded image has no pixels');
    const stride = m.HEAP32[out >> 2]!;
    const row = width * channels;
    const data = new Uint8Array(row * height);
    // Read HEAPU8 afresh: decoding may have grown (and so replaced) the WebAssembly memory.
    for (let y = 0; y < height; y++) data.set(m.HEAPU8.subarray(plane + y * stride, plane + y * stride + row), y * row);
    return { data, width, height, channels };
  } finally {
    if (image) m._heif_image_release(image);
    for (const handle of handles.reverse()) m._heif_image_handle_release(handle);
    if (track) m._heif_track_release(track);
    m._heif_context_free(context);
    m._free(input);
    m._free(out);
    m._free(scratch);
  }
}

function cString(m: LibheifModule, pointer: number): string {
  if (!pointer) return 'unknown libheif error';
  const end = m.HEAPU8.indexOf(0, pointer);
  return Buffer.from(m.HEAPU8.subarray(pointer, end < 0 ? pointer + 200 : end)).toString('utf8');
}
