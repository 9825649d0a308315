import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryMap } from '../../app/contract/types.ts';
import { launchChromium } from './browser.ts';
import { prepareHome, serve, type PreparedHome, type Served } from '../helpers/serve-fixture.ts';

// The Map view in Chromium against a real `eidos serve` over 60 synthetic photos: the map the engine
// lays out is drawn, hovering a photo's point shows its thumbnail, clicking opens its detail, and a
// description lights the photos that stand out. Cost: ~25 s (indexing and the first layout).
const PHOTOS = 60;
let browser: Browser;
let library: PreparedHome;
let served: Served;
let page: Page;
let map: LibraryMap;

/** Where photo i is drawn at the fitted view (renderer/src/lib/map-camera.ts: the unit square, 92 % of the short side, centred). */
async function screenPoint(i: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('canvas').boundingBox())!;
  const k = Math.min(box.width, box.height) * 0.92;
  return {
    x: box.x + box.width / 2 + (map.xy[2 * i]! - 0.5) * k,
    y: box.y + box.height / 2 + (map.xy[2 * i + 1]! - 0.5) * k,
  };
}

beforeAll(async () => {
  library = await prepareHome({ synthCount: PHOTOS, withImagenet: false });
  served = await serve(library.home);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Map' }).click();
  await page.waitForFunction(
    (n) => Number(document.querySelector('canvas')?.getAttribute('data-photos')) === n,
    PHOTOS,
    { timeout: 60_000 },
  );
  map = await page.evaluate(async () => {
    const response = await fetch('./api/map', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    return (await response.json()) as LibraryMap;
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await library?.remove();
});

describe('the Map view', () => {
  it('shows every photo with its regions, and the thumbnail of the photo under the pointer', async () => {
    await expect(page.getByTestId('map-summary').textContent()).resolves.toContain(`${PHOTOS} photos`);
    const point = await screenPoint(0);
    await page.mouse.move(point.x, point.y);
    const tooltip = page.locator('.tooltip img');
    await tooltip.waitFor();
    // The hovered photo is the nearest one: photo 0, or a photo drawn on the same spot.
    const src = (await tooltip.getAttribute('src')) ?? '';
    const hovered = map.ids.indexOf(src.split('/')[2] ?? '');
    expect(Math.hypot(map.xy[2 * hovered]! - map.xy[0]!, map.xy[2 * hovered + 1]! - map.xy[1]!)).toBeLessThan(0.02);
  });

  it('opens the photo detail on a click', async () => {
    const point = await screenPoint(0);
    await page.mouse.click(point.x, point.y);
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expect(dialog.locator('img').first().getAttribute('src')).resolves.toMatch(/\/media\/\d+\/detail/);
    await page.keyboard.press('Escape');
  });

  it('lights the photos that stand out for a description', async () => {
    await page.getByPlaceholder(/Light up/).fill('red');
    await expect(
      page
        .getByRole('status')
        .filter({ hasText: /stands? out/ })
        .first()
        .textContent(),
    ).resolves.toMatch(/\d+ photos? stands? out/);
  });
});
