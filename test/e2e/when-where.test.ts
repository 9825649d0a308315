/**
 * Issue 25 in the UI: dates and places read from the query become chips (what was understood, how many
 * photos each allows, × to remove, another place of the same name to choose), result cards show where
 * each photo was taken, and the Filters panel takes a place. Real GPS photos (exif-edge) beside
 * synthetic ones, a real `eidos serve`, Chromium.
 * Screenshots: test-results/screenshots/when-where-chips.png, when-where-alternatives.png.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium } from './browser.ts';
import { prepareHome, REPO, serve, untilSettled, type PreparedHome, type Served } from '../helpers/serve-fixture.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 600_000 });

const SHOTS = join(REPO, 'test-results/screenshots');
const EXIF = join(REPO, '../shared/photos/exif-edge/files/jpg/gps');
const TUSCANY = ['0010', '0012', '0021', '0025', '0027', '0029', '0038', '0040', '0042'].map((n) => `DSCN${n}.jpg`);

let library: PreparedHome;
let browser: Browser;
let served: Served;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  library = await prepareHome({ synthCount: 12, withImagenet: false });
  const trips = join(library.synthDir, '..', 'trips');
  mkdirSync(trips);
  for (const name of TUSCANY) copyFileSync(join(EXIF, name), join(trips, name));
  await promisify(execFile)(process.execPath, [join(REPO, 'bin/eidos.js'), 'index', trips], {
    env: { ...process.env, EIDOS_HOME: library.home },
  });
  served = await serve(library.home);
  await untilSettled(served);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  await page.goto(served.url);
  await page.locator('#query').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await library?.remove();
});

const answered = (query: string): Promise<unknown> =>
  page.waitForFunction((want) => document.querySelector('.results')?.getAttribute('data-query') === want, query, {
    timeout: 60_000,
  });

describe('dates and places in the search box', () => {
  it('"photos in Italy 2008" shows two chips and the Tuscan photos with their town', async () => {
    await page.locator('#query').fill('photos in Italy 2008');
    await answered('photos in Italy 2008');
    const chips = page.locator('.chips .chip');
    await chips.first().waitFor();
    expect(await chips.count()).toBe(2);
    expect(await page.locator('.chip[data-kind="date"] .label').innerText()).toBe('2008');
    expect(await page.locator('.chip[data-kind="place"] .label').innerText()).toBe('Italy');
    expect(await page.locator('.chip[data-kind="place"] .count').innerText()).toBe(String(TUSCANY.length));
    // Listed, not ranked: no bits on the cards.
    expect(await page.locator('.caption .bits').count()).toBe(0);
    const places = await page.locator('.caption .place').allInnerTexts();
    expect(places.length).toBe(TUSCANY.length);
    expect(await page.locator('.caption .place').first().getAttribute('title')).toMatch(/, Tuscany, Italy$/);
    await page.screenshot({ path: join(SHOTS, 'when-where-chips.png') });
  });

  it('× removes a chip and its words', async () => {
    await page.locator('.chip[data-kind="date"] .remove').click();
    expect(await page.locator('#query').inputValue()).toBe('photos in Italy');
    await answered('photos in Italy');
    expect(await page.locator('.chips .chip').count()).toBe(1);
  });

  it('another place of the same name can be chosen, and an empty answer names the filter that emptied it', async () => {
    await page.locator('#query').fill('near Paris');
    await answered('near Paris');
    const other = page.locator('.chip[data-kind="place"] select');
    await other.waitFor();
    expect(await other.locator('option').allInnerTexts()).toContain('Paris, Texas, United States');
    expect(await page.locator('.results').innerText()).toContain("'near Paris'");
    await page.screenshot({ path: join(SHOTS, 'when-where-alternatives.png') });
    await other.selectOption('Paris, Texas');
    expect(await page.locator('#query').inputValue()).toBe('near Paris, Texas');
    await answered('near Paris, Texas');
    expect(await page.locator('.chip[data-kind="place"] .label').innerText()).toBe('Paris, Texas, United States');
  });

  it('the Filters panel completes place names from the library and filters by one', async () => {
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('#place-list option')].some((o) => (o as HTMLOptionElement).value === 'Arezzo'),
      undefined,
      { timeout: 60_000 },
    );
    const options = await page
      .locator('#place-list option')
      .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(options).toEqual(expect.arrayContaining(['Arezzo', 'Tuscany', 'Italy']));
    await page.getByLabel('Place', { exact: true }).fill('Arezzo');
    await page.getByLabel('Place', { exact: true }).dispatchEvent('change');
    await page.locator('#query').fill('2008');
    await answered('2008');
    expect(await page.locator('.caption .place').count()).toBe(TUSCANY.length);
    await page.screenshot({ path: join(SHOTS, 'when-where-filters.png') });
  });
});
