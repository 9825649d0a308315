/**
 * A small reader for the item structure of a HEIF file (ISO/IEC 23008-12 on top of the ISO base media
 * file format, ISO/IEC 14496-12): which item is the primary image, which items are its thumbnails
 * (`thmb` references in `iref`), each item's type (`iinf`), declared size (`ispe`), transformations
 * (`irot`, `imir`, `clap`, in `ipma` order) and where its bytes lie (`iloc`). libheif decodes; this only
 * tells us which image to ask it for, and how a thumbnail must be turned to match its primary image.
 *
 * Every length is checked against its parent box before it is read, so a hostile file fails with a
 * `HeifStructureError` naming the box instead of reading out of bounds.
 */

export class HeifStructureError extends Error {}

/** A transformative property, in the order the item lists it (the order it is applied in). */
export type HeifTransform =
  | { kind: 'irot'; /** Anticlockwise quarter turns, 0–3. */ quarterTurns: number }
  | {
      kind: 'imir';
      /** 0: mirror about the vertical axis (left ↔ right); 1: about the horizontal axis (top ↔ bottom). */ axis: 0 | 1;
    }
  | { kind: 'clap'; width: number; height: number; horizontalOffset: number; verticalOffset: number };

export interface HeifItem {
  id: number;
  /** Four-character item type: `hvc1`, `grid`, `iden`, `iovl`, `jpeg`, `av01`, `Exif`, `mime`, … */
  type: string;
  /** Coded size from `ispe` (before transformations), when the item declares one. */
  width?: number;
  height?: number;
  transforms: HeifTransform[];
  /** File byte ranges holding the item's data (construction method 0), or undefined for other methods. */
  extents?: Array<{ offset: number; length: number }>;
}

export interface HeifLayout {
  /** Major and compatible brands of `ftyp`. */
  brands: string[];
  /** Undefined when the file has no `meta` box (an image sequence or a video only). */
  primaryId?: number;
  items: Map<number, HeifItem>;
  /** Thumbnail item ids per image item id (`thmb` references point from the thumbnail to its image). */
  thumbnails: Map<number, number[]>;
  /** Whether the file carries a `moov` box (a track: image sequence, burst or video). */
  hasTracks: boolean;
  /** Size of the first track that has one (`tkhd`): an image sequence's frame size. */
  trackSize?: { width: number; height: number };
}

interface Box {
  type: string;
  /** Offset of the payload (after size, type and any large size). */
  start: number;
  end: number;
}

class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(at: number, count: number, end: number, what: string): void {
    if (at + count > end) throw new HeifStructureError(`the '${what}' box ends before its fields do`);
  }

  uint(at: number, size: number, end: number, what: string): number {
    if (size === 0) return 0;
    this.need(at, size, end, what);
    switch (size) {
      case 1:
        return this.view.getUint8(at);
      case 2:
        return this.view.getUint16(at);
      case 3:
        return (this.view.getUint16(at) << 8) | this.view.getUint8(at + 2);
      case 4:
        return this.view.getUint32(at);
      case 8:
        return Number(this.view.getBigUint64(at));
      default:
        throw new HeifStructureError(`the '${what}' box uses a ${size}-byte field`);
    }
  }

  fourcc(at: number): string {
    return String.fromCharCode(...this.bytes.subarray(at, at + 4));
  }

  /** The child boxes in [start, end). */
  children(start: number, end: number): Box[] {
    const boxes: Box[] = [];
    for (let at = start; at + 8 <= end;) {
      const small = this.view.getUint32(at);
      const type = this.fourcc(at + 4);
      let header = 8;
      let size = small;
      if (small === 1) {
        size = this.uint(at + 8, 8, end, type);
        header = 16;
      } else if (small === 0) {
        size = end - at;
      }
      if (size < header || at + size > end)
        throw new HeifStructureError(`the '${type}' box declares ${size} bytes but only ${end - at} remain`);
      boxes.push({ type, start: at + header, end: at + size });
      at += size;
    }
    return boxes;
  }
}

const find = (boxes: Box[], type: string): Box | undefined => boxes.find((box) => box.type === type);

/** Reads the item structure; throws `HeifStructureError` when a box is malformed. */
export function readHeifLayout(bytes: Uint8Array): HeifLayout {
  const r = new Reader(bytes);
  const top = r.children(0, bytes.length);
  const ftyp = find(top, 'ftyp');
  if (!ftyp) throw new HeifStructureError("the file has no 'ftyp' box");
  const brands: string[] = [];
  for (let at = ftyp.start; at + 4 <= ftyp.end; at += 4) if (at !== ftyp.start + 4) brands.push(r.fourcc(at));
  const moov = find(top, 'moov');
  const layout: HeifLayout = { brands, items: new Map(), thumbnails: new Map(), hasTracks: moov !== undefined };
  if (moov) {
    const trackSize = firstTrackSize(r, moov);
    if (trackSize) layout.trackSize = trackSize;
  }
  const meta = find(top, 'meta');
  if (!meta) return layout;
  const children = r.children(meta.start + 4, meta.end);

  const pitm = find(children, 'pitm');
  if (pitm)
    layout.primaryId = r.uint(pitm.start + 4, r.uint(pitm.start, 1, pitm.end, 'pitm') === 0 ? 2 : 4, pitm.end, 'pitm');

  const iinf = find(children, 'iinf');
  if (iinf) {
    const countSize = r.uint(iinf.start, 1, iinf.end, 'iinf') === 0 ? 2 : 4;
    for (const infe of r.children(iinf.start + 4 + countSize, iinf.end).filter((box) => box.type === 'infe')) {
      const version = r.uint(infe.start, 1, infe.end, 'infe');
      if (version < 2) continue; // versions 0 and 1 describe files, not images
      const idSize = version === 2 ? 2 : 4;
      const id = r.uint(infe.start + 4, idSize, infe.end, 'infe');
      r.need(infe.start + 4 + idSize + 2, 4, infe.end, 'infe');
      layout.items.set(id, { id, type: r.fourcc(infe.start + 4 + idSize + 2), transforms: [] });
    }
  }

  const iref = find(children, 'iref');
  if (iref) {
    const idSize = r.uint(iref.start, 1, iref.end, 'iref') === 0 ? 2 : 4;
    for (const reference of r.children(iref.start + 4, iref.end)) {
      if (reference.type !== 'thmb') continue;
      const from = r.uint(reference.start, idSize, reference.end, 'thmb');
      const count = r.uint(reference.start + idSize, 2, reference.end, 'thmb');
      for (let i = 0; i < count; i++) {
        const to = r.uint(reference.start + idSize + 2 + i * idSize, idSize, reference.end, 'thmb');
        layout.thumbnails.set(to, [...(layout.thumbnails.get(to) ?? []), from]);
      }
    }
  }

  const iprp = find(children, 'iprp');
  if (iprp) readProperties(r, r.children(iprp.start, iprp.end), layout.items);

  const iloc = find(children, 'iloc');
  if (iloc) readLocations(r, iloc, layout.items);
  return layout;
}

/** Width and height of the first track header (`tkhd`, 16.16 fixed point) that declares a picture size. */
function firstTrackSize(r: Reader, moov: Box): { width: number; height: number } | undefined {
  for (const trak of r.children(moov.start, moov.end).filter((box) => box.type === 'trak')) {
    const tkhd = find(r.children(trak.start, trak.end), 'tkhd');
    if (!tkhd) continue;
    // version 0: 32-bit times and duration; version 1: 64-bit (ISO/IEC 14496-12 §8.3.2).
    const at = tkhd.start + (r.uint(tkhd.start, 1, tkhd.end, 'tkhd') === 1 ? 88 : 76);
    const width = Math.round(r.uint(at, 4, tkhd.end, 'tkhd') / 65536);
    const height = Math.round(r.uint(at + 4, 4, tkhd.end, 'tkhd') / 65536);
    if (width > 0 && height > 0) return { width, height };
  }
  return undefined;
}

function readProperties(r: Reader, children: Box[], items: Map<number, HeifItem>): void {
  const ipco = find(children, 'ipco');
  if (!ipco) return;
  const properties = r.children(ipco.start, ipco.end);
  for (const ipma of children.filter((box) => box.type === 'ipma')) {
    const version = r.uint(ipma.start, 1, ipma.end, 'ipma');
    const wideIndex = (r.uint(ipma.start + 1, 3, ipma.end, 'ipma') & 1) === 1;
    const entries = r.uint(ipma.start + 4, 4, ipma.end, 'ipma');
    let at = ipma.start + 8;
    for (let e = 0; e < entries; e++) {
      const id = r.uint(at, version < 1 ? 2 : 4, ipma.end, 'ipma');
      at += version < 1 ? 2 : 4;
      const count = r.uint(at, 1, ipma.end, 'ipma');
      at += 1;
      const item = items.get(id);
      for (let a = 0; a < count; a++) {
        const raw = r.uint(at, wideIndex ? 2 : 1, ipma.end, 'ipma');
        at += wideIndex ? 2 : 1;
        const index = raw & (wideIndex ? 0x7fff : 0x7f);
        const property = properties[index - 1];
        if (item && property) applyProperty(r, property, item);
      }
    }
  }
}

function applyProperty(r: Reader, box: Box, item: HeifItem): void {
  switch (box.type) {
    case 'ispe':
      item.width = r.uint(box.start + 4, 4, box.end, 'ispe');
      item.height = r.uint(box.start + 8, 4, box.end, 'ispe');
      return;
    case 'irot':
      item.transforms.push({ kind: 'irot', quarterTurns: r.uint(box.start, 1, box.end, 'irot') & 3 });
      return;
    case 'imir':
      item.transforms.push({ kind: 'imir', axis: (r.uint(box.start, 1, box.end, 'imir') & 1) as 0 | 1 });
      return;
    case 'clap': {
      const f = (i: number): number => r.uint(box.start + 4 * i, 4, box.end, 'clap');
      const signed = (i: number): number => f(i) | 0;
      const ratio = (n: number, d: number): number => {
        if (d === 0) throw new HeifStructureError("the 'clap' box divides by zero");
        return n / d;
      };
      item.transforms.push({
        kind: 'clap',
        width: ratio(f(0), f(1)),
        height: ratio(f(2), f(3)),
        horizontalOffset: ratio(signed(4), f(5)),
        verticalOffset: ratio(signed(6), f(7)),
      });
      return;
    }
  }
}

function readLocations(r: Reader, iloc: Box, items: Map<number, HeifItem>): void {
  const version = r.uint(iloc.start, 1, iloc.end, 'iloc');
  const sizes = r.uint(iloc.start + 4, 2, iloc.end, 'iloc');
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 15;
  const baseOffsetSize = (sizes >> 4) & 15;
  const indexSize = version === 1 || version === 2 ? sizes & 15 : 0;
  const idSize = version < 2 ? 2 : 4;
  const count = r.uint(iloc.start + 6, idSize, iloc.end, 'iloc');
  let at = iloc.start + 6 + idSize;
  for (let i = 0; i < count; i++) {
    const id = r.uint(at, idSize, iloc.end, 'iloc');
    at += idSize;
    let method = 0;
    if (version === 1 || version === 2) {
      method = r.uint(at, 2, iloc.end, 'iloc') & 15;
      at += 2;
    }
    at += 2; // data_reference_index
    const base = r.uint(at, baseOffsetSize, iloc.end, 'iloc');
    at += baseOffsetSize;
    const extentCount = r.uint(at, 2, iloc.end, 'iloc');
    at += 2;
    const extents: Array<{ offset: number; length: number }> = [];
    for (let e = 0; e < extentCount; e++) {
      at += indexSize;
      const offset = r.uint(at, offsetSize, iloc.end, 'iloc');
      at += offsetSize;
      const length = r.uint(at, lengthSize, iloc.end, 'iloc');
      at += lengthSize;
      extents.push({ offset: base + offset, length });
    }
    const item = items.get(id);
    if (item && method === 0) item.extents = extents;
  }
}

/** An item's displayed size: its `ispe` after its own transformations. */
export function displayedSize(item: HeifItem): { width: number; height: number } | undefined {
  if (item.width === undefined || item.height === undefined) return undefined;
  let { width, height } = item;
  for (const t of item.transforms) {
    if (t.kind === 'irot' && t.quarterTurns % 2 === 1) [width, height] = [height, width];
    if (t.kind === 'clap') [width, height] = [Math.round(t.width), Math.round(t.height)];
  }
  return { width, height };
}

/** The item's data (construction method 0 only), or undefined when it lies elsewhere or past the end. */
export function itemBytes(bytes: Uint8Array, item: HeifItem): Uint8Array | undefined {
  if (!item.extents || item.extents.length === 0) return undefined;
  const parts = item.extents.map(({ offset, length }) =>
    offset + length <= bytes.length && length > 0 ? bytes.subarray(offset, offset + length) : undefined,
  );
  if (parts.some((part) => part === undefined)) return undefined;
  if (parts.length === 1) return parts[0];
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part!.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part!, at);
    at += part!.length;
  }
  return joined;
}

/** HEVC-coded brands of the ISO-BMFF `ftyp` box (AVIF's `avif`/`avis` go to sharp instead). */
const HEVC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);

/** Whether the file's first bytes are an ISO-BMFF `ftyp` box naming an HEVC-coded HEIF brand. */
export function isHevcHeif(head: Uint8Array): boolean {
  const ascii = (from: number): string => String.fromCharCode(...head.subarray(from, from + 4));
  if (head.length < 16 || ascii(4) !== 'ftyp') return false;
  const boxSize = Math.min(((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0, head.length);
  const brands = [ascii(8)];
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(at));
  return brands.some((brand) => HEVC_BRANDS.has(brand)) && !brands.includes('avif');
}
