import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callEngine } from '../../../app/contract/dispatch.ts';
import { createEngineHandlers } from '../../../app/service/api-handlers.ts';
import { isEidosError } from '../../../app/contract/errors.ts';
import { indexPath } from '../../../app/paths.ts';
import { rejection } from '../../helpers/errors.ts';
import { jsonError, runEidos } from '../../helpers/eidos-cli.ts';
import { cleanReference, expectLikeClean, type CleanReference } from '../../helpers/same-index.ts';
import { damagedHome, damages } from '../../helpers/store-faults.ts';

// A real index of real photos, damaged in the ways disks and crashes damage files. Every command
// must name the file and the rebuild; `eidos index --rebuild` must keep the damaged file aside,
// leave every photo byte-identical and produce the same index as a clean run over the same photos.
const COUNT = 30;

let clean: CleanReference;

beforeAll(async () => {
  clean = await cleanReference(COUNT);
});
afterAll(() => clean?.dispose());

describe.each(damages)('a damaged index: $name', (damage) => {
  let home: string;
  let file: string;
  beforeAll(() => ({ home, file } = damagedHome(clean.home, damage, clean.scratch)));

  it('status, search and index stop with INDEX_CORRUPT, naming the file and the rebuild command', async () => {
    for (const args of [
      ['status', '--json'],
      ['search', 'a dog', '--json'],
      ['index', '--json'],
    ]) {
      const result = await runEidos(home, args);
      expect(result.code, args.join(' ')).toBe(1);
      const error = jsonError(result);
      expect(error.code, `${args.join(' ')}: ${error.message}`).toBe('INDEX_CORRUPT');
      expect(error.message).toContain(file);
      expect(error.message).toContain("'eidos index --rebuild'");
      expect(error.message).toMatch(/photos are not affected/);
    }
  });

  it('the engine behind the UI (serve, Electron) reports it in its status, with the folders a rebuild can recover', async () => {
    const handlers = await createEngineHandlers(home);
    try {
      const status = await handlers.status({});
      expect(status.ready).toBe(false);
      expect(status.damagedIndex).toEqual({ file, folders: damage.foldersReadable ? [clean.library] : [] });
      expect(status.notice).toContain(`The index ${file} is damaged`);
    } finally {
      await handlers.close?.();
    }
  });

  it('eidos index --rebuild keeps the damaged file aside, never touches a photo, and equals a clean index', async () => {
    // As the rebuild finds it (the failed plain 'eidos index' above may have checkpointed its lock row into it).
    const damagedBytes = readFileSync(file);
    if (!damage.foldersReadable) {
      const refused = await runEidos(home, ['index', '--rebuild', '--json']);
      expect(refused.code).toBe(2);
      expect(jsonError(refused).message).toMatch(/eidos index --rebuild <folder>/);
      expect(readdirSync(home).filter((name) => name.includes('damaged'))).toEqual([]);
    }
    const rebuilt = await runEidos(home, [
      'index',
      '--rebuild',
      '--json',
      ...(damage.foldersReadable ? [] : [clean.library]),
    ]);
    expect(rebuilt.code, rebuilt.stdout + rebuilt.stderr).toBe(0);
    const summary = JSON.parse(rebuilt.stdout) as {
      encoded: number;
      skipped: number;
      rebuild: { aside: string[]; folders: string[] };
    };
    expect(summary.rebuild.folders).toEqual([clean.library]);
    expect(summary.encoded).toBe(COUNT);
    expect(summary.skipped).toBe(0);

    const aside = summary.rebuild.aside.at(-1) as string;
    expect(aside).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.damaged-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z$`),
    );
    expect(readFileSync(aside).equals(damagedBytes)).toBe(true);
    expectLikeClean(home, clean, 'rebuilt');

    const status = await runEidos(home, ['status', '--json']);
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as { indexed: number }).indexed).toBe(COUNT);
  });
});

describe('the engine behind the UI (Electron, serve) on a damaged index', () => {
  it('keeps running, answers calls with INDEX_CORRUPT and the rebuild message, and shows it as the status notice', async () => {
    const home = join(clean.scratch, 'ui-home');
    mkdirSync(home);
    writeFileSync(indexPath(home), 'not a database '.repeat(400));
    const handlers = await createEngineHandlers(home);
    try {
      const status = await handlers.status({});
      expect(status.ready).toBe(false);
      expect(status.notice).toContain(`The index ${indexPath(home)} is damaged`);
      expect(status.notice).toContain("'eidos index --rebuild'");
      for (const [method, args] of [
        ['search', { query: 'a dog' }],
        ['listFolders', {}],
      ] as const) {
        const error = await rejection(callEngine(handlers, method, args));
        expect(isEidosError(error, 'INDEX_CORRUPT'), `${method}: ${error.message}`).toBe(true);
        expect(error.message).toContain("'eidos index --rebuild'");
      }
    } finally {
      await handlers.close?.();
    }
  });
});
