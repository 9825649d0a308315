// Test helper for crash.test.ts: writes batches forever into the index argv[2]; batch k holds
// `batchSize` files named b<k>-<i>.jpg whose `dim`-wide vectors are all k. Prints "committed k" after each.
// usage: crash-writer.ts <index file> <library root> <batchSize> <dim>
import { join } from 'node:path';
import { openIndex } from '../../../app/store/open.ts';

const [file, root, batchArg, dimArg] = process.argv.slice(2);
const batchSize = Number(batchArg);
const dim = Number(dimArg);
if (!file || !root || !(batchSize > 0) || !(dim > 0)) {
  throw new Error('usage: crash-writer.ts <index file> <library root> <batchSize> <dim>');
} else {
  const store = openIndex(file);
  const folderId = store.addFolder(root).id;
  for (let k = 0; ; k++) {
    const vector = new Float32Array(dim).fill(k);
    store.writeBatch({
      modelId: 'crash',
      items: Array.from({ length: batchSize }, (_, i) => ({
        kind: 'indexed' as const,
        file: { folderId, path: join(root, `b${k}-${i}.jpg`), size: i, mtimeMs: k, format: 'jpeg' },
        contentHash: `${k}-${i}`,
        metadata: { width: k, height: i },
        embedding: vector,
      })),
    });
    process.stdout.write(`committed ${k}\n`);
  }
}
