/**
 * The kill loop shared by the CI test (a few rounds) and the slow suite (20 and more): `eidos index`
 * is killed with SIGKILL at a random moment (while starting, while scanning and planning, between
 * batches, or after the last batch while finishing), and after every kill the index must pass
 * `PRAGMA integrity_check`, hold no half-written batch and keep every row committed before untouched.
 * Kills come in cycles over a fresh index; each cycle ends with a normal run that must embed only
 * what is missing and leave the same index as a clean run (paths, content hashes, vectors bit for
 * bit, skipped files with their reasons). The moments come from a seeded generator: the seed is
 * logged, and EIDOS_KILL_SEED replays a run.
 */
import { once } from 'node:events';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { indexPath, thumbnailsDir } from '../../app/paths.ts';
import { mulberry32 } from '../../app/util/mulberry32.ts';
import { copyImagenet, indexFolder, makeHome, spawnIndex } from './eidos-cli.ts';
import {
  committedFiles,
  fileCount,
  filesWithoutVector,
  integrityCheck,
  lockPid,
  peek,
  type CommittedFile,
} from '../integration/index/probe.ts';
import { expectSameIndex, indexContent, type IndexContent } from './same-index.ts';

/** Where the kill was aimed. */
export type KillTarget = 'startup' | 'planning' | 'batches' | 'finishing';

export interface KillRound {
  round: number;
  cycle: number;
  target: KillTarget;
  /** Where it landed, read from what the killed run left: 'completed' when the run ended before the kill. */
  phase: KillTarget | 'completed';
  /** Wait after the event the target waits for (spawn, lock taken, first commit, last commit). */
  delayMs: number;
  /** Rows of `files` committed after the round, and how many of them this run added. */
  committed: number;
  added: number;
}

export interface KillLoopReport {
  seed: number;
  rounds: KillRound[];
  /** Rounds that really killed the indexer (the others ended before the kill). */
  kills: number;
  cycles: number;
  seconds: number;
}

/** EIDOS_KILL_SEED when set (to replay a failure), else a fresh random seed. */
export function killLoopSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.EIDOS_KILL_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new Error(`EIDOS_KILL_SEED must be an integer in [0, 2^32), got '${given}'`);
    return seed;
  }
  return Math.floor(Math.random() * 0x100000000);
}

/** Files in the library that cannot be read as photos, so the skipped list has something to compare. */
const BROKEN_FILES: Record<string, string> = { 'empty.jpg': '', 'notes.jpg': 'these are notes, not a JPEG\n' };

type Home = Awaited<ReturnType<typeof makeHome>>;

export class KillLoop {
  private readonly killed: Home;
  private readonly clean: Home;
  private readonly library: string;
  private readonly total: number;
  private readonly reference: IndexContent;
  /** Spawn-to-lock time seen in the last round that waited for it: the window a 'startup' kill aims into. */
  private lockMs = 1000;

  private constructor(killed: Home, clean: Home, library: string, total: number, reference: IndexContent) {
    this.killed = killed;
    this.clean = clean;
    this.library = library;
    this.total = total;
    this.reference = reference;
  }

  /** A library of `photos` imagenet-dev photos plus two broken files, and its clean index for reference. */
  static async create(photos: number): Promise<KillLoop> {
    const [killed, clean] = await Promise.all([makeHome(), makeHome()]);
    const library = join(killed.scratch, 'library');
    copyImagenet(library, photos);
    for (const [name, content] of Object.entries(BROKEN_FILES)) writeFileSync(join(library, name), content);
    const summary = await indexFolder(clean.home, library);
    expect(summary.encoded + summary.skipped, 'the clean run reads every file').toBe(
      photos + Object.keys(BROKEN_FILES).length,
    );
    const reference = indexContent(clean.home);
    const skipped = reference.files.filter((file) => file.status === 'skipped');
    expect(skipped.map((file) => file.path.slice(library.length + 1))).toEqual(Object.keys(BROKEN_FILES).sort());
    return new KillLoop(killed, clean, library, photos + Object.keys(BROKEN_FILES).length, reference);
  }

  dispose(): void {
    this.killed.dispose();
    this.clean.dispose();
  }

  /** Kills until `rounds` kills have happened; asserts (vitest expect) after every kill and every cycle. */
  async run(options: { rounds: number; seed: number; log?: (line: string) => void }): Promise<KillLoopReport> {
    const { rounds: wanted, seed } = options;
    const log = options.log ?? (() => {});
    const random = mulberry32(seed);
    const started = performance.now();
    log(`kill loop: seed ${seed} (replay with EIDOS_KILL_SEED=${seed}), ${wanted} kills, ${this.total} files`);
    const rounds: KillRound[] = [];
    let kills = 0;
    let cycle = 0;
    while (kills < wanted) {
      cycle++;
      this.resetIndex();
      let committed = new Map<string, CommittedFile>();
      const length = cycleLength(wanted - kills, random);
      for (let k = 0; k < length; k++) {
        const target = targetOf(k, length, random);
        const where = `seed ${seed}, cycle ${cycle}, round ${rounds.length + 1} (${target})`;
        const { phase, delayMs, rows } = await this.killRound(target, random, committed, where);
        const round: KillRound = {
          round: rounds.length + 1,
          cycle,
          target,
          phase,
          delayMs: Math.round(delayMs),
          committed: rows.size,
          added: rows.size - committed.size,
        };
        rounds.push(round);
        log(
          `  round ${round.round} (cycle ${cycle}): aimed at ${target}, +${round.delayMs} ms → ${phase}; ${round.committed}/${this.total} rows (+${round.added})`,
        );
        committed = rows;
        if (phase === 'completed') break;
        kills++;
      }
      await this.finishCycle(committed, `seed ${seed}, cycle ${cycle}`);
    }
    const report = { seed, rounds, kills, cycles: cycle, seconds: (performance.now() - started) / 1000 };
    const phases = countBy(rounds.map((r) => r.phase));
    log(
      `kill loop: ${kills} kills in ${cycle} cycles, ${report.seconds.toFixed(1)} s; landed: ${JSON.stringify(phases)}`,
    );
    return report;
  }

  private get home(): string {
    return this.killed.home;
  }

  private resetIndex(): void {
    for (const suffix of ['', '-wal', '-shm']) rmSync(indexPath(this.home) + suffix, { force: true });
    rmSync(thumbnailsDir(this.home), { recursive: true, force: true });
  }

  private async killRound(
    target: KillTarget,
    random: () => number,
    before: ReadonlyMap<string, CommittedFile>,
    where: string,
  ): Promise<{ phase: KillRound['phase']; delayMs: number; rows: Map<string, CommittedFile> }> {
    const child = spawnIndex(this.home, this.library);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let exited = false;
    void exit.then(() => (exited = true));
    const spawned = performance.now();

    let delayMs: number;
    if (target === 'startup') {
      delayMs = random() * this.lockMs;
    } else {
      await until(
        () => peek(this.home, lockPid) === child.pid,
        () => exited,
        10,
      );
      if (!exited) this.lockMs = performance.now() - spawned;
      if (target === 'planning') {
        delayMs = random() * 200;
      } else if (target === 'batches') {
        await until(
          () => (peek(this.home, fileCount) ?? 0) > before.size,
          () => exited,
          10,
        );
        delayMs = random() * 600;
      } else {
        // The finishing window (prune, summary, closing the encoder and the database) is short: poll fast.
        await until(
          () => peek(this.home, fileCount) === this.total,
          () => exited,
          3,
        );
        delayMs = random() * 30;
      }
    }
    if (!exited) await sleep(delayMs);
    child.kill('SIGKILL');
    const [code, signal] = await exit;

    if (signal !== 'SIGKILL') {
      expect(code, `${where}: the run ended on its own, and must have succeeded; stderr: ${stderr}`).toBe(0);
    }
    const rows = peek(this.home, committedFiles) ?? new Map<string, CommittedFile>();
    if (existsSync(indexPath(this.home))) {
      expect(integrityCheck(this.home), `${where}: integrity_check after the kill`).toEqual(['ok']);
      expect(
        peek(this.home, filesWithoutVector),
        `${where}: indexed files without a vector (a half-written batch)`,
      ).toBe(0);
    }
    expectKept(before, rows, where);
    const added = rows.size - before.size;
    const phase: KillRound['phase'] =
      signal !== 'SIGKILL'
        ? 'completed'
        : added === 0
          ? peek(this.home, lockPid) === child.pid
            ? 'planning'
            : 'startup'
          : rows.size === this.total
            ? 'finishing'
            : 'batches';
    return { phase, delayMs, rows };
  }

  /** A normal run after the kills: only the missing files are read, and the result equals the clean index. */
  private async finishCycle(committed: ReadonlyMap<string, CommittedFile>, where: string): Promise<void> {
    const summary = await indexFolder(this.home, this.library);
    expect(summary.unchanged, `${where}: files the killed runs had committed are left alone`).toBe(committed.size);
    expect(summary.encoded + summary.skipped, `${where}: only the missing files are read`).toBe(
      this.total - committed.size,
    );
    expect({ reused: summary.reused, moved: summary.moved, deleted: summary.deleted }).toEqual({
      reused: 0,
      moved: 0,
      deleted: 0,
    });
    expect(integrityCheck(this.home), where).toEqual(['ok']);
    expectKept(committed, peek(this.home, committedFiles) ?? new Map(), where);

    expectSameIndex(this.home, this.reference, where);
  }
}

/** Every row committed before is still there, byte for byte the same (a resumed run never redoes it). */
function expectKept(
  before: ReadonlyMap<string, CommittedFile>,
  after: ReadonlyMap<string, CommittedFile>,
  where: string,
): void {
  const changed = [...before]
    .filter(([path, row]) => JSON.stringify(after.get(path)) !== JSON.stringify(row))
    .map(([path]) => path);
  expect(changed, `${where}: rows committed earlier that were lost or rewritten`).toEqual([]);
}

/** Kill rounds per cycle: 3 to 5 while many remain, then all the rest. */
function cycleLength(remaining: number, random: () => number): number {
  return remaining <= 6 ? remaining : 3 + Math.floor(random() * 3);
}

/** A cycle starts before any batch, has a kill between batches next, and ends in the finishing phase. */
function targetOf(k: number, length: number, random: () => number): KillTarget {
  if (k === length - 1) return 'finishing';
  if (k === 0) return random() < 0.5 ? 'startup' : 'planning';
  if (k === 1) return 'batches';
  const pick = random();
  return pick < 0.2 ? 'startup' : pick < 0.4 ? 'planning' : 'batches';
}

async function until(condition: () => boolean, stop: () => boolean, intervalMs: number): Promise<void> {
  while (!stop() && !condition()) await sleep(intervalMs);
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
