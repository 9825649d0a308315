/**
 * The files of a desktop release, selected the way electron-builder selects them: the `files` globs of
 * electron-builder.yml plus the platform's own (`mac.files`, `linux.files`) over the project, and the
 * production dependencies' folders (electron-builder adds those itself) through electron-builder's own
 * filter for them, which applies every exclusion of both lists. Copied (hard-linked where the file system
 * allows) into a folder of their own.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { load } from 'js-yaml';
import { globSync } from 'tinyglobby';

export type ReleasePlatform = 'mac' | 'linux';

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  mac: { files?: string[]; minimumSystemVersion: string };
  linux: { files?: string[] };
}

export function readBuilderConfig(repo: string): BuilderConfig {
  return load(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

/** The machine a platform's release is built on: npm installs a package there only if its `os`/`cpu` allow. */
const BUILT_ON: Record<ReleasePlatform, { os: string; cpu: string }> = {
  mac: { os: 'darwin', cpu: 'arm64' },
  linux: { os: 'linux', cpu: process.arch },
};

/** npm's rule for `os` and `cpu` lists: absent allows all; `!name` excludes; otherwise the name must be listed. */
function allows(list: string[] | undefined, value: string): boolean {
  if (list === undefined || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((item) => !item.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

/**
 * Production packages from the lock file (dev-only ones are left out), as folders below the project:
 * those present here that npm would also install on the platform's build machine.
 */
function productionPackages(repo: string, platform: ReleasePlatform): string[] {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; os?: string[]; cpu?: string[] }>;
  };
  const { os, cpu } = BUILT_ON[platform];
  return (
    Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional)
      .filter(([, entry]) => allows(entry.os, os) && allows(entry.cpu, cpu))
      .map(([path]) => path)
      // Optional packages for other platforms are in the lock but not on disk.
      .filter((path) => existsSync(join(repo, path)))
  );
}

interface NodeModuleMatcher {
  createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean;
}
// electron-builder's own matcher for node_modules (app-builder-lib/out/fileMatcher.js): it keeps the
// exclusions (`!…`) of `files` and of the platform's `files`, matched against `node_modules/<package>/…`.
const { getNodeModuleFileMatcher } = createRequire(import.meta.url)('app-builder-lib/out/fileMatcher.js') as {
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    macroExpander: (pattern: string) => string,
    platformOptions: { files?: string[] },
    packager: { config: { files: string[] }; debugLogger: { isEnabled: boolean } },
  ): NodeModuleMatcher;
};

/** Relative paths of every file the platform's release holds. */
export function releaseFiles(repo: string, platform: ReleasePlatform = 'linux'): string[] {
  const config = readBuilderConfig(repo);
  const platformFiles = config[platform].files ?? [];
  const selected = globSync([...config.files, ...platformFiles], {
    cwd: repo,
    dot: true,
    onlyFiles: true,
    ignore: ['node_modules/**'],
  });
  const keep = getNodeModuleFileMatcher(
    repo,
    repo,
    (pattern) => pattern,
    { files: platformFiles },
    { config: { files: config.files }, debugLogger: { isEnabled: false } },
  ).createFilter();
  const file = { isDirectory: () => false };
  const dependencies = productionPackages(repo, platform)
    .flatMap((folder) => globSync([`${folder}/**`], { cwd: repo, dot: true, onlyFiles: true }))
    .filter((path) => keep(join(repo, path), file));
  return [...new Set([...selected, ...dependencies])].sort();
}

export function copyRelease(repo: string, files: readonly string[], target: string): void {
  for (const file of files) {
    const to = join(target, file);
    mkdirSync(dirname(to), { recursive: true });
    try {
      linkSync(join(repo, file), to);
    } catch {
      copyFileSync(join(repo, file), to);
    }
  }
}
