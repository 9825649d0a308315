/**
 * What the executable files of a Mac release say about it: the files that are not for a Mac at all (ELF,
 * PE), the lowest macOS every Mach-O file accepts, and the libraries nothing loads. Used by the unit tests
 * on the files `npm ci` installed here and by check-mac-app.ts on the packaged app on a Mac.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { binaryKind, compareVersions, readMachO, type BinaryKind, type MachOSlice } from './macho.ts';

export interface BinaryFile {
  /** Relative to the folder the files were listed from. */
  file: string;
  kind: BinaryKind;
}

/** The kind of each file, read from its first bytes. */
export function classify(root: string, files: readonly string[]): BinaryFile[] {
  const head = Buffer.alloc(8);
  return files.map((file) => {
    const fd = openSync(join(root, file), 'r');
    try {
      const read = readSync(fd, head, 0, head.length, 0);
      return { file, kind: binaryKind(head.subarray(0, read)) };
    } finally {
      closeSync(fd);
    }
  });
}

export function machOSlices(root: string, files: readonly string[]): Map<string, MachOSlice[]> {
  return new Map(files.map((file) => [file, readMachO(readFileSync(join(root, file)), file)]));
}

/** The highest minimum macOS any slice declares, and the files that declare it. */
export function lowestMacOSAccepted(slices: Map<string, MachOSlice[]>): { version: string; files: string[] } {
  let version = '0.0';
  let files: string[] = [];
  for (const [file, list] of slices) {
    for (const slice of list) {
      if (slice.minMacOS === undefined) continue;
      const order = compareVersions(slice.minMacOS, version);
      if (order > 0) {
        version = slice.minMacOS;
        files = [file];
      } else if (order === 0 && !files.includes(file)) files.push(file);
    }
  }
  return { version, files };
}

/**
 * Where dyld would look for `name` loaded by `loader`: @loader_path is the loader's folder, @rpath each of
 * the loader's rpaths. Paths stay relative to the listed folder; system paths resolve to nothing here.
 */
function candidates(name: string, loader: string, slice: MachOSlice): string[] {
  const here = dirname(loader);
  const expand = (path: string): string => normalize(path.replace(/^@loader_path/, here));
  if (name.startsWith('@rpath/')) return slice.rpaths.map((rpath) => expand(join(rpath, name.slice('@rpath/'.length))));
  if (name.startsWith('@loader_path/')) return [expand(name)];
  return [];
}

/**
 * `.dylib` files among `slices` that no other listed file loads, following load commands from the
 * Node addons (`.node`), which are what Node itself opens. Libraries opened with dlopen by name are
 * invisible here, so only folders whose libraries are linked (node_modules) should be checked.
 */
export function unloadedLibraries(slices: Map<string, MachOSlice[]>): string[] {
  const loaded = new Set<string>();
  const queue = [...slices.keys()].filter((file) => file.endsWith('.node'));
  while (queue.length > 0) {
    const loader = queue.pop()!;
    for (const slice of slices.get(loader) ?? []) {
      for (const name of slice.loads) {
        const found = candidates(name, loader, slice).find((path) => slices.has(path));
        if (found !== undefined && !loaded.has(found)) {
          loaded.add(found);
          queue.push(found);
        }
      }
    }
  }
  return [...slices.keys()].filter((file) => file.endsWith('.dylib') && !loaded.has(file));
}

/** Libraries that a listed file loads through @rpath/@loader_path but that are not among the files. */
export function missingLibraries(slices: Map<string, MachOSlice[]>): { loader: string; name: string }[] {
  const missing: { loader: string; name: string }[] = [];
  for (const [loader, list] of slices) {
    for (const slice of list) {
      for (const name of slice.loads) {
        const paths = candidates(name, loader, slice);
        if (paths.length > 0 && !paths.some((path) => slices.has(path))) missing.push({ loader, name });
      }
    }
  }
  return missing;
}
