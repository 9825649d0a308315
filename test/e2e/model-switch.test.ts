import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEidos } from '../helpers/eidos-cli.ts';
import { prepareHome, serve, untilSettled, type PreparedHome, type Served } from '../helpers/serve-fixture.ts';
import { launchChromium } from './browser.ts';

/**
 * Settings → Models → "Use this model" in Chromium against a real `eidos serve`: 120 synthetic photos
 * indexed with synthetic-tiny, then the user switches to synthetic-tiny-left. The view waits for what the
 * page shows (the switch's progress, then the "in use" badge), never for a time; what it shows is checked
 * against the index read with SQL and settings.json.
 */
const PHOTOS = 120;

let browser: Browser;
let library: PreparedHome;
let served: Served;

beforeAll(async () => {
  browser = await launchChromium();
  library = await prepareHome({ synthCount: PHOTOS, withImagenet: false });
  expect((await runEidos(library.home, ['models', 'fetch', 'synthetic-tiny-left'])).code).toBe(0);
  served = await serve(library.home);
  await untilSettled(served);
}, 240_000);

afterAll(async () => {
  await served?.stop();
  await browser?.close();
  await library?.remove();
});

/** Vectors per model in the index, and their bytes, read with SQL. */
function vectorBytes(home: string): Map<string, { vectors: number; bytes: number }> {
  const db = new Database(join(home, 'index.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(
        'SELECT model_id AS model, count(*) AS vectors, sum(length(vector)) AS bytes FROM embeddings GROUP BY model_id',
      )
      .all() as Array<{ model: string; vectors: number; bytes: number }>;
    return new Map(rows.map((r) => [r.model, { vectors: r.vectors, bytes: r.bytes }]));
  } finally {
    db.close();
  }
}

describe('switching the model in Settings', () => {
  it('indexes with the new model while the old one answers, then uses it; both models show their disk use', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    await page.goto(served.url);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const left = page.locator('li.model', { hasText: 'left half only' });
    await left.getByRole('button', { name: 'Use this model' }).click();
    // Done when the badge moves: the switch completed and the list was read again.
    await left.locator('.badge', { hasText: 'in use' }).waitFor({ timeout: 120_000 });
    const settings = JSON.parse(readFileSync(join(library.home, 'settings.json'), 'utf8')) as { model: string };
    expect(settings.model).toBe('synthetic-tiny-left');
    const rows = vectorBytes(library.home);
    expect(rows.get('synthetic-tiny-left')?.vectors).toBe(PHOTOS);
    expect(rows.get('synthetic-tiny')?.vectors).toBe(PHOTOS);
    // Each model's line says how many photos it indexed and the bytes of its vectors (same units as the app's formatBytes).
    const tiny = page.locator('li.model', { hasText: 'Synthetic test model' }).filter({ hasNotText: 'left half only' });
    await expect.poll(() => tiny.textContent()).toContain(`${PHOTOS} photos indexed with it`);
    expect(await tiny.textContent()).toContain('kept: switching back is immediate');
    expect(await left.textContent()).toContain(`${PHOTOS} photos indexed with it`);
    await page.close();
  }, 180_000);
});
