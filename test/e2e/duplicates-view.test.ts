import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuplicatesReport } from '../../app/contract/duplicates.ts';
import { makeHome, runEidos } from '../helpers/eidos-cli.ts';
import { writeDuplicateLibrary, type ExpectedGroups } from '../helpers/duplicate-library.ts';
import { REPO, serve, untilSettled, type Served } from '../helpers/serve-fixture.ts';
import { launchChromium } from './browser.ts';

/**
 * The Duplicates view in Chromium against a real `eidos serve`, on real photos with duplicates made on
 * purpose (test/helpers/duplicate-library.ts): the groups `eidos duplicates --json` lists, under their
 * tiers, with thumbnails that load and the photo to keep marked with its reason; moving one group's
 * others to the trash takes them off the disk's folder and Undo puts them back. Screenshot in
 * test-results/screenshots/duplicates.png.
 */
const SHOTS = join(REPO, 'test-results/screenshots');

let browser: Browser;
let home: string;
let dispose: () => void;
let expected: ExpectedGroups;
let served: Served;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  let scratch: string;
  ({ home, scratch, dispose } = await makeHome());
  expected = await writeDuplicateLibrary(scratch);
  expect((await runEidos(home, ['index', scratch])).code).toBe(0);
  served = await serve(home);
  await untilSettled(served);
}, 300_000);

afterAll(async () => {
  await served?.stop();
  await browser?.close();
  dispose?.();
});

describe('the Duplicates view', () => {
  it('groups the photos by tier, marks the one to keep with why, and moves the others to the trash with undo', async () => {
    const cli = await runEidos(home, ['duplicates', '--json']);
    const report = JSON.parse(cli.stdout) as DuplicatesReport;

    const page = await browser.newPage({ viewport: { width: 1200, height: 4000 } });
    await page.goto(served.url);
    await page.getByRole('button', { name: 'Duplicates', exact: true }).click();
    for (const [title, tier] of [
      ['Exact copies', 'exact'],
      ['Near-duplicates', 'near'],
      ['Bursts', 'burst'],
    ] as const) {
      const section = page.getByRole('region', { name: title });
      await section.waitFor({ timeout: 60_000 });
      expect(await section.locator('article').count()).toBe(report.groups.filter((g) => g.tier === tier).length);
    }
    // Every suggested keep is shown with its reason.
    for (const group of report.groups) await page.getByText(`★ ${group.members[0]!.reason}`).first().waitFor();
    // Tall enough for every group, so every lazily loaded thumbnail is in view and loads.
    await page.waitForFunction(() => [...document.querySelectorAll('img')].every((img) => img.complete), undefined, {
      timeout: 30_000,
    });
    const broken = await page
      .locator('article img')
      .evaluateAll((all) => (all as HTMLImageElement[]).filter((img) => img.naturalWidth === 0).map((img) => img.alt));
    expect(broken).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'duplicates.png'), fullPage: true });

    // The resized copy's group: move its other photo to the trash, then undo.
    const [, copy] = expected.near.find(([, c]) => c!.includes('near-resize'))!;
    const group = page.locator('article', { has: page.getByTitle(copy!) });
    await group.getByRole('button', { name: 'Move 1 to the trash' }).click();
    await page.getByText("Moved 1 photos to Eidos's trash folder").waitFor({ timeout: 30_000 });
    expect(existsSync(copy!)).toBe(false);
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Put back 1 photos.').waitFor({ timeout: 30_000 });
    expect(existsSync(copy!)).toBe(true);
    await page.close();
  }, 180_000);
});
