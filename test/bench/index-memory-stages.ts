/**
 * Where `eidos index`'s memory goes: VmRSS and VmHWM (peak) of a child that indexes PHOTOS imagenet-dev
 * JPEGs with one twin, read after each stage (engine open, vision tower open, photos embedded, the
 * prior's concept prompts embedded). Memory, not time: the figures hold on a loaded machine.
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/index-memory-stages.ts [twin-id] [photos]
 */
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fetchModel } from '../../app/models/store.ts';
import { Engine } from '../../app/service/engine.ts';
import { copyCachedTwin } from '../../models/clip-twin/twin-cache.ts';
import { copyCachedMobileClip2S0Twin, copyCachedMobileClip2Twin } from '../../models/mobileclip2-twin/twin-cache.ts';

const REPO = resolve(import.meta.dirname, '../..');
const IMAGENET_DIR = resolve(REPO, '../shared/photos/imagenet-dev/images');
const GENERATE = {
  'clip-vit-b32-twin': copyCachedTwin('fp32'),
  'mobileclip2-s2-twin': copyCachedMobileClip2Twin,
  'mobileclip2-s0-twin': copyCachedMobileClip2S0Twin,
} as Record<string, NonNullable<Parameters<typeof fetchModel>[1]>['generate']>;

/** VmRSS and VmHWM of this process, in MB. */
function memory(): string {
  const status = readFileSync('/proc/self/status', 'utf8');
  const mb = (key: string): number =>
    Number(/(\d+) kB/.exec(status.split('\n').find((l) => l.startsWith(key))!)![1]) / 1000;
  return `rss ${mb('VmRSS').toFixed(0).padStart(5)} MB   peak ${mb('VmHWM').toFixed(0).padStart(5)} MB`;
}

async function child(home: string, folder: string, oneShot: boolean): Promise<void> {
  const stage = (what: string): void => console.log(`  ${what.padEnd(36)} ${memory()}`);
  const engine = Engine.open({ home });
  stage('engine open');
  engine.addFolders([folder]);
  await engine.index({
    oneShot,
    onProgress: (p) => {
      if (p.phase === 'done') stage('photos embedded (vision tower)');
    },
  });
  stage('after the prior (text tower)');
  await engine.close();
  stage('engine closed');
}

async function main(): Promise<void> {
  const id = process.argv[2] ?? 'clip-vit-b32-twin';
  const photos = Number(process.argv[3] ?? 48);
  const scratch = mkdtempSync(join(tmpdir(), 'eidos-index-memory-'));
  try {
    const modelsDir = join(scratch, 'models');
    const generate = GENERATE[id];
    await fetchModel(id, generate ? { generate } : {}, { modelsDir });
    const library = join(scratch, 'photos');
    mkdirSync(library);
    for (const name of readdirSync(IMAGENET_DIR).sort().slice(0, photos))
      linkSync(join(IMAGENET_DIR, name), join(library, name));
    for (const oneShot of [false, true]) {
      const home = mkdtempSync(join(scratch, 'home-'));
      symlinkSync(modelsDir, join(home, 'models'));
      console.log(
        `${id}, ${photos} photos, ${oneShot ? 'one-shot (vision released before the prior)' : 'both towers kept'}:`,
      );
      const args = [join(REPO, 'bin/run-ts.js'), import.meta.filename, '--child', home, library, String(oneShot)];
      process.stdout.write(execFileSync(process.execPath, args, { encoding: 'utf8' }));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!, process.argv[5] === 'true');
else await main();
