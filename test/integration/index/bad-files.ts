/**
 * Generates the bad-file matrix of issue 8 in a folder at test time: damaged, odd and hostile files,
 * each with the outcome a user should see (indexed with a vector, or skipped with a specific code).
 * Images come from sharp (synthetic noise) or from slices of real photos; nothing is stored in the repo.
 */
import { Buffer } from 'node:buffer';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** What must happen to a generated file. */
export type Expected = { indexed: true } | { indexed: false; code: string; reason: RegExp };

export interface BadFile {
  /** Short label for test names. */
  label: string;
  /** Absolute path as the OS spells it (bytes when the name is not valid UTF-8). */
  path: string | Buffer;
  /** The path as Eidos displays it (UTF-8, U+FFFD for bytes that are not). */
  display: string;
  expected: Expected;
}

/** A folder or file the scan itself cannot enter or stat: reported by `eidos status`, never indexed. */
export interface ScanFault {
  label: string;
  path: string;
  reason: RegExp;
}

export interface BadLibrary {
  files: BadFile[];
  scanFaults: ScanFault[];
  /** Photos under folders the scan must skip or reach only once (symlink loop), for the no-duplicate check. */
  loopDir: string;
}

const noise = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({
    create: {
      width,
      height,
      channels,
      background: { r: 120, g: 90, b: 60, alpha: 0.5 },
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  });

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A valid PNG header declaring width × height 8-bit RGB (2.5 G pixels for 50,000², 7.5 GB decoded),
 * followed by one small compressed row: only a decoder that trusts the header would allocate.
 */
export function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filter, no interlace
  const oneRow = deflateSync(Buffer.alloc(1 + width * 3));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', oneRow),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG with an APP1 "Exif" segment right after SOI whose TIFF structure points into nowhere. */
export function withCorruptExif(jpeg: Buffer): Buffer {
  const garbage = Buffer.alloc(200);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 151 + 7) & 0xff;
  // "II*\0" then an IFD offset far past the segment, then an IFD claiming 0xffff entries.
  const tiff = Buffer.concat([
    Buffer.from('II*\0', 'latin1'),
    Buffer.from([0xf0, 0xff, 0xff, 0x7f]),
    Buffer.from([0xff, 0xff]),
    garbage,
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

/** Three differently coloured frames, as an animated image. */
async function animated(format: 'gif' | 'webp'): Promise<Buffer> {
  const frames = await Promise.all(
    [0, 1, 2].map((i) =>
      noise(96, 64)
        .tint({ r: 80 * i, g: 160, b: 200 - 60 * i })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(frames, { join: { animated: true } })
    [format]()
    .toBuffer();
}

const half = (bytes: Buffer) => bytes.subarray(0, Math.floor(bytes.length / 2));

/**
 * Writes the matrix into `dir` (which must exist). `realJpeg` and `realHeic` are paths of real photos
 * to slice. Unreadable entries are chmod 000: only a non-root reader sees them as unreadable.
 */
export async function writeBadLibrary(dir: string, realJpeg: string, realHeic: string): Promise<BadLibrary> {
  const files: BadFile[] = [];
  const add = (label: string, name: string | Buffer, bytes: Buffer, expected: Expected): string | Buffer => {
    const path = typeof name === 'string' ? join(dir, name) : Buffer.concat([Buffer.from(dir + '/'), name]);
    writeFileSync(path, bytes);
    files.push({ label, path, display: typeof path === 'string' ? path : path.toString('utf8'), expected });
    return path;
  };
  const skipped = (code: string, reason: RegExp): Expected => ({ indexed: false, code, reason });
  const ok: Expected = { indexed: true };
  const jpeg = readFileSync(realJpeg);
  const png = await noise(320, 240).png().toBuffer();

  add('zero-byte', 'zero-byte.jpg', Buffer.alloc(0), skipped('DECODE_FAILED', /empty/));
  add('truncated JPEG', 'truncated.jpg', half(jpeg), skipped('DECODE_FAILED', /truncated|premature|damaged/i));
  add('truncated PNG', 'truncated.png', half(png), skipped('DECODE_FAILED', /truncated|damaged/i));
  add('truncated HEIC', 'truncated.heic', half(readFileSync(realHeic)), skipped('DECODE_FAILED', /damaged|truncated/i));
  add('PNG named .jpg', 'png-content.jpg', png, ok);
  add(
    'text named .jpg',
    'notes.jpg',
    Buffer.from('shopping list: eggs, milk\n'),
    skipped('UNSUPPORTED_FORMAT', /not in an image format/),
  );
  add(
    '50,000 × 50,000 PNG bomb',
    'bomb.png',
    pngDeclaring(50_000, 50_000),
    skipped('TOO_LARGE', /more than 200,000,000 pixels/),
  );
  add('1 × 1', 'one-pixel.png', await noise(1, 1).png().toBuffer(), ok);
  add('20,000 × 100', 'wide-20000x100.png', await noise(20_000, 100).png({ compressionLevel: 1 }).toBuffer(), ok);
  add('CMYK JPEG', 'cmyk.jpg', await noise(200, 150).toColourspace('cmyk').jpeg().toBuffer(), ok);
  add('16-bit PNG', 'rgb16.png', await noise(200, 150).toColourspace('rgb16').png().toBuffer(), ok);
  add('alpha PNG', 'alpha.png', await noise(200, 150, 4).png().toBuffer(), ok);
  add('animated GIF', 'animated.gif', await animated('gif'), ok);
  add('animated WebP', 'animated.webp', await animated('webp'), ok);
  add('corrupt EXIF', 'corrupt-exif.jpg', withCorruptExif(jpeg), ok);
  add(
    'non-UTF-8 name',
    Buffer.from([0x6e, 0x6f, 0x6e, 0x2d, 0xff, 0xfe, 0x2e, 0x6a, 0x70, 0x67]),
    await noise(160, 120).jpeg().toBuffer(),
    ok,
  );
  add('255-byte name', `${'n'.repeat(251)}.jpg`, await noise(150, 160).jpeg().toBuffer(), ok);
  const unreadable = add(
    'unreadable file',
    'unreadable.jpg',
    await noise(120, 90).jpeg().toBuffer(),
    skipped('UNREADABLE', /permission denied/),
  );
  chmodSync(unreadable, 0o000);

  // A folder the indexer may not list, with a photo inside that must not show up anywhere.
  const locked = join(dir, 'locked');
  mkdirSync(locked);
  writeFileSync(join(locked, 'hidden-inside.jpg'), await noise(100, 100).jpeg().toBuffer());
  chmodSync(locked, 0o000);
  // A link to itself (ELOOP) and a folder linking back to its parent (a cycle the scan must cut).
  symlinkSync('self-loop.jpg', join(dir, 'self-loop.jpg'));
  const loopDir = join(dir, 'loop');
  mkdirSync(loopDir);
  writeFileSync(join(loopDir, 'inside-loop.jpg'), await noise(110, 100).jpeg().toBuffer());
  files.push({
    label: 'photo inside a symlink cycle',
    path: join(loopDir, 'inside-loop.jpg'),
    display: join(loopDir, 'inside-loop.jpg'),
    expected: ok,
  });
  symlinkSync('..', join(loopDir, 'back-to-parent'));

  const scanFaults: ScanFault[] = [
    { label: 'unreadable folder', path: locked, reason: /permission denied/ },
    { label: 'symlink to itself', path: join(dir, 'self-loop.jpg'), reason: /symbolic links/ },
  ];
  return { files, scanFaults, loopDir };
}
