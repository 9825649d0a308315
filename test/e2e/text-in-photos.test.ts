/**
 * Issue 23 part 5, the search side: words in photos seen in the UI of a real `eidos serve` in Chromium,
 * and `eidos search` printing the matched words. The test draws a photo with known
 * text at known places (DejaVu Sans Mono, whose every glyph is 0.602 em wide, so each line's box is
 * computed, not measured) and writes exactly that text and those boxes into photo_text, as a reader
 * would, stamped with this machine's reader (so serve's text pass takes it as read and never reads it
 * again over the test's rows). That is the truth the overlay's position, the selection, the copy and the highlight are checked
 * against. Screenshots: test-results/screenshots/text-results.png, text-detail.png, text-selected.png,
 * text-near.png.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecognisedLine, RecognisedText, TextPoint, TextQuad } from '../../app/contract/photo-text.ts';
import type { SearchResponse } from '../../app/contract/types.ts';
import { indexPath } from '../../app/paths.ts';
import { PORTABLE_READER } from '../../app/ocr/text-reader.ts';
import { launchChromium } from './browser.ts';
import { contentHashOf, putPhotoText } from '../helpers/photo-text-rows.ts';
import { prepareHome, REPO, serve, untilSettled, type PreparedHome, type Served } from '../helpers/serve-fixture.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 600_000 });

const run = promisify(execFile);
const SHOTS = join(REPO, 'test-results/screenshots');
const WIDTH = 900;
const HEIGHT = 600;
const EM = 0.602; // DejaVu Sans Mono's advance width, in em

/** A line drawn at baseline (x, y), `size` px, turned `angle` degrees about its start. */
interface Drawn {
  text: string;
  x: number;
  y: number;
  size: number;
  angle: number;
}
const DRAWN: Drawn[] = [
  { text: 'WALMART SUPERCENTER', x: 90, y: 130, size: 52, angle: 0 },
  { text: 'Café Crème 3.20', x: 90, y: 260, size: 44, angle: 0 },
  { text: 'TOTAL $12.50', x: 120, y: 470, size: 56, angle: -12 },
];

function rotate(p: TextPoint, about: TextPoint, degrees: number): TextPoint {
  const r = (degrees * Math.PI) / 180;
  const dx = p.x - about.x;
  const dy = p.y - about.y;
  return { x: about.x + dx * Math.cos(r) - dy * Math.sin(r), y: about.y + dx * Math.sin(r) + dy * Math.cos(r) };
}

/** The box of `text` starting `offset` characters into a drawn line: ascent 0.8 em above the baseline, descent 0.2 below. */
function quadOf(line: Drawn, offset: number, text: string): TextQuad {
  const left = line.x + offset * EM * line.size;
  const right = left + text.length * EM * line.size;
  const top = line.y - 0.8 * line.size;
  const bottom = line.y + 0.2 * line.size;
  const at = { x: line.x, y: line.y };
  return [
    rotate({ x: left, y: top }, at, line.angle),
    rotate({ x: right, y: top }, at, line.angle),
    rotate({ x: right, y: bottom }, at, line.angle),
    rotate({ x: left, y: bottom }, at, line.angle),
  ];
}

function truthOf(): RecognisedText {
  const lines: RecognisedLine[] = DRAWN.map((line) => {
    let offset = 0;
    const words = line.text.split(' ').map((word) => {
      const quad = quadOf(line, offset, word);
      offset += word.length + 1;
      return { text: word, confidence: 1, quad };
    });
    return { text: line.text, confidence: 1, quad: quadOf(line, 0, line.text), words };
  });
  return { reader: PORTABLE_READER, width: WIDTH, height: HEIGHT, lines };
}

async function drawPhoto(path: string): Promise<void> {
  const texts = DRAWN.map(
    (l) =>
      `<text x="${l.x}" y="${l.y}" font-family="DejaVu Sans Mono" font-size="${l.size}" fill="#202020" transform="rotate(${l.angle} ${l.x} ${l.y})">${l.text.replace('&', '&amp;')}</text>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}"><rect width="100%" height="100%" fill="#f4efe4"/>${texts}</svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toFile(path);
}

let library: PreparedHome;
let browser: Browser;
let served: Served;
let page: Page;
let receipt: string;

const eidos = async (args: string[]): Promise<string> =>
  (
    await run(process.execPath, [join(REPO, 'bin/eidos.js'), ...args], {
      cwd: REPO,
      env: { ...process.env, EIDOS_HOME: library.home },
      maxBuffer: 64 * 1024 * 1024,
    })
  ).stdout;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  library = await prepareHome({ synthCount: 24, withImagenet: false });
  const folder = join(library.home, '..', 'text');
  mkdirSync(folder);
  receipt = join(folder, 'receipt.jpg');
  await drawPhoto(receipt);
  await eidos(['index', folder]);
  const db = new Database(indexPath(library.home));
  try {
    putPhotoText(db, contentHashOf(db, receipt), truthOf());
  } finally {
    db.close();
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await library?.remove();
});

describe('eidos search prints the matched words', () => {
  it('lists the words found in the photo under it, with their bits', async () => {
    const text = await eidos(['search', 'walmart 12.50', '--top', '3']);
    const lines = text.split('\n');
    expect(lines[0]).toContain(receipt);
    // 25 photos, each word in one: log2(25) = 4.64 bits.
    expect(lines[1]).toMatch(/words: 'WALMART' 4\.6 bits, '12\.50' 4\.6 bits/);
    const json = JSON.parse(await eidos(['search', 'walmart 12.50', '--top', '3', '--json'])) as SearchResponse;
    expect(json.results[0]!.matchedWords!.map((w) => w.text)).toEqual(['WALMART', '12.50']);
  });

  it('says when a word was found one edit away, as the reader may have misread it', async () => {
    // "walmarx" is WALMART with its last letter changed: found in the receipt, the one photo near it.
    const text = await eidos(['search', 'walmarx 12.50', '--top', '3']);
    const lines = text.split('\n');
    expect(lines[0]).toContain(receipt);
    expect(lines[1]).toMatch(/words: 'walmarx' ≈ 'WALMART' in the photo 4\.6 bits, '12\.50' 4\.6 bits/);
  });
});

describe('words in photos in the UI', () => {
  beforeAll(async () => {
    served = await serve(library.home);
    await untilSettled(served);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.origin });
    page = await context.newPage();
    await page.goto(served.url);
    await page.locator('#query').waitFor();
  });

  it('highlights the matched words on the result card', async () => {
    await page.locator('#query').fill('walmart creme');
    await page.waitForFunction(
      () => document.querySelector('.results')?.getAttribute('data-query') === 'walmart creme',
    );
    const first = page.locator('[role="option"]').first();
    await expect.poll(() => first.locator('mark.words').textContent()).toBe('WALMART · Crème');
    await page.screenshot({ path: join(SHOTS, 'text-results.png') });
  });

  it('draws the text boxes over the photo where the text is, and highlights the matched words', async () => {
    await page.locator('[role="option"]').first().click();
    const layer = page.locator('.text-layer');
    await layer.waitFor();
    await page.locator('.detail img').evaluate((img: HTMLImageElement) => img.decode());
    await expect.poll(() => page.locator('.text-layer .line-text').count()).toBe(DRAWN.length);
    expect(await page.locator('.text-layer .highlight').count()).toBe(2); // WALMART and Crème
    await page.screenshot({ path: join(SHOTS, 'text-detail.png') });
    // The first line's box on screen is where the truth says, scaled as the photo is shown.
    const image = (await page.locator('.detail img').boundingBox())!;
    const scale = image.width / WIDTH;
    expect(image.height / HEIGHT).toBeCloseTo(scale, 2);
    const box = (await page.locator('.text-layer .line-box').first().boundingBox())!;
    const [topLeft, topRight, , bottomLeft] = truthOf().lines[0]!.quad;
    // Centres to within a pixel; sizes to within the outline's stroke, which the screen box includes.
    expect(box.x + box.width / 2).toBeCloseTo(image.x + ((topLeft.x + topRight.x) / 2) * scale, 0);
    expect(box.y + box.height / 2).toBeCloseTo(image.y + ((topLeft.y + bottomLeft.y) / 2) * scale, 0);
    expect(Math.abs(box.width - (topRight.x - topLeft.x) * scale)).toBeLessThan(10);
    expect(Math.abs(box.height - (bottomLeft.y - topLeft.y) * scale)).toBeLessThan(10);
  });

  it('lets the text be selected with the mouse and copied', async () => {
    // Drag across the first line, as a user selects it.
    const line = (await page.locator('.text-layer .line-box').first().boundingBox())!;
    await page.mouse.move(line.x + 2, line.y + line.height / 2);
    await page.mouse.down();
    await page.mouse.move(line.x + line.width - 2, line.y + line.height / 2, { steps: 8 });
    await page.mouse.up();
    const selected = await page.evaluate(() => window.getSelection()?.toString() ?? '');
    expect(selected.length).toBeGreaterThan(10);
    expect('WALMART SUPERCENTER').toContain(selected.trim());
    await page.screenshot({ path: join(SHOTS, 'text-selected.png') });
    await page.getByRole('button', { name: 'Copy text' }).click();
    await page.getByRole('button', { name: 'Text copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(DRAWN.map((l) => l.text).join('\n'));
  });

  it('marks a word found one edit away with ≈ on the card, and names both words in its title', async () => {
    await page.goto(served.url);
    await page.locator('#query').fill('walmarx');
    await page.waitForFunction(() => document.querySelector('.results')?.getAttribute('data-query') === 'walmarx');
    const mark = page.locator('[role="option"]').first().locator('mark.words');
    await expect.poll(() => mark.textContent()).toBe('≈ WALMART');
    expect(await mark.getAttribute('title')).toMatch(/^words in the photo: 'walmarx' ≈ 'WALMART' \(\d+\.\d bits\)$/);
    await page.screenshot({ path: join(SHOTS, 'text-near.png') });
  });
});
