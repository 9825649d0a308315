import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import {
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
 * The UI in Chromium against a real `eidos serve`: 200 synthetic photos (descriptions and colours
 * in labels.csv are the ground truth) plus the 500 imagenet-dev photos, indexed with the synthetic
 * model. Screenshots of each main view go to test-results/screenshots/.
 */
const SHOTS = join(REPO, 'test-results/screenshots');

let browser: Browser;
let library: PreparedHome;
let served: Served;
let page: Page;
let labels: LabelRow[];

const shoot = (target: Page, name: string) => target.screenshot({ path: join(SHOTS, `${name}.png`) });

/** Types `query` and waits until the grid shows the response to it. */
async function search(target: Page, query: string): Promise<void> {
  const before = await responsesShown(target);
  // Clear first: typing the query that is already there would (rightly) not search again.
  await target.locator('#query').fill('');
  await target.locator('#query').fill(query);
  await target.waitForFunction(
    (n) => Number(document.querySelector('.results')?.getAttribute('data-responses')) > n,
    before,
  );
}

async function responsesShown(target: Page): Promise<number> {
  return Number((await target.locator('.results').getAttribute('data-responses')) ?? 0);
}

/** File names of the results on screen, in grid order (options are labelled "<file>, <bits>"). */
async function resultNames(target: Page): Promise<string[]> {
  return target.$$eval('[role="option"]', (cells) =>
    cells.map((cell) => (cell.getAttribute('aria-label') ?? '').split(', ')[0] ?? ''),
  );
}

const coloursOf = (name: string): string[] | undefined =>
  labels.find((row) => basename(row.relativePath) === name)?.colours;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  library = await prepareHome({ synthCount: 200, withImagenet: true });
  labels = await readLabels(library.synthDir);
  served = await serve(library.home);
  // Nothing runs beside the tests: the start-up catch-up scan (which ends by refreshing the page's
  // counts) is over before the first search.
  await untilSettled(served);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await page.goto(served.url);
  await page.locator('#query').waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await library?.remove();
});

describe('search', () => {
  it('finds the photo a description was written for first', async () => {
    const counts = new Map<string, number>();
    for (const row of labels) counts.set(row.description, (counts.get(row.description) ?? 0) + 1);
    const target = labels.find((row) => counts.get(row.description) === 1)!;
    await search(page, target.description);
    const names = await resultNames(page);
    expect(names[0]).toBe(basename(target.relativePath));
    await shoot(page, 'search');
  });

  it('a −term removes the photos that show what it names', async () => {
    await search(page, 'red background');
    const withWhite = (await resultNames(page)).filter((name) => coloursOf(name)?.includes('white'));
    expect(withWhite.length).toBeGreaterThan(0);
    await search(page, 'red background -white');
    const names = await resultNames(page);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => coloursOf(name)?.includes('white'))).toEqual([]);
  });

  it('a folder filter narrows the results to that folder', async () => {
    await search(page, 'red background -white');
    const all = await resultNames(page);
    expect(all.some((name) => coloursOf(name) === undefined)).toBe(true);
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
    const before = await responsesShown(page);
    await page.getByLabel('Folder', { exact: true }).selectOption(library.synthDir);
    await page.waitForFunction(
      (n) => Number(document.querySelector('.results')?.getAttribute('data-responses')) > n,
      before,
    );
    // An unfiltered answer may be painted after the count moved (seen once in a clean-clone run): wait for
    // the grid to hold the filtered answer, whose photos are all synthetic ones (the ones with colours).
    await expect
      .poll(
        async () => {
          const names = await resultNames(page);
          return names.length > 0 && names.every((name) => coloursOf(name) !== undefined);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const narrowed = await resultNames(page);
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed.length).toBeLessThan(all.length);
    await shoot(page, 'search-filtered');
    await page.getByRole('button', { name: 'Clear filters', exact: true }).click();
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
  });

  it('says plainly when no photo stands out', async () => {
    await search(page, 'thing');
    await page.getByRole('heading', { name: 'No photo stands out' }).waitFor();
    expect(await page.locator('[role="option"]').count()).toBe(0);
    await shoot(page, 'no-photo-stands-out');
  });

  it('a slow answer to an earlier keystroke never replaces the answer to the last one', async () => {
    const counts = new Map<string, number>();
    for (const row of labels) counts.set(row.description, (counts.get(row.description) ?? 0) + 1);
    const target = labels.filter((row) => counts.get(row.description) === 1).at(-1)!;
    // The first request (the first keystroke searches at once) reaches the engine, but its answer is
    // held back until well after the last keystroke's answer is on screen.
    const held: string[] = [];
    let released: () => void = () => {};
    const release = new Promise<void>((resolve) => (released = resolve));
    // Newer input aborts the request in flight (renderer/src/lib/latest-only.ts): the page gives the held one up.
    let givenUp: () => void = () => {};
    const abandoned = new Promise<void>((resolve) => (givenUp = resolve));
    const onFailed = (request: Request): void => {
      if (request.url().endsWith('/api/search') && (request.postDataJSON() as { query: string }).query === held[0])
        givenUp();
    };
    page.on('requestfailed', onFailed);
    await page.route('**/api/search', async (route) => {
      if (held.length > 0) return route.continue();
      held.push((route.request().postDataJSON() as { query: string }).query);
      const answer = await route.fetch();
      await release;
      await route.fulfill({ response: answer }).catch(() => undefined); // the page may have aborted it
    });
    try {
      await page.locator('#query').fill('');
      await page.locator('#query').pressSequentially(target.description, { delay: 30 });
      await expect
        .poll(async () => (await resultNames(page))[0], { timeout: 15_000 })
        .toBe(basename(target.relativePath));
      const shown = await resultNames(page);
      expect(held).toHaveLength(1);
      expect(target.description.startsWith(held[0]!) && held[0] !== target.description).toBe(true);
      // The page has given the stale request up, so its answer, released now, has nowhere to land.
      await abandoned;
      released();
      expect(await resultNames(page)).toEqual(shown);
    } finally {
      released();
      page.off('requestfailed', onFailed);
      await page.unroute('**/api/search');
    }
  });
});

describe('explain and detail', () => {
  it('shows the features behind the results, and a click adds one to the query', async () => {
    await search(page, 'red background');
    await page.getByRole('button', { name: 'Why these results', exact: true }).click();
    const features = page.locator('ol[aria-label="Selected features"] li');
    await features.first().waitFor({ timeout: 30_000 });
    expect(await features.count()).toBeGreaterThan(0);
    await page.locator('svg[role="img"] rect').first().waitFor();
    await shoot(page, 'explain');
    const name = (await features.first().locator('.fname').textContent())?.trim() ?? '';
    const before = await responsesShown(page);
    await features
      .first()
      .getByRole('button', { name: `Add −${name} to the query` })
      .click();
    expect(await page.locator('#query').inputValue()).toContain(`-${name.includes(' ') ? `"${name}"` : name}`);
    // The edited query is searched at once; when no photo stands out for it any more, the panel goes
    // with its answer. Close it only once that answer is in, if it is still there.
    await page.waitForFunction(
      (n) => Number(document.querySelector('.results')?.getAttribute('data-responses')) > n,
      before,
    );
    const close = page.getByRole('button', { name: 'Close explanation', exact: true });
    if ((await close.count()) > 0) await close.click();
  });

  it('opens a photo with its preview and metadata, and Esc closes it', async () => {
    await search(page, 'red background');
    await page.locator('[role="option"]').first().click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    await dialog.locator('.preview img').waitFor();
    await page.waitForFunction(
      () => (document.querySelector<HTMLImageElement>('dialog[open] .preview img')?.naturalWidth ?? 0) > 0,
    );
    expect(await dialog.getByRole('button', { name: 'More like this', exact: true }).isVisible()).toBe(true);
    // Reveal/open need the desktop shell; the browser UI does not offer them.
    expect(await dialog.getByRole('button', { name: 'Show in folder', exact: true }).count()).toBe(0);
    await shoot(page, 'detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('arrow keys move through the grid and Enter opens the selected photo', async () => {
    await search(page, 'red background');
    await page.locator('#query').press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('[role="option"][aria-selected="true"]').getAttribute('aria-posinset')).toBe('2');
    await page.keyboard.press('Enter');
    await page.locator('dialog[open]').waitFor();
    await page.keyboard.press('Escape');
    // Closing is asynchronous: the dialog loses its open attribute (and hands focus back to the grid) at
    // once, but the page learns it from the close event, a task later; '/' pressed before that is ignored,
    // since a photo is still open for the page. The dialog element goes when the page has closed it.
    await page.locator('dialog.detail').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'listbox');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('query');
  });
});

describe('library', () => {
  it('shows live indexing progress for a newly added folder', async () => {
    const added = join(library.home, '..', 'added');
    await synthesize(added, 150, 7);
    await page.getByRole('button', { name: 'Library', exact: true }).click();
    await page.locator('#folder-path').fill(added);
    await page.getByRole('button', { name: 'Add folder', exact: true }).click();
    await page.locator('progress[aria-label="Indexed photos"]').waitFor({ timeout: 30_000 });
    await shoot(page, 'library-indexing');
    await page.getByText('Up to date').waitFor({ timeout: 90_000 });
    await page.locator('table[aria-label="Indexed folders"] td', { hasText: added }).waitFor();
    await shoot(page, 'library');
  });

  it('shows the settings with the model in use', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByText('synthetic-tiny').first().waitFor();
    await shoot(page, 'settings');
  });
});

describe('themes and first run', () => {
  it('renders the dark theme', async () => {
    const dark = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await dark.goto(served.url);
    await dark.locator('#query').waitFor();
    await search(dark, 'red background');
    const background = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(20, 21, 23)');
    await shoot(dark, 'search-dark');
    await dark.close();
  });

  it('greets a new user with folders, model download and the privacy promise', async () => {
    const fresh = await prepareHome({ synthCount: 0, withImagenet: false, empty: true });
    const empty = await serve(fresh.home);
    try {
      const first = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
      await first.goto(empty.url);
      await first.getByRole('heading', { name: 'Find your photos by describing them' }).waitFor();
      expect(await first.getByText('Nothing leaves this computer.').isVisible()).toBe(true);
      expect(await first.locator('#folder-path').isVisible()).toBe(true);
      expect(await first.getByRole('button', { name: 'Download', exact: true }).count()).toBeGreaterThan(0);
      // One model is recommended for this machine, with the reason.
      expect(await first.getByText('recommended here').count()).toBe(1);
      expect(await first.getByText(/^Why: /).count()).toBeGreaterThan(0);
      // MobileCLIP2-S2: its licence named and linked; nothing downloads until it is accepted.
      const row = first.locator('li.model', { has: first.getByText('MobileCLIP2-S2', { exact: true }) });
      expect(await row.getByText(/Apple Machine Learning Research Model License/).isVisible()).toBe(true);
      expect(await row.getByText('https://github.com/apple/ml-mobileclip/blob/main/LICENSE_MODELS').isVisible()).toBe(
        true,
      );
      const download = row.getByRole('button', { name: 'Download', exact: true });
      expect(await download.isDisabled()).toBe(true);
      await row.getByRole('checkbox').check();
      expect(await download.isEnabled()).toBe(true);
      // SigLIP 2, the one model whose card names languages beyond English, is marked for them, with its
      // published COCO figure and source; the English-only models are not.
      expect(await first.getByText('for other languages', { exact: true }).count()).toBe(1);
      const siglip = first.locator('li.model', { has: first.getByText(/^SigLIP 2 B\/16 \(int8\), multilingual/) });
      expect(await siglip.getByText('for other languages', { exact: true }).isVisible()).toBe(true);
      expect(await siglip.getByText(/52\.1 % on COCO/).isVisible()).toBe(true);
      expect(await siglip.getByText(/arXiv:2502\.14786/).isVisible()).toBe(true);
      await shoot(first, 'first-run');
      await first.close();
    } finally {
      await empty.stop();
      await fresh.remove();
    }
  });
});

describe('access', () => {
  it('refuses requests without the token', async () => {
    const api = await fetch(`${served.origin}/api/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(api.status).toBe(403);
    const wrong = await fetch(`${served.origin}/api/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer nope' },
      body: '{}',
    });
    expect(wrong.status).toBe(403);
    const stranger = await browser.newPage();
    const answer = await stranger.goto(served.origin);
    expect(answer?.status()).toBe(403);
    await stranger.close();
    const allowed = await fetch(`${served.origin}/api/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${served.token}` },
      body: '{}',
    });
    expect(allowed.status).toBe(200);
  });
});
