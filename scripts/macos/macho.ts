/**
 * Reads what a release check needs from executable files, on any OS: which kind a file is (Mach-O, ELF,
 * PE) from its magic bytes, and from a Mach-O file (thin or universal) per architecture slice the lowest
 * macOS it declares (LC_BUILD_VERSION, or the older LC_VERSION_MIN_MACOSX), the libraries it loads and
 * its rpaths. Layouts from Apple's <mach-o/loader.h> and <mach-o/fat.h>.
 */

export type BinaryKind = 'mach-o' | 'elf' | 'pe' | 'other';

export interface MachOSlice {
  /** `arm64`, `x86_64`, or the raw CPU type in hex for anything else. */
  cpu: string;
  /** The lowest macOS this slice runs on, e.g. `14.0`; undefined when it declares none (or another platform). */
  minMacOS?: string;
  /** Install names of the libraries it loads (LC_LOAD_DYLIB and its weak, re-export, lazy and upward forms). */
  loads: string[];
  rpaths: string[];
  /** A library's own install name (LC_ID_DYLIB). */
  installName?: string;
}

const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;
const MH_CIGAM = 0xcefaedfe;
const MH_CIGAM_64 = 0xcffaedfe;
const FAT_MAGIC = 0xcafebabe;
const FAT_MAGIC_64 = 0xcafebabf;

const LC_LOAD_DYLIB = 0xc;
const LC_ID_DYLIB = 0xd;
const LC_LAZY_LOAD_DYLIB = 0x20;
const LC_VERSION_MIN_MACOSX = 0x24;
const LC_BUILD_VERSION = 0x32;
const LC_LOAD_WEAK_DYLIB = 0x80000018;
const LC_RPATH = 0x8000001c;
const LC_REEXPORT_DYLIB = 0x8000001f;
const LC_LOAD_UPWARD_DYLIB = 0x80000023;
const LOAD_COMMANDS = new Set([
  LC_LOAD_DYLIB,
  LC_LAZY_LOAD_DYLIB,
  LC_LOAD_WEAK_DYLIB,
  LC_REEXPORT_DYLIB,
  LC_LOAD_UPWARD_DYLIB,
]);
const PLATFORM_MACOS = 1;

const CPU_NAMES: Record<number, string> = { 0x0100000c: 'arm64', 0x01000007: 'x86_64' };

export class MachOError extends Error {}

/** The kind of executable `head` (a file's first bytes, at least 4) starts like. */
export function binaryKind(head: Uint8Array): BinaryKind {
  if (head.length < 4) return 'other';
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0, false);
  if ([MH_MAGIC, MH_MAGIC_64, MH_CIGAM, MH_CIGAM_64, FAT_MAGIC_64].includes(magic)) return 'mach-o';
  // 0xCAFEBABE is also a Java class file, whose next word is its version (≥ 45); a universal binary's is
  // its slice count, which is small.
  if (magic === FAT_MAGIC) return head.length >= 8 && view.getUint32(4, false) < 45 ? 'mach-o' : 'other';
  if (magic === 0x7f454c46) return 'elf'; // "\x7fELF"
  if (head[0] === 0x4d && head[1] === 0x5a) return 'pe'; // "MZ", the DOS stub every PE file starts with
  return 'other';
}

/** `xxxx.yy.zz` packed in nibbles, as Mach-O stores versions; `14.0`, or `13.3.1` when the patch is set. */
export function decodeVersion(packed: number): string {
  const major = packed >>> 16;
  const minor = (packed >>> 8) & 0xff;
  const patch = packed & 0xff;
  return patch === 0 ? `${major}.${minor}` : `${major}.${minor}.${patch}`;
}

/** Orders dotted versions numerically: `compareVersions('12.0', '9.3') > 0`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Every architecture slice of a Mach-O file; `file` names it in errors. */
export function readMachO(bytes: Uint8Array, file: string): MachOSlice[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: number, length: number, what: string): void => {
    if (offset + length > bytes.byteLength)
      throw new MachOError(
        `${file}: ${what} at byte ${offset} needs ${length} bytes but the file has ${bytes.byteLength}: truncated or not Mach-O`,
      );
  };
  need(0, 4, 'the magic number');
  const magic = view.getUint32(0, false);
  if (magic === FAT_MAGIC || magic === FAT_MAGIC_64) {
    const wide = magic === FAT_MAGIC_64;
    need(4, 4, 'the slice count');
    const count = view.getUint32(4, false);
    // fat_arch: cputype, cpusubtype, offset, size, align (5 × u32); fat_arch_64: offset and size are u64.
    const entry = wide ? 32 : 20;
    need(8, count * entry, 'the slice table');
    const slices: MachOSlice[] = [];
    for (let i = 0; i < count; i++) {
      const at = 8 + i * entry;
      const offset = wide ? Number(view.getBigUint64(at + 8, false)) : view.getUint32(at + 8, false);
      const size = wide ? Number(view.getBigUint64(at + 16, false)) : view.getUint32(at + 12, false);
      need(offset, size, `slice ${i}`);
      slices.push(readThin(bytes.subarray(offset, offset + size), `${file} (slice ${i})`));
    }
    return slices;
  }
  return [readThin(bytes, file)];
}

function readThin(bytes: Uint8Array, file: string): MachOSlice {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: number, length: number, what: string): void => {
    if (offset + length > bytes.byteLength)
      throw new MachOError(
        `${file}: ${what} at byte ${offset} needs ${length} bytes but only ${bytes.byteLength} are there: truncated`,
      );
  };
  need(0, 4, 'the magic number');
  const raw = view.getUint32(0, false);
  const little = raw === MH_CIGAM || raw === MH_CIGAM_64;
  const magic = little ? view.getUint32(0, true) : raw;
  if (magic !== MH_MAGIC && magic !== MH_MAGIC_64)
    throw new MachOError(`${file}: not a Mach-O file (magic 0x${raw.toString(16).padStart(8, '0')})`);
  need(0, magic === MH_MAGIC_64 ? 32 : 28, 'the Mach-O header');
  const u32 = (offset: number): number => view.getUint32(offset, little);
  const cpuType = u32(4);
  const commandCount = u32(16);
  let at = magic === MH_MAGIC_64 ? 32 : 28;
  const slice: MachOSlice = {
    cpu: CPU_NAMES[cpuType] ?? `0x${cpuType.toString(16)}`,
    loads: [],
    rpaths: [],
  };
  const text = (command: number, size: number, what: string): string => {
    need(command + 8, 4, `the ${what} offset`);
    const start = command + u32(command + 8);
    const end = bytes.indexOf(0, start);
    return Buffer.from(bytes.subarray(start, end === -1 || end > command + size ? command + size : end)).toString(
      'utf8',
    );
  };
  for (let i = 0; i < commandCount; i++) {
    need(at, 8, `load command ${i}`);
    const cmd = u32(at);
    const size = u32(at + 4);
    if (size < 8) throw new MachOError(`${file}: load command ${i} declares ${size} bytes, fewer than its own header`);
    need(at, size, `load command ${i}`);
    if (cmd === LC_BUILD_VERSION && u32(at + 8) === PLATFORM_MACOS) slice.minMacOS = decodeVersion(u32(at + 12));
    else if (cmd === LC_VERSION_MIN_MACOSX) slice.minMacOS ??= decodeVersion(u32(at + 8));
    else if (LOAD_COMMANDS.has(cmd)) slice.loads.push(text(at, size, 'library name'));
    else if (cmd === LC_ID_DYLIB) slice.installName = text(at, size, 'install name');
    else if (cmd === LC_RPATH) slice.rpaths.push(text(at, size, 'rpath'));
    at += size;
  }
  return slice;
}
