/**
 * When `eidos index`'s peak memory is reached: a one-shot index of PHOTOS imagenet-dev JPEGs with one twin, in a
 * child that samples its own VmRSS and VmHWM every 100 ms and prints a line each time the peak rises by 20 MB
 * and at each phase of the run (indexing, reading-text, …, the prior after the run). Memory, not time: the
 * figures hold on a loaded machine. Finer-grained than index-memory-stages.ts, which reads them per stage.
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/index-memory-timeline.ts [twin-id] [photos]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { twinLibrary } from './twin-library.ts';
import { Engine } from '../../app/service/engine.ts';

const REPO = resolve(import.meta.dirname, '../..');

/** VmRSS and VmHWM of this process, in MB. */
function memory(): { rss: number; peak: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const mb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)![1]) / 1000;
  return { rss: mb('VmRSS'), peak: mb('VmHWM') };
}

async function child(home: string, folder: string): Promise<void> {
  const started = performance.now();
  const line = (what: string): void => {
    const { rss, peak } = memory();
    const at = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `  ${at.padStart(6)} s  rss ${rss.toFixed(0).padStart(5)} MB  peak ${peak.toFixed(0).padStart(5)} MB  ${what}`,
    );
  };
  let lastPeak = 0;
  const sampler = setInterval(() => {
    const { peak } = memory();
    if (peak > lastPeak + 20) {
      lastPeak = peak;
      line('peak rose');
    }
  }, 100);
  const engine = Engine.open({ home });
  try {
    line('engine open');
    engine.addFolders([folder]);
    let phase = '';
    await engine.index({
      oneShot: true,
      onProgress: (p) => {
        if (p.phase !== phase) line(`phase ${(phase = p.phase)}`);
      },
    });
    line('index returned (the prior computed with the text tower)');
  } finally {
    clearInterval(sampler);
    await engine.close();
  }
  line('engine closed');
}

async function main(): Promise<void> {
  const id = process.argv[2] ?? 'clip-vit-b32-twin';
  const photos = Number(process.argv[3] ?? 200);
  const twin = await twinLibrary(id, photos, 'eidos-index-memory-timeline');
  try {
    console.log(`${id}, ${photos} photos, one-shot:`);
    const args = [join(REPO, 'bin/run-ts.js'), import.meta.filename, '--child', twin.newHome(), twin.library];
    process.stdout.write(execFileSync(process.execPath, args, { encoding: 'utf8' }));
  } finally {
    twin.dispose();
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
