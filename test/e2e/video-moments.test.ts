import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
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
import { sceneStarts, writeSceneClip, type Scene } from '../helpers/video-clips.ts';

/**
 * A video result seen from the page, against a real `eidos serve`: a clip whose scenes are synthetic
 * photos held for known seconds (not in the library as photos), found by a scene's description. The grid
 * shows the clip once, at that scene's frame with its time; the detail plays it from that moment (the
 * player seeks through the media route's byte ranges) and marks its matching moments on the timeline.
 * Screenshots: test-results/screenshots/video-result.png, video-detail.png.
 */
const SHOTS = join(REPO, 'test-results/screenshots');
const run = promisify(execFile);

let browser: Browser;
let library: PreparedHome;
let served: Served;
let page: Page;
let clipDir: string;
let labels: LabelRow[];
let scenes: Scene[];

beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
  library = await prepareHome({ synthCount: 30, withImagenet: false });
  clipDir = await mkdtemp(join(tmpdir(), 'eidos-clip-'));
  const stills = join(clipDir, 'stills');
  await synthesize(stills, 5, 11);
  labels = await readLabels(stills);
  scenes = labels.map((label, k) => ({ image: join(stills, label.relativePath), seconds: [3, 4, 5, 3.5, 4][k]! }));
  mkdirSync(join(clipDir, 'videos'));
  await writeSceneClip(join(clipDir, 'videos', 'holiday.mp4'), scenes, {
    codec: 'h264',
    width: 640,
    height: 480,
    gop: 30,
  });
  await run(process.execPath, [join(REPO, 'bin/eidos.js'), 'index', join(clipDir, 'videos')], {
    env: { ...process.env, EIDOS_HOME: library.home },
    timeout: 120_000,
  });
  served = await serve(library.home);
  await untilSettled(served);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  await page.goto(served.url);
  await page.locator('#query').waitFor();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await library?.remove();
  if (clipDir) await rm(clipDir, { recursive: true, force: true });
});

const SCENE = 2;

describe('a video result, seen from the page', () => {
  it('shows the clip once, at the frame of the scene described, with its time', async () => {
    await page.locator('#query').fill(labels[SCENE]!.description);
    await page.waitForFunction(() => Number(document.querySelector('.results')?.getAttribute('data-responses')) > 0);
    const labelsShown = await page.$$eval('[role="option"]', (cells) =>
      cells.map((c) => c.getAttribute('aria-label') ?? ''),
    );
    expect(labelsShown.filter((label) => label.startsWith('holiday.mp4,'))).toHaveLength(1);
    expect(labelsShown[0]).toMatch(/^holiday\.mp4,/);
    const badge = (await page.locator('[role="option"]').first().locator('.moment').textContent()) ?? '';
    const [, m, s] = /(\d+):(\d\d)/.exec(badge) ?? [];
    expect(Math.abs(Number(m) * 60 + Number(s) - sceneStarts(scenes)[SCENE]!)).toBeLessThanOrEqual(1);
    // The frame is the moment's own (its media address names the time), not the video's first frame.
    expect(await page.locator('[role="option"]').first().locator('img').getAttribute('src')).toMatch(/\/moment\/\d+$/);
    await page.screenshot({ path: join(SHOTS, 'video-result.png') });
  }, 60_000);

  it('plays it from that moment in the detail, with the moment marked on the timeline', async () => {
    await page.locator('[role="option"]').first().click();
    const video = page.locator('dialog video');
    await video.waitFor();
    // The player has read the file's index through byte ranges and sought to the moment.
    await page.waitForFunction(
      () => {
        const element = document.querySelector('dialog video') as HTMLVideoElement | null;
        return element !== null && element.readyState >= 1 && element.currentTime > 0 && !element.seeking;
      },
      undefined,
      { timeout: 30_000 },
    );
    const at = await video.evaluate((element) => (element as HTMLVideoElement).currentTime);
    expect(Math.abs(at - sceneStarts(scenes)[SCENE]!)).toBeLessThanOrEqual(1);
    expect(await page.locator('dialog .timeline .mark.best').count()).toBe(1);
    const src = (await video.getAttribute('src')) ?? '';
    const part = await page.evaluate(async (src) => {
      const response = await fetch(src, { headers: { Range: 'bytes=100-199' } });
      return {
        status: response.status,
        bytes: (await response.arrayBuffer()).byteLength,
        range: response.headers.get('content-range'),
      };
    }, src);
    expect(part.status).toBe(206);
    expect(part.bytes).toBe(100);
    expect(part.range).toMatch(/^bytes 100-199\/\d+$/);
    await page.screenshot({ path: join(SHOTS, 'video-detail.png') });
  }, 60_000);

  it('"more like this" asks with the frame of that moment, which finds the clip at the same moment', async () => {
    const before = Number(await page.locator('.results').getAttribute('data-responses'));
    await page.locator('dialog button', { hasText: 'More like this' }).click();
    await page.waitForFunction(
      (count) => Number(document.querySelector('.results')?.getAttribute('data-responses')) > count,
      before,
    );
    expect(await page.locator('.like-chip').textContent()).toMatch(/holiday\.mp4 @ \d+:\d\d/);
    const first = page.locator('[role="option"]').first();
    expect(await first.getAttribute('aria-label')).toMatch(/^holiday\.mp4,/);
    const [, m, s] = /(\d+):(\d\d)/.exec((await first.locator('.moment').textContent()) ?? '') ?? [];
    expect(Math.abs(Number(m) * 60 + Number(s) - sceneStarts(scenes)[SCENE]!)).toBeLessThanOrEqual(1);
  }, 60_000);
});
