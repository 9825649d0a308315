/**
 * Where `eidos index`'s memory goes: VmRSS and VmHWM (peak) of a child that indexes PHOTOS imagenet-dev
 * JPEGs with one twin, read after each stage (engine open, vision tower open, photos embedded, the
 * prior's concept prompts embedded). Memory, not time: the figures hold on a loaded machine.
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/index-memory-stages.ts [twin-id] [photos]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { twinLibrary } from './twin-library.ts';
import { Engine } from '../../app/service/engine.ts';

const REPO = resolve(import.meta.dirname, '../..');

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
  const twin = await twinLibrary(id, photos, 'eidos-index-memory');
  try {
    for (const oneShot of [false, true]) {
      console.log(
        `${id}, ${photos} photos, ${oneShot ? 'one-shot (vision released before the prior)' : 'both towers kept'}:`,
      );
      const args = [
        join(REPO, 'bin/run-ts.js'),
        import.meta.filename,
        '--child',
        twin.newHome(),
        twin.library,
        String(oneShot),
      ];
      process.stdout.write(execFileSync(process.execPath, args, { encoding: 'utf8' }));
    }
  } finally {
    twin.dispose();
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!, process.argv[5] === 'true');
else await main();
