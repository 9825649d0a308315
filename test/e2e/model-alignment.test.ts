import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelComparison } from '../../app/contract/types.ts';
import { runEidos } from '../helpers/eidos-cli.ts';
import { prepareHome, REPO, serve, type PreparedHome, type Served } from '../helpers/serve-fixture.ts';
import { launchChromium } from './browser.ts';

/**
 * Settings → "How closely two models agree" in Chromium against a real `eidos serve`: 60 synthetic photos
 * indexed with synthetic-tiny and synthetic-tiny-left. The panel shows what `eidos compare-models --json`
 * computes, and the thumbnails of the photos the two models disagree on load. Screenshot in
 * test-results/screenshots/model-alignment.png.
 */
const SHOTS = join(REPO, 'test-results/screenshots');

let browser: Browser;
let library: PreparedHome;
let served: Served;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  library = await prepareHome({ synthCount: 60, withImagenet: false });
  for (const args of [
    ['models', 'fetch', 'synthetic-tiny-left'],
    ['index', '--model', 'synthetic-tiny-left'],
  ])
    expect((await runEidos(library.home, args)).code).toBe(0);
  served = await serve(library.home);
}, 240_000);

afterAll(async () => {
  await served?.stop();
  await browser?.close();
  await library?.remove();
});

describe('the model alignment panel in Settings', () => {
  it('shows the alignment, its chance level and interval, CKA and the most-disagreeing photos', async () => {
    const cli = await runEidos(library.home, ['compare-models', 'synthetic-tiny', 'synthetic-tiny-left', '--json']);
    expect(cli.code).toBe(0);
    const expected = JSON.parse(cli.stdout) as ModelComparison;

    const page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
    await page.goto(served.url);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const panel = page.locator('section', { has: page.getByRole('heading', { name: 'How closely two models agree' }) });
    await panel.getByLabel('Model A').selectOption('synthetic-tiny');
    await panel.getByLabel('Model B').selectOption('synthetic-tiny-left');
    await panel.getByRole('button', { name: 'Compare' }).click();
    await panel.getByText('Where they disagree most').waitFor({ timeout: 60_000 });

    const figures = panel.getByLabel('Alignment', { exact: true });
    await expect.poll(() => figures.textContent(), { timeout: 30_000 }).toContain(expected.mutualKnn.toFixed(3));
    const text = (await figures.textContent()) ?? '';
    expect(text).toContain(expected.chance.toFixed(4));
    expect(text).toContain(`${expected.interval.low.toFixed(3)}–${expected.interval.high.toFixed(3)}`);
    expect(text).toContain(expected.cka.toFixed(3));
    // N is stated: 60 photos, fewer than the 1,024 sampled by default, so every one.
    expect(await panel.locator('.sample-size').textContent()).toContain(
      `N = ${expected.photos} photos, every distinct photo both models have indexed`,
    );
    const first = expected.disagreements[0]!;
    await expect
      .poll(() => panel.locator('.disagreements figcaption').first().textContent(), { timeout: 30_000 })
      .toBe(`${first.overlap} of ${expected.k} neighbours shared`);
    // Every thumbnail (the photos and their neighbours on both sides) decodes.
    const images = panel.locator('.disagreements img');
    expect(await images.count()).toBeGreaterThan(6);
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLImageElement>('.disagreements img')].every((img) => img.complete),
      undefined,
      { timeout: 30_000 },
    );
    const broken = await images.evaluateAll((all) =>
      (all as HTMLImageElement[]).filter((img) => img.naturalWidth === 0).map((img) => img.alt),
    );
    expect(broken).toEqual([]);
    await panel.screenshot({ path: join(SHOTS, 'model-alignment.png') });
    await page.close();
  }, 120_000);
});
