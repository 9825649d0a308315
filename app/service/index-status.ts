/** `eidos status`: everything the index knows about itself, read without taking the writer lock. */
import { existsSync } from 'node:fs';
import { EidosError } from '../contract/errors.ts';
import { ensureDataDir, indexPath } from '../paths.ts';
import { assertIndexSound } from '../store/health.ts';
import { openIndex } from '../store/open.ts';
import type { IndexStatus, ScanProblemRow, SkippedFile } from '../store/types.ts';

export interface IndexReport extends IndexStatus {
  index: string;
  skippedFiles: SkippedFile[];
  scanProblems: ScanProblemRow[];
}

/** The status of the index in `home`, with up to `listLimit` skipped files and scan problems. */
export function readIndexReport(home: string, listLimit: number): IndexReport {
  const file = indexPath(home);
  if (!existsSync(file))
    throw new EidosError('NOT_FOUND', `no index yet at ${file}: run 'eidos index <folder>' first.`);
  // Read-only, but still the user's data folder: an older, wider one is narrowed and another user's refused.
  ensureDataDir(home);
  // The counts come from indexes and would look fine over a damaged table: read every page first.
  assertIndexSound(file);
  const store = openIndex(file, { readonly: true });
  try {
    return {
      index: file,
      ...store.status(),
      skippedFiles: store.skippedFiles(listLimit),
      scanProblems: store.scanProblems(listLimit),
    };
  } finally {
    store.close();
  }
}
