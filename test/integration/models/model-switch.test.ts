// `eidos models use` through the built CLI, alone and beside a real `eidos serve` (the local socket):
// synthetic-tiny indexes a generated library, then searches move to synthetic-tiny-left. What is checked
// comes from outside the code under test: the index's rows read with SQL (which photos have which
// model's vectors, and their bytes), settings.json, the serve's own status and search answers, and the
// runs' summaries. Background work is waited for by its announcements (indexProgress, modelSwitch).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../app/contract/api.ts';
import type { IndexProgress, ModelSwitch, ModelVectors } from '../../../app/contract/types.ts';
import { fetchModel } from '../../../app/models/store.ts';
import { indexPath, modelsDir } from '../../../app/paths.ts';
import { connectHolder, type HolderConnection } from '../../../app/server/local-socket-client.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import { MODEL_ID, jsonError, makeHome, runEidos } from '../../helpers/eidos-cli.ts';
import { serve, untilSettled, type Served } from '../../helpers/serve-fixture.ts';

const LEFT_ID = 'synthetic-tiny-left';
const PHOTOS = 240;

interface Library {
  home: string;
  dispose(): void;
}

/** A data folder with both synthetic models installed and PHOTOS photos indexed by synthetic-tiny only. */
async function library(seed: number): Promise<Library> {
  const { home, scratch, dispose } = await makeHome();
  await fetchModel(LEFT_ID, {}, { modelsDir: modelsDir(home) });
  await writePhotoSet(scratch, { count: PHOTOS, width: 320, height: 240, seed });
  const indexed = await runEidos(home, ['index', scratch, '--model', MODEL_ID, '--json']);
  expect(indexed.code, indexed.stderr).toBe(0);
  return { home, dispose };
}

/** Per model, what the index holds, read with SQL: vectors of indexed photos, all vectors, and their bytes. */
function vectorRows(home: string): Map<string, { covered: number; vectors: number; bytes: number }> {
  const db = new Database(indexPath(home), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT e.model_id AS model, count(*) AS vectors, sum(length(e.vector)) AS bytes,
                (SELECT count(*) FROM files f WHERE f.status = 'indexed' AND EXISTS
                   (SELECT 1 FROM embeddings x WHERE x.content_hash = f.content_hash AND x.model_id = e.model_id)) AS covered
         FROM embeddings e GROUP BY e.model_id`,
      )
      .all() as Array<{ model: string; vectors: number; bytes: number; covered: number }>;
    return new Map(rows.map((r) => [r.model, { covered: r.covered, vectors: r.vectors, bytes: r.bytes }]));
  } finally {
    db.close();
  }
}

const settingsModel = (home: string): string =>
  (JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as { model: string }).model;

/** The disk use reported per model equals the bytes of its vectors in the index. */
function expectVectorsReported(home: string, reported: ModelVectors[], active: string): void {
  const rows = vectorRows(home);
  expect(reported.map((v) => v.modelId).sort()).toEqual([...rows.keys()].sort());
  for (const v of reported) {
    expect(v.vectors).toBe(rows.get(v.modelId)?.vectors);
    expect(v.bytes).toBe(rows.get(v.modelId)?.bytes);
    expect(v.active).toBe(v.modelId === active);
  }
}

describe('eidos models use, alone', () => {
  let lib: Library;
  beforeAll(async () => {
    lib = await library(21);
  }, 240_000);
  afterAll(() => lib?.dispose());

  it('refuses a model that is not installed, naming what to run, and changes nothing', async () => {
    const result = await runEidos(lib.home, ['models', 'use', 'clip-vit-b32', '--json']);
    expect(result.code).toBe(1);
    expect(jsonError(result).code).toBe('MODEL_MISSING');
    expect(jsonError(result).message).toContain('eidos models fetch clip-vit-b32');
    expect([...vectorRows(lib.home).keys()]).toEqual([MODEL_ID]);
  });

  it('indexes the library with the new model, then searches use it; the old vectors stay, with their size', async () => {
    const result = await runEidos(lib.home, ['models', 'use', LEFT_ID, '--json'], { timeoutMs: 240_000 });
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout) as ModelSwitch & { vectors: ModelVectors[] };
    expect(outcome).toMatchObject({ from: MODEL_ID, to: LEFT_ID, state: 'switched', covered: PHOTOS, photos: PHOTOS });
    const rows = vectorRows(lib.home);
    expect(rows.get(LEFT_ID)?.covered).toBe(PHOTOS);
    expect(rows.get(MODEL_ID)?.covered).toBe(PHOTOS);
    expect(settingsModel(lib.home)).toBe(LEFT_ID);
    expectVectorsReported(lib.home, outcome.vectors, LEFT_ID);
    // `eidos status` shows each model's vectors with their size.
    const status = await runEidos(lib.home, ['status']);
    expect(status.stdout).toMatch(new RegExp(`model +${MODEL_ID}: ${PHOTOS} vectors \\(\\d+-d f16, [\\d.]+ kB\\)`));
  }, 300_000);

  it('compare-models works across the two', async () => {
    const result = await runEidos(lib.home, ['compare-models', MODEL_ID, LEFT_ID, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { photos: number }).photos).toBe(PHOTOS);
  });

  it('switches back at once: the old vectors still cover the library, nothing is embedded again', async () => {
    const before = vectorRows(lib.home);
    const result = await runEidos(lib.home, ['models', 'use', MODEL_ID, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ from: LEFT_ID, to: MODEL_ID, state: 'switched' });
    expect(vectorRows(lib.home)).toEqual(before);
    expect(settingsModel(lib.home)).toBe(MODEL_ID);
  });
});

/** Keeps every event of a holder connection, and resolves the first one a predicate accepts (seen or to come). */
function eventLog(holder: HolderConnection): { until<T>(pick: (event: ApiEvent) => T | undefined): Promise<T> } {
  const seen: ApiEvent[] = [];
  const waiting = new Set<() => void>();
  holder.onEvent((event) => {
    seen.push(event);
    for (const wake of waiting) wake();
  });
  return {
    until: (pick) =>
      new Promise((resolve) => {
        let from = 0;
        const look = (): void => {
          for (; from < seen.length; from++) {
            const found = pick(seen[from] as ApiEvent);
            if (found !== undefined) {
              waiting.delete(look);
              return resolve(found);
            }
          }
        };
        waiting.add(look);
        look();
      }),
  };
}

const switchState = (state: ModelSwitch['state']) => (event: ApiEvent) =>
  event.name === 'modelSwitch' && event.payload.to === LEFT_ID && event.payload.state === state
    ? event.payload
    : undefined;

describe('eidos models use beside eidos serve', () => {
  let lib: Library;
  let served: Served;
  let holder: HolderConnection;
  beforeAll(async () => {
    lib = await library(22);
    served = await serve(lib.home);
    await untilSettled(served);
    holder = (await connectHolder(lib.home, { events: true }))!;
  }, 240_000);
  afterAll(async () => {
    holder?.close();
    await served?.stop();
    lib?.dispose();
  });

  it('keeps answering with the old model while the new one indexes; a stopped switch leaves searches on it', async () => {
    const events = eventLog(holder);
    const started = await holder.call('useModel', { id: LEFT_ID });
    expect(started).toMatchObject({ from: MODEL_ID, to: LEFT_ID, state: 'indexing', covered: 0, photos: PHOTOS });
    // The switch's run has committed a batch: a search now is answered, by the old model.
    await events.until((e) =>
      e.name === 'indexProgress' && e.payload.state === 'indexing' && e.payload.done > 0 ? e.payload : undefined,
    );
    const answer = await holder.call('search', { query: 'a red circle', top: 5 });
    expect(answer.results.length).toBeGreaterThan(0);
    expect(answer.queryBits).toBeGreaterThan(0.5);
    const during = await holder.call('status', {});
    expect(during.model?.id).toBe(MODEL_ID);
    expect(during.modelSwitch).toMatchObject({ to: LEFT_ID });
    await holder.call('cancelIndexing', {});
    const stopped = await events.until((e) => switchState('cancelled')(e) ?? switchState('switched')(e));
    // The run had far more than a batch left when it was stopped (PHOTOS photos, batches of 8).
    expect(stopped.state).toBe('cancelled');
    const after = await holder.call('status', {});
    expect(after.model?.id).toBe(MODEL_ID);
    expect(settingsModel(lib.home)).toBe(MODEL_ID);
    const partial = vectorRows(lib.home).get(LEFT_ID)?.covered ?? 0;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(PHOTOS);
    expectVectorsReported(lib.home, after.vectors ?? [], MODEL_ID);
  }, 240_000);

  it('through the CLI: resumes, embeds only what is missing, then searches use the new model', async () => {
    const partial = vectorRows(lib.home).get(LEFT_ID)?.covered ?? 0;
    const events = eventLog(holder);
    const runEnd = events.until((e) => (e.name === 'indexProgress' && e.payload.summary ? e.payload : undefined));
    const result = await runEidos(lib.home, ['models', 'use', LEFT_ID, '--json'], { timeoutMs: 240_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      from: MODEL_ID,
      to: LEFT_ID,
      state: 'switched',
      covered: PHOTOS,
    });
    const run: IndexProgress = await runEnd;
    expect(run.summary?.encoded).toBe(PHOTOS - partial);
    const status = await holder.call('status', {});
    expect(status.model?.id).toBe(LEFT_ID);
    expect(settingsModel(lib.home)).toBe(LEFT_ID);
    expect(vectorRows(lib.home).get(LEFT_ID)?.covered).toBe(PHOTOS);
    expectVectorsReported(lib.home, status.vectors ?? [], LEFT_ID);
    // synthetic-tiny-left is blind to colour presence over the whole view (models/synthetic/left-half.ts): a colour
    // named without a place carries nothing for it, where synthetic-tiny found red circles above.
    const answer = await holder.call('search', { query: 'a red circle', top: 5 });
    expect(answer.results).toEqual([]);
    expect(answer.queryBits).toBeLessThan(0.01);
    const compared = await holder.call('compareModels', { a: MODEL_ID, b: LEFT_ID, k: 5 });
    expect(compared.photos).toBe(PHOTOS);
  }, 300_000);
});

describe('a switch interrupted by closing eidos serve', () => {
  let lib: Library;
  beforeAll(async () => {
    lib = await library(23);
  }, 240_000);
  afterAll(() => lib?.dispose());

  it('goes on when it starts again, and searches switch once the new model covers the library', async () => {
    const first = await serve(lib.home);
    await untilSettled(first);
    const holder = (await connectHolder(lib.home, { events: true }))!;
    const events = eventLog(holder);
    await holder.call('useModel', { id: LEFT_ID });
    await events.until((e) =>
      e.name === 'indexProgress' && e.payload.state === 'indexing' && e.payload.done > 0 ? e.payload : undefined,
    );
    holder.close();
    await first.stop();
    // Stopped in the middle (PHOTOS photos, batches of 8): still on the old model, the switch remembered.
    expect(settingsModel(lib.home)).toBe(MODEL_ID);
    expect(vectorRows(lib.home).get(LEFT_ID)?.covered ?? 0).toBeLessThan(PHOTOS);

    const second = await serve(lib.home);
    try {
      const again = (await connectHolder(lib.home, { events: true }))!;
      try {
        const later = eventLog(again);
        // The switch may have completed before this connection listened: its status says so too.
        const status = await again.call('status', {});
        if (status.modelSwitch?.state !== 'switched') await later.until(switchState('switched'));
        expect((await again.call('status', {})).model?.id).toBe(LEFT_ID);
      } finally {
        again.close();
      }
      expect(settingsModel(lib.home)).toBe(LEFT_ID);
      expect(vectorRows(lib.home).get(LEFT_ID)?.covered).toBe(PHOTOS);
    } finally {
      await second.stop();
    }
  }, 300_000);
});
