import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MapProgress } from '../../app/contract/types.ts';
import { launchChromium } from './browser.ts';
import { prepareHome, serve, type PreparedHome, type Served } from '../helpers/serve-fixture.ts';

// The Map view while a large library's first layout runs: the real UI in Chromium, its API answered by
// the page (a `map` request that stays open, as a long layout's does, and a mapProgress event on the
// event stream), shows the phase, share done and time to go, and its Cancel button asks the engine to
// cancel (cancelMap), after which the view says the layout was cancelled.
let browser: Browser;
let library: PreparedHome;
let served: Served;
let page: Page;
let heldMap: Route | undefined;
let cancelAsked = false;

const PROGRESS: MapProgress = {
  state: 'running',
  run: 1,
  photos: 100_000,
  phase: 'layout',
  fraction: 0.52,
  etaSeconds: 75,
};

beforeAll(async () => {
  library = await prepareHome({ synthCount: 0, withImagenet: false, empty: true });
  served = await serve(library.home);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.route('**/api/status', (route) =>
    route.fulfill({
      json: {
        version: 'test',
        photos: 100_000,
        folders: 1,
        model: { id: 'test', executionProvider: 'cpu' },
        indexing: { state: 'idle', done: 0, total: 0, skipped: 0 },
        ready: true,
      },
    }),
  );
  await page.route('**/api/listFolders', (route) =>
    route.fulfill({ json: [{ path: '/photos', photos: 100_000, skipped: 0, watching: false }] }),
  );
  await page.route('**/api/map', (route) => {
    heldMap = route; // answered only when the layout ends (here: when it is cancelled)
  });
  // Each connection gets the event and ends; the page reconnects after `retry` ms and gets it again, as
  // an engine repeats its progress while a layout runs (every 250 ms), whenever the view subscribed.
  await page.route('**/api/events', (route) =>
    route.fulfill({
      contentType: 'text/event-stream',
      body: `retry: 300\n\nevent: mapProgress\ndata: ${JSON.stringify(PROGRESS)}\n\n`,
    }),
  );
  await page.route('**/api/cancelMap', async (route) => {
    cancelAsked = true;
    await route.fulfill({ json: { ok: true } });
    await heldMap?.fulfill({
      status: 409,
      json: { error: { code: 'CANCELLED', message: 'The map layout was cancelled; the stored map is unchanged.' } },
    });
  });
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Map' }).click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await library?.remove();
});

describe('the Map view during a layout', () => {
  it('shows the phase, the share done and the time to go', async () => {
    const status = page.getByTestId('map-progress');
    await status.waitFor({ timeout: 30_000 });
    const text = (await status.textContent()) ?? '';
    expect(text).toMatch(/Laying out the map of 100,000 photos… 52 %/);
    expect(text).toMatch(/about 1 min 15 s to go/);
    await expect(status.locator('progress').getAttribute('value')).resolves.toBe('0.52');
  });

  it('cancels the layout from its Cancel button', async () => {
    await page.getByTestId('map-progress').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('alert').filter({ hasText: 'cancelled' }).waitFor({ timeout: 30_000 });
    expect(cancelAsked).toBe(true);
  });
});
