/**
 * Edits a HEIF file the way phones write it, which libheif's own encoder (heif-enc 1.15) cannot: makes
 * an image item the thumbnail of another (`thmb`), adds an `irot` rotation to chosen items, or damages
 * one item's coded data. Test-data tooling only.
 *
 * Adding a property grows `ipco`, `ipma` and their parents; every item's data offset in `iloc` that
 * lies after the `meta` box moves by the same number of bytes.
 */
import { readHeifLayout, itemBytes } from '../../app/image/heif-boxes.ts';

interface BoxAt {
  type: string;
  /** Offset of the box header. */
  at: number;
  /** Header length (8, or 12 for full boxes' version/flags counted as payload by us: 8). */
  payload: number;
  end: number;
}

function boxes(bytes: Uint8Array, start: number, end: number): BoxAt[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: BoxAt[] = [];
  for (let at = start; at + 8 <= end;) {
    const size = view.getUint32(at);
    if (size < 8 || size === 1) throw new Error('heif-edit handles 32-bit box sizes only');
    out.push({ type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)), at, payload: at + 8, end: at + size });
    at += size;
  }
  return out;
}

const must = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`heif-edit: no '${what}' box`);
  return value;
};

/** Adds `irot` (anticlockwise quarter turns) to each of `itemIds`, as the last property they list. */
export function addRotation(input: Uint8Array, itemIds: number[], quarterTurns: number): Uint8Array {
  const top = boxes(input, 0, input.length);
  const meta = must(
    top.find((b) => b.type === 'meta'),
    'meta',
  );
  const metaChildren = boxes(input, meta.payload + 4, meta.end);
  const iprp = must(
    metaChildren.find((b) => b.type === 'iprp'),
    'iprp',
  );
  const iprpChildren = boxes(input, iprp.payload, iprp.end);
  const ipco = must(
    iprpChildren.find((b) => b.type === 'ipco'),
    'ipco',
  );
  const ipma = must(
    iprpChildren.find((b) => b.type === 'ipma'),
    'ipma',
  );
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const propertyIndex = boxes(input, ipco.payload, ipco.end).length + 1;
  const version = input[ipma.payload]!;
  const wide = (input[ipma.payload + 3]! & 1) === 1;
  if (!wide && propertyIndex > 127) throw new Error('heif-edit: too many properties for a narrow ipma');

  // Rebuild ipma with one more association for each chosen item.
  const entries = view.getUint32(ipma.payload + 4);
  const parts: number[] = [...input.subarray(ipma.payload, ipma.payload + 8)];
  let at = ipma.payload + 8;
  for (let e = 0; e < entries; e++) {
    const idSize = version < 1 ? 2 : 4;
    const id = idSize === 2 ? view.getUint16(at) : view.getUint32(at);
    const count = input[at + idSize]!;
    const assocBytes = count * (wide ? 2 : 1);
    const chosen = itemIds.includes(id);
    parts.push(
      ...input.subarray(at, at + idSize),
      count + (chosen ? 1 : 0),
      ...input.subarray(at + idSize + 1, at + idSize + 1 + assocBytes),
    );
    if (chosen) parts.push(...(wide ? [0x80 | (propertyIndex >> 8), propertyIndex & 0xff] : [0x80 | propertyIndex]));
    at += idSize + 1 + assocBytes;
  }
  const ipmaPayload = Uint8Array.from(parts);
  const irot = Uint8Array.from([0, 0, 0, 9, ...ascii('irot'), quarterTurns & 3]);
  const growth = irot.length + (ipmaPayload.length - (ipma.end - ipma.payload));

  const output = new Uint8Array(input.length + growth);
  let written = 0;
  const copy = (from: number, to: number): void => {
    output.set(input.subarray(from, to), written);
    written += to - from;
  };
  copy(0, ipco.end);
  output.set(irot, written);
  written += irot.length;
  copy(ipco.end, ipma.payload);
  output.set(ipmaPayload, written);
  written += ipmaPayload.length;
  copy(ipma.end, input.length);

  const out = new DataView(output.buffer);
  // Box sizes: ipco and ipma (ipma lies after ipco, so its header moved by irot.length) and their parents.
  out.setUint32(ipco.at, ipco.end - ipco.at + irot.length);
  out.setUint32(ipma.at + irot.length, ipmaPayload.length + 8);
  for (const parent of [iprp, meta]) out.setUint32(parent.at, parent.end - parent.at + growth);
  shiftLocations(output, meta.end, growth);
  return output;
}

/**
 * Makes image item `thumbnailId` a thumbnail of `primaryId` (a `thmb` reference in `iref`). heif-enc's
 * own thumbnails are nearest-neighbour downscales; phones filter theirs, so the generator encodes a
 * filtered thumbnail as a second image and turns it into a thumbnail here.
 */
export function addThumbnailReference(input: Uint8Array, thumbnailId: number, primaryId: number): Uint8Array {
  const meta = must(
    boxes(input, 0, input.length).find((b) => b.type === 'meta'),
    'meta',
  );
  const iref = boxes(input, meta.payload + 4, meta.end).find((b) => b.type === 'iref');
  if (iref && input[iref.payload] !== 0) throw new Error('heif-edit handles version-0 iref boxes only');
  if (thumbnailId > 0xffff || primaryId > 0xffff) throw new Error('heif-edit handles 16-bit item ids only');
  const thmb = Uint8Array.from([
    0,
    0,
    0,
    14,
    ...ascii('thmb'),
    thumbnailId >> 8,
    thumbnailId & 0xff,
    0,
    1,
    primaryId >> 8,
    primaryId & 0xff,
  ]);
  // Inside the existing iref, or a new version-0 iref at the end of meta.
  const inserted = iref ? thmb : Uint8Array.from([0, 0, 0, 12 + thmb.length, ...ascii('iref'), 0, 0, 0, 0, ...thmb]);
  const at = iref ? iref.end : meta.end;
  const output = new Uint8Array(input.length + inserted.length);
  output.set(input.subarray(0, at));
  output.set(inserted, at);
  output.set(input.subarray(at), at + inserted.length);
  const view = new DataView(output.buffer);
  for (const parent of iref ? [iref, meta] : [meta])
    view.setUint32(parent.at, parent.end - parent.at + inserted.length);
  shiftLocations(output, meta.end, inserted.length);
  return output;
}

const ascii = (text: string): number[] => text.split('').map((c) => c.charCodeAt(0));

/** Adds `delta` to every `iloc` extent offset at or beyond `from` (data after the grown `meta` box). */
function shiftLocations(bytes: Uint8Array, from: number, delta: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const meta = must(
    boxes(bytes, 0, bytes.length).find((b) => b.type === 'meta'),
    'meta',
  );
  const iloc = must(
    boxes(bytes, meta.payload + 4, meta.end).find((b) => b.type === 'iloc'),
    'iloc',
  );
  const version = bytes[iloc.payload]!;
  const sizes = view.getUint16(iloc.payload + 4);
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 15;
  const baseSize = (sizes >> 4) & 15;
  const indexSize = version >= 1 ? sizes & 15 : 0;
  const idSize = version < 2 ? 2 : 4;
  const read = (at: number, size: number): number =>
    size === 4 ? view.getUint32(at) : size === 8 ? Number(view.getBigUint64(at)) : 0;
  const write = (at: number, size: number, value: number): void => {
    if (size === 4) view.setUint32(at, value);
    else if (size === 8) view.setBigUint64(at, BigInt(value));
  };
  const count = idSize === 2 ? view.getUint16(iloc.payload + 6) : view.getUint32(iloc.payload + 6);
  let at = iloc.payload + 6 + idSize;
  for (let i = 0; i < count; i++) {
    at += idSize;
    const method = version >= 1 ? view.getUint16(at) & 15 : 0;
    at += version >= 1 ? 2 : 0;
    at += 2;
    const base = read(at, baseSize);
    const baseAt = at;
    at += baseSize;
    const extents = view.getUint16(at);
    at += 2;
    for (let e = 0; e < extents; e++) {
      at += indexSize;
      if (method === 0) {
        if (baseSize > 0 && e === 0 && base >= from) write(baseAt, baseSize, base + delta);
        else if (baseSize === 0 && read(at, offsetSize) >= from) write(at, offsetSize, read(at, offsetSize) + delta);
      }
      at += offsetSize + lengthSize;
    }
  }
}

/** Damages an item so its decoder refuses it (a damaged thumbnail beside a valid primary image, say). */
export function damageItem(input: Uint8Array, itemId: number): Uint8Array {
  const output = Uint8Array.from(input);
  const item = readHeifLayout(output).items.get(itemId);
  const data = item ? itemBytes(output, item) : undefined;
  if (!item?.extents || !data) throw new Error(`heif-edit: no data for item ${itemId}`);
  const { offset, length } = item.extents[0]!;
  // A NAL unit length past the end of the data: the decoder refuses the image instead of guessing.
  output.fill(0xff, offset, offset + Math.min(length, 8));
  return output;
}

/**
 * Points the primary item (`pitm`) at `itemId`, in place: what a phone writes for a burst whose chosen
 * picture is not its first (heif-enc always makes the first image it encodes primary).
 */
export function setPrimaryItem(input: Uint8Array, itemId: number): Uint8Array {
  const top = boxes(input, 0, input.length);
  const meta = must(
    top.find((b) => b.type === 'meta'),
    'meta',
  );
  const pitm = must(
    boxes(input, meta.payload + 4, meta.end).find((b) => b.type === 'pitm'),
    'pitm',
  );
  if (!readHeifLayout(input).items.has(itemId)) throw new Error(`heif-edit: no item ${itemId}`);
  const output = input.slice();
  const view = new DataView(output.buffer, output.byteOffset, output.byteLength);
  // pitm is a full box: version (0: 16-bit item id, 1: 32-bit), flags, then the id.
  if (output[pitm.payload] === 0) {
    if (itemId > 0xffff) throw new Error('heif-edit: a version-0 pitm holds 16-bit item ids only');
    view.setUint16(pitm.payload + 4, itemId);
  } else view.setUint32(pitm.payload + 4, itemId);
  return output;
}
