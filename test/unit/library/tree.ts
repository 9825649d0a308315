import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes files (relative path → content) under `root`, creating folders; content defaults to the path. */
export function writeTree(root: string, files: Record<string, string | Buffer | undefined>): void {
  for (const [relative, content] of Object.entries(files)) {
    const full = join(root, relative);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content ?? `photo bytes of ${relative}`);
  }
}
