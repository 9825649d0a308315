import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { indexPath } from '../../app/paths.ts';
import { fingerprint } from '../helpers/same-index.ts';
import { damageNamed } from '../helpers/store-faults.ts';
import { launchChromium } from './browser.ts';
import { prepareHome, readLabels, REPO, serve, type PreparedHome, type Served } from '../helpers/serve-fixture.ts';

/**
 * A damaged index, from the app's side: its own `eidos serve` (the shared UI fixture is left alone)
 * over a synthetic library whose index lost a page of its files table. The page must say the photos
 * are safe, offer "Rebuild index", and after the rebuild search again — with every photo unchanged.
 */
const SHOTS = join(REPO, 'test-results/screenshots');

let browser: Browser;
let library: PreparedHome;
let served: Served | undefined;
let unreadable: PreparedHome | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  // 40 photos: enough rows that the files table has a leaf page below its root to zero.
  library = await prepareHome({ synthCount: 40, withImagenet: false });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await library?.remove();
  await unreadable?.remove();
});

it('shows the damage with a rebuild button; the rebuild brings search back and leaves every photo as it was', async () => {
  const photosBefore = fingerprint(library.synthDir);
  const file = indexPath(library.home);
  damageNamed('a zeroed leaf page of files').damage(file);
  const damagedBytes = await readFile(file);
  served = await serve(library.home);

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await page.goto(served.url);
  const banner = page
    .getByRole('alert')
    .filter({ has: page.getByRole('heading', { name: 'The index needs to be rebuilt' }) });
  await banner.waitFor();
  expect(await banner.getByText('Your photos are safe').isVisible()).toBe(true);
  expect(await banner.getByRole('list', { name: 'Folders to index again' }).textContent()).toContain(library.synthDir);
  await page.screenshot({ path: join(SHOTS, 'index-damaged.png') });

  await banner.getByRole('button', { name: 'Rebuild index', exact: true }).click();
  // The rebuild's progress shows in the library, as any indexing does, until the fresh index is complete.
  await page.getByText('Up to date').waitFor({ timeout: 90_000 });
  expect(await page.getByRole('heading', { name: 'The index needs to be rebuilt' }).count()).toBe(0);
  await page.locator('table[aria-label="Indexed folders"] td', { hasText: library.synthDir }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'index-rebuilt.png') });

  // Search works again: a description written for exactly one photo finds that photo first.
  const labels = await readLabels(library.synthDir);
  const counts = new Map<string, number>();
  for (const row of labels) counts.set(row.description, (counts.get(row.description) ?? 0) + 1);
  const target = labels.find((row) => counts.get(row.description) === 1)!;
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('#query').fill(target.description);
  const first = page.locator('[role="option"]').first();
  await first.waitFor({ timeout: 30_000 });
  expect((await first.getAttribute('aria-label'))?.split(', ')[0]).toBe(basename(target.relativePath));

  expect(fingerprint(library.synthDir)).toEqual(photosBefore);
  const aside = (await readdir(library.home)).filter((name) => /^index\.sqlite\.damaged-[\dT-]+Z$/.test(name));
  expect(aside).toHaveLength(1);
  expect((await readFile(join(library.home, aside[0] as string))).equals(damagedBytes)).toBe(true);
}, 180_000);

it('asks for the folders when the damaged index no longer names them, and rebuilds from the ones typed in', async () => {
  unreadable = await prepareHome({ synthCount: 8, withImagenet: false });
  const photosBefore = fingerprint(unreadable.synthDir);
  damageNamed('header overwritten with garbage').damage(indexPath(unreadable.home));
  const own = await serve(unreadable.home);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await page.goto(own.url);
    const folders = page.getByLabel(/Which folders should it index/);
    await folders.waitFor();
    const rebuild = page.getByRole('button', { name: 'Rebuild index', exact: true });
    expect(await rebuild.isDisabled()).toBe(true);
    await folders.fill(`${unreadable.synthDir}\n`);
    await page.screenshot({ path: join(SHOTS, 'index-damaged-folders-unknown.png') });
    await rebuild.click();
    await page.getByText('Up to date').waitFor({ timeout: 90_000 });
    const row = page.locator('table[aria-label="Indexed folders"] tr', {
      has: page.locator('td', { hasText: unreadable.synthDir }),
    });
    // The count a run leaves is read by the refresh its "done" starts: wait for that, not for the first row seen.
    await row.locator('td.num', { hasText: /^8$/ }).first().waitFor({ timeout: 30_000 });
    expect(await row.locator('td.num').first().textContent()).toBe('8');
    expect(fingerprint(unreadable.synthDir)).toEqual(photosBefore);
  } finally {
    await own.stop();
  }
}, 180_000);
