/**
 * The files of a desktop release, selected the way electron-builder selects them: the `files` globs of
 * electron-builder.yml over the project, plus the production dependencies' folders (electron-builder
 * adds those itself). Copied (hard-linked where the file system allows) into a folder of their own.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { load } from 'js-yaml';
import { globSync } from 'tinyglobby';

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
}

export function readBuilderConfig(repo: string): BuilderConfig {
  return load(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

/** Production packages from the lock file (dev-only ones are left out), as folders below the project. */
function productionPackages(repo: string): string[] {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  return (
    Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional)
      .map(([path]) => path)
      // Optional packages for other platforms are in the lock but not on disk.
      .filter((path) => existsSync(join(repo, path)))
  );
}

/** Relative paths of every file the release holds. */
export function releaseFiles(repo: string): string[] {
  const { files } = readBuilderConfig(repo);
  const selected = globSync(files, { cwd: repo, dot: true, onlyFiles: true, ignore: ['node_modules/**'] });
  const dependencies = productionPackages(repo).flatMap((folder) =>
    globSync([`${folder}/**`], { cwd: repo, dot: true, onlyFiles: true }),
  );
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
