import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import {
  IMAGENET_DEV,
  prepareHome,
  readLabels,
  REPO,
  serve,
  synthesize,
  untilSettled,
  type LabelRow,
  type PreparedHome,
  type Served,
} from '../helpers/serve-fixture.ts';

/**
 * Live folders seen from the page, against a real `eidos serve` (watching is on by default): a photo
 * copied into a library folder appears in the open search without retyping, and the Library shows
 * each folder as watched and a damaged file among the skipped ones. About 30 s (the synthetic model,
 * 40 small photos, Chromium). Screenshots: test-results/screenshots/library-live.png, photo-menu-browser.png.
 */
const SHOTS = join(REPO, 'test-results/screenshots');

let browser: Browser;
let library: PreparedHome;
let served: Served;
let page: Page;
let staging: string;
let staged: LabelRow[];

beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
  library = await prepareHome({ synthCount: 40, withImagenet: false });
  // Photos of another seed, not in the library yet: copied in while the page is open.
  staging = await mkdtemp(join(tmpdir(), 'eidos-staged-'));
  await synthesize(staging, 6, 11);
  staged = await readLabels(staging);
  served = await serve(library.home);
  // The start-up catch-up scan is over before the page opens: every run from here is one a test caused.
  await untilSettled(served);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  await page.goto(served.url);
  await page.locator('#query').waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await library?.remove();
  if (staging) await rm(staging, { recursive: true, force: true });
});

const firstResultName = (target: Page): Promise<string | undefined> =>
  target.$$eval('[role="option"]', (cells) => (cells[0]?.getAttribute('aria-label') ?? '').split(', ')[0]);

describe('a watched library, seen from the page', () => {
  it('a photo copied into the folder appears in the open search, without typing again', async () => {
    const row = staged.find((label) => label.description.length > 0)!;
    const name = basename(row.relativePath);
    await page.locator('#query').fill(row.description);
    await page.waitForFunction(() => Number(document.querySelector('.results')?.getAttribute('data-responses')) > 0);
    expect(await firstResultName(page)).not.toBe(name);
    const typedResponses = Number(await page.locator('.results').getAttribute('data-responses'));

    copyFileSync(join(staging, row.relativePath), join(library.synthDir, name));
    // The engine indexes the change and says so on the event stream; the page runs the query again.
    await page.waitForFunction(
      (expected) =>
        (document.querySelector('[role="option"]')?.getAttribute('aria-label') ?? '').startsWith(`${expected},`),
      name,
      { timeout: 90_000 },
    );
    expect(Number(await page.locator('.results').getAttribute('data-responses'))).toBeGreaterThan(typedResponses);
    expect(await page.locator('#query').inputValue()).toBe(row.description);
  });

  it('in a browser a photo offers only what a page can do: its right-click menu copies the path', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.origin });
    const first = page.locator('[role="option"]').first();
    const name = ((await first.getAttribute('aria-label')) ?? '').split(', ')[0]!;
    await first.click({ button: 'right' });
    const menu = page.locator('[role="menu"][aria-label="Photo actions"]');
    await menu.waitFor();
    // Reveal, Open and Quick Look need the desktop shell: not offered here.
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Copy path']);
    await page.screenshot({ path: join(SHOTS, 'photo-menu-browser.png') });
    await menu.getByRole('menuitem', { name: 'Copy path' }).click();
    await menu.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(join(library.synthDir, name));
  });

  it('the Library shows the folder as watched and a damaged file among the skipped ones, with its reason', async () => {
    const broken = join(library.synthDir, 'cut-short.jpg');
    const real = readFileSync(join(IMAGENET_DEV, 'images', 'n01440764_tench.JPEG'));
    writeFileSync(broken, real.subarray(0, 4000));
    await page.getByRole('button', { name: 'Library', exact: true }).click();
    const row = page.locator('table[aria-label="Indexed folders"] tr', { hasText: library.synthDir });
    await row.getByText('watching').waitFor();
    const skipped = page.locator('ul[aria-label="Skipped files"] li', { hasText: broken });
    await skipped.waitFor({ timeout: 90_000 });
    expect(await skipped.textContent()).toMatch(/DECODE_FAILED/);
    await page.getByText('Up to date').waitFor({ timeout: 90_000 });
    await page.screenshot({ path: join(SHOTS, 'library-live.png'), fullPage: true });
  });
});
