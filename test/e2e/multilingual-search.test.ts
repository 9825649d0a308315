/**
 * Issue 22 part 8: a search in any language, end to end, with the SigLIP 2 architecture twin (Gemma
 * tokenizer → twin towers → scoring kernels → results; the explanation over the English concept bank),
 * through the CLI and the UI of a real `eidos serve` in Chromium. The twin has no semantics, so which photo
 * a query ranks first is arbitrary (but fixed: the twin, the photos and the queries are deterministic); what
 * is checked is that every query runs, reaches the model as itself, and that a right-to-left query reads
 * right to left in the search box, in the explanation and, for a query that leaves no photo standing out
 * (whether one does depends on the twin's arbitrary geometry), in the message that quotes it; the splitting
 * of that message is unit-tested in test/unit/renderer/isolate-query.test.ts.
 * About 3–4 minutes on 2 cores: the first index embeds the 767-concept bank with the 64-token text tower.
 * Screenshots: test-results/screenshots/search-rtl.png, explain-rtl.png.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExplainResponse, SearchResponse } from '../../app/contract/types.ts';
import { launchChromium } from './browser.ts';
import { prepareHome, REPO, serve, untilSettled, type PreparedHome, type Served } from '../helpers/serve-fixture.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 900_000 });

const run = promisify(execFile);
const SHOTS = join(REPO, 'test-results/screenshots');
const MODEL = 'siglip2-base-twin';
const QUERIES = {
  fr: 'un chien sur la plage au coucher du soleil',
  de: 'Ein Hund im Schnee',
  ja: '海辺の犬',
  zh: '海边的狗',
  ar: 'كلب على الشاطئ',
} as const;
/** Right-to-left queries to try in the UI; the first for which a photo stands out also opens the explanation. */
const RTL_QUERIES = [
  'قطة نائمة',
  'سيارة حمراء',
  'غروب الشمس',
  'חתול ישן',
  'ילדים בחוף הים',
  'كلب على الشاطئ',
  'مدينة في الليل',
  'עוגת יום הולדת',
  'جبل مغطى بالثلج',
  'אופניים ליד הקיר',
];

let library: PreparedHome;
let browser: Browser;
let served: Served;
let page: Page;

async function cli<T>(args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [join(REPO, 'bin/eidos.js'), ...args, '--json'], {
    cwd: REPO,
    env: { ...process.env, EIDOS_HOME: library.home },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as T;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  library = await prepareHome({ synthCount: 24, withImagenet: false, model: MODEL });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await library?.remove();
});

describe('a query in any language, through the CLI', () => {
  it('French, German, Japanese, Chinese and Arabic queries each reach the model and rank the library', async () => {
    const bits = new Set<string>();
    for (const [language, query] of Object.entries(QUERIES)) {
      const response = await cli<SearchResponse>(['search', query, '--all', '--top', '24', '--model', MODEL]);
      expect(response.query, language).toBe(query);
      expect(response.results.length, language).toBe(24);
      expect(response.queryBits, language).toBeGreaterThan(0);
      bits.add(response.queryBits.toFixed(6));
    }
    // Different texts, different embeddings: no two queries carry exactly the same information.
    expect(bits.size).toBe(Object.keys(QUERIES).length);
  });

  it('explains an Arabic query with the English concept bank', async () => {
    const explained = await cli<ExplainResponse>(['explain', QUERIES.ar, '--model', MODEL]);
    expect(explained.query).toBe(QUERIES.ar);
    expect(explained.positives).toBeGreaterThan(0);
    expect(explained.background).toBeGreaterThan(0);
    expect(explained.photos.length).toBe(explained.positives);
  });
});

describe('a right-to-left query in the UI', () => {
  beforeAll(async () => {
    served = await serve(library.home);
    await untilSettled(served);
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    await page.goto(served.url);
    await page.locator('#query').waitFor();
  });

  const answered = (query: string): Promise<unknown> =>
    page.waitForFunction((want) => document.querySelector('.results')?.getAttribute('data-query') === want, query, {
      timeout: 120_000,
    });

  it('reads right to left in the search box and in the message that quotes it', async () => {
    let standsOut: string | undefined;
    let quoted = false;
    for (const query of RTL_QUERIES) {
      await page.locator('#query').fill(query);
      await answered(query);
      expect(await page.locator('#query').evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
      const isolated = page.locator('.results .empty bdi');
      if ((await isolated.count()) > 0 && !quoted) {
        // "No photo stands out for '…'": the query is isolated, in its own direction, inside the English sentence.
        expect(await isolated.first().textContent()).toBe(query);
        expect(await isolated.first().evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
        quoted = true;
        await page.screenshot({ path: join(SHOTS, 'search-rtl.png') });
      }
      if (await page.getByRole('button', { name: 'Why these results', exact: true }).isEnabled()) standsOut ??= query;
    }
    expect(quoted || standsOut !== undefined).toBe(true);

    if (standsOut === undefined) return;
    await page.locator('#query').fill(standsOut);
    await answered(standsOut);
    await page.getByRole('button', { name: 'Why these results', exact: true }).click();
    const shown = page.locator('.explain .query-text');
    await shown.waitFor();
    await page.waitForFunction(
      () =>
        document.querySelector('.explain [role="status"]')?.textContent !==
        'Measuring which features carry the information…',
      undefined,
      { timeout: 120_000 },
    );
    expect(await shown.textContent()).toBe(standsOut);
    expect(await shown.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    await page.screenshot({ path: join(SHOTS, 'explain-rtl.png') });
  });
});
