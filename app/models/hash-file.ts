import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import type { FileDigest } from '../util/file-digest.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../util/private-fs.ts';
import { dirname } from 'node:path';

export { digestFile as hashFile, type FileDigest } from '../util/file-digest.ts';

/**
 * Copies `source` to `dest` and returns the digest of exactly the bytes written, so an import checks
 * the copy it installs rather than a source that might change underneath it.
 */
export async function copyWithDigest(source: string, dest: string, onBytes?: (n: number) => void): Promise<FileDigest> {
  await mkdir(dirname(dest), { recursive: true, mode: PRIVATE_DIR_MODE });
  const hash = createHash('sha256');
  let bytes = 0;
  const out = await open(dest, 'w', PRIVATE_FILE_MODE);
  try {
    for await (const chunk of createReadStream(source, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      await out.write(chunk);
      bytes += chunk.length;
      onBytes?.(chunk.length);
    }
    await out.sync();
  } finally {
    await out.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}
