/**
 * Mach-O files built byte by byte from the layouts of Apple's <mach-o/loader.h> and <mach-o/fat.h>, for
 * the tests of scripts/macos/.
 */
/** A load command: cmd, cmdsize, then 32-bit little-endian words, padded to 8 bytes. */
export function command(cmd: number, words: number[], text?: string): Buffer {
  const tail = text === undefined ? Buffer.alloc(0) : Buffer.from(`${text}\0`);
  const size = Math.ceil((8 + words.length * 4 + tail.length) / 8) * 8;
  const out = Buffer.alloc(size);
  out.writeUInt32LE(cmd, 0);
  out.writeUInt32LE(size, 4);
  words.forEach((word, i) => out.writeUInt32LE(word >>> 0, 8 + i * 4));
  tail.copy(out, 8 + words.length * 4);
  return out;
}

/** A 64-bit little-endian Mach-O (mach_header_64) of the given CPU with these load commands. */
export function thin(cpu: number, commands: Buffer[]): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0);
  header.writeUInt32LE(cpu, 4);
  header.writeUInt32LE(6, 12); // MH_DYLIB
  header.writeUInt32LE(commands.length, 16);
  header.writeUInt32LE(
    commands.reduce((sum, c) => sum + c.length, 0),
    20,
  );
  return Buffer.concat([header, ...commands]);
}

/** A universal binary (fat_header + fat_arch, big-endian) holding the slices at 4 KiB boundaries. */
export function fat(slices: { cpu: number; bytes: Buffer }[]): Buffer {
  const page = 4096;
  const out = Buffer.alloc(page * (1 + slices.length));
  out.writeUInt32BE(0xcafebabe, 0);
  out.writeUInt32BE(slices.length, 4);
  slices.forEach(({ cpu, bytes }, i) => {
    const entry = 8 + i * 20;
    const offset = page * (1 + i);
    out.writeUInt32BE(cpu, entry);
    out.writeUInt32BE(offset, entry + 8);
    out.writeUInt32BE(bytes.length, entry + 12);
    out.writeUInt32BE(12, entry + 16); // alignment 2^12
    bytes.copy(out, offset);
  });
  return out;
}

export const ARM64 = 0x0100000c;
export const X86_64 = 0x01000007;
export const LC_BUILD_VERSION = 0x32;
export const LC_VERSION_MIN_MACOSX = 0x24;
export const LC_LOAD_DYLIB = 0xc;
export const LC_RPATH = 0x8000001c;
/** xxxx.yy.zz in nibbles, as <mach-o/loader.h> describes the version fields. */
export const version = (major: number, minor: number, patch = 0): number => (major << 16) | (minor << 8) | patch;
