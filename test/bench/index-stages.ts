/**
 * CPU a photo of each stage of the indexer's per-photo work (app/indexer/prepare-photo.ts), one stage
 * at a time over the same photos, one photo at a time, so a stage's CPU (all threads of this process)
 * is its own: read, content hash, open (header), metadata (EXIF), decode, model input, fingerprint, grid thumbnail, and the
 * store's batch write. CPU holds under load where wall time does not; index-vs-raw.ts times the whole.
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/index-stages.ts [twin-id] [photos]
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeOpened, openImage, type DecodedImage, type OpenedImage } from '../../app/image/decode.ts';
import { signatureOfDecoded } from '../../app/image/fingerprint.ts';
import { metadataOf } from '../../app/image/metadata.ts';
import { preprocessDecoded } from '../../app/image/preprocess.ts';
import { THUMBNAIL_EDGES, writeThumbnails } from '../../app/image/thumbnails.ts';
import { hashBytes } from '../../app/library/content-hash.ts';
import { readWholeFile } from '../../app/library/read-file.ts';
import { findModel, loadManifest } from '../../app/models/manifest.ts';

const IMAGENET_DIR = resolve(import.meta.dirname, '../../../shared/photos/imagenet-dev/images');

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

async function main(): Promise<void> {
  const id = process.argv[2] ?? 'clip-vit-b32-twin';
  const photos = Number(process.argv[3] ?? 200);
  const spec = findModel(loadManifest(), id).preprocess;
  const files = readdirSync(IMAGENET_DIR)
    .sort()
    .slice(0, photos)
    .map((name) => join(IMAGENET_DIR, name));
  const scratch = mkdtempSync(join(tmpdir(), 'eidos-index-stages-'));
  try {
    const rows: Array<[string, number, number]> = [];
    const stage = async <T>(name: string, run: (i: number) => Promise<T>): Promise<T[]> => {
      await run(0); // warm-up (module loads, libvips start)
      const out: T[] = [];
      const wall0 = performance.now();
      const cpu0 = cpuMs();
      for (let i = 0; i < files.length; i++) out.push(await run(i));
      rows.push([name, (cpuMs() - cpu0) / files.length, (performance.now() - wall0) / files.length]);
      return out;
    };
    const reads = await stage('read', async (i) => {
      const read = await readWholeFile({ path: files[i]! });
      if (read.kind !== 'read') throw new Error(`${files[i]} vanished`);
      return read.bytes;
    });
    const hashes = await stage('content hash', async (i) => hashBytes(reads[i]!));
    const opened: OpenedImage[] = await stage('open', async (i) => openImage(files[i]!, reads[i]!));
    await stage('metadata', async (i) => metadataOf(opened[i]!, reads[i]!));
    const images: DecodedImage[] = await stage('decode', async (i) =>
      decodeOpened(opened[i]!, {
        maxLongEdge: THUMBNAIL_EDGES.grid * 2,
        minShortEdge: spec.shortestEdge,
        embedded: { minShortEdge: spec.shortestEdge, minLongEdge: THUMBNAIL_EDGES.grid },
      }),
    );
    await stage('model input', async (i) => preprocessDecoded(images[i]!, spec, files[i]!));
    await stage('fingerprint', async (i) => signatureOfDecoded(images[i]!));
    await stage('grid thumbnail', async (i) => writeThumbnails(images[i]!, hashes[i]!, scratch, ['grid']));
    const total = rows.reduce((sum, [, cpu]) => sum + cpu, 0);
    console.log(`${id}, ${files.length} photos, CPU ms a photo by stage (wall ms beside):`);
    for (const [name, cpu, wall] of rows)
      console.log(`  ${name.padEnd(16)} ${cpu.toFixed(2).padStart(7)}  (${wall.toFixed(2)})`);
    console.log(`  ${'total'.padEnd(16)} ${total.toFixed(2).padStart(7)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
