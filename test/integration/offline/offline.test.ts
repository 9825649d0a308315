import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../e2e/browser.ts';
import { synthesize } from '../../helpers/serve-fixture.ts';
import { copyImagenet, makeHome, PHOTOS } from '../../helpers/eidos-cli.ts';
import { findViolations, type Finding, type Syscall } from '../../helpers/strace-log.ts';
import {
  EIDOS,
  eidosEnv,
  eidosPolicy,
  REPO,
  traceCommand,
  traceServer,
  type TraceResult,
} from '../../helpers/traced.ts';

/**
 * The offline guarantee, checked against the kernel's record (strace) of every process and thread
 * Eidos starts: index, search, explain, status and serve (with the UI loaded and searched in
 * Chromium) connect to nothing but local IPC of the tool that runs the checkout, and write nowhere
 * but the data folder. A control program that does reach out proves the check can fail.
 */
let home: string;
let root: string;
let tmp: string;
let photos: string;
let dispose: () => void;
let step = 0;

const run = (args: string[]): Promise<TraceResult> =>
  traceCommand([process.execPath, EIDOS, ...args], {
    cwd: REPO,
    env: eidosEnv(home, tmp),
    log: join(root, `trace-${++step}.log`),
  });

const violations = (result: TraceResult): Finding[] => findViolations(result.calls, eidosPolicy(home));

/** Whether the trace saw `path` opened for writing: proves the log covers the process that writes. */
const wroteTo = (calls: Syscall[], path: string): boolean =>
  calls.some(
    (call) =>
      call.name === 'openat' && call.args[1] === JSON.stringify(path) && /O_(WRONLY|RDWR)/.test(call.args[2] ?? ''),
  );

beforeAll(async () => {
  ({ home, scratch: photos, dispose } = await makeHome());
  root = dirname(home);
  tmp = join(root, 'tmp');
  mkdirSync(tmp);
  // Enough photos for explain's top-50-vs-background split; JPEG and HEIC decoders both run.
  await synthesize(join(photos, 'synthetic'), 64);
  copyImagenet(join(photos, 'imagenet'), 6);
  mkdirSync(join(photos, 'phone'));
  copyFileSync(join(PHOTOS, 'exif-edge/files/heic/IMG_5195.HEIC'), join(photos, 'phone/IMG_5195.HEIC'));
}, 120_000);

afterAll(() => dispose?.());

describe('the CLI stays offline and inside its data folder', () => {
  it('eidos index', async () => {
    const result = await run(['index', photos, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { encoded: number; skipped: number };
    expect(summary.encoded).toBe(71);
    expect(wroteTo(result.calls, join(home, 'index.sqlite'))).toBe(true);
    expect(violations(result)).toEqual([]);
  });

  it('eidos search', async () => {
    const result = await run(['search', 'red background', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    expect(violations(result)).toEqual([]);
  });

  it('eidos explain', async () => {
    const result = await run(['explain', 'red background', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { features: unknown[] }).features.length).toBeGreaterThan(0);
    expect(violations(result)).toEqual([]);
  });

  it('eidos status', async () => {
    const result = await run(['status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { indexed: number }).indexed).toBe(71);
    expect(violations(result)).toEqual([]);
  });
});

describe('eidos serve and the UI stay offline', () => {
  let browser: Browser | undefined;
  afterAll(() => browser?.close());

  it('loads the page and searches; the page asks only its own origin, the server connects nowhere', async () => {
    browser = await launchChromium();
    const server = await traceServer([process.execPath, EIDOS, 'serve', '--json', '--port', '0'], {
      cwd: REPO,
      env: eidosEnv(home, tmp),
      log: join(root, 'trace-serve.log'),
    });
    let result: TraceResult;
    const requested: string[] = [];
    let origin = '';
    try {
      const { url } = JSON.parse(server.firstLine) as { url: string };
      origin = new URL(url).origin;
      const page = await browser.newPage();
      page.on('request', (request: Request) => requested.push(request.url()));
      page.on('websocket', (socket) => requested.push(socket.url()));
      await page.goto(url);
      await page.locator('#query').fill('red background');
      await page.locator('[role="option"]').first().waitFor({ timeout: 30_000 });
      // A thumbnail actually drawn: the media route ran too.
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[role="option"] img')].some((img) => (img as HTMLImageElement).naturalWidth > 0),
      );
      await page.close();
    } finally {
      result = await server.stop();
    }
    expect(requested.some((address) => address.includes('/api/'))).toBe(true);
    expect(requested.filter((address) => !address.startsWith(`${origin}/`) && !/^(data|blob):/.test(address))).toEqual(
      [],
    );
    // The trace saw the server's own socket: it is live for this process.
    expect(result.calls.some((call) => call.name === 'bind' && call.args[1]?.includes('inet_addr("127.0.0.1")'))).toBe(
      true,
    );
    expect(violations(result)).toEqual([]);
  }, 90_000);
});

describe('the check itself', () => {
  it('flags a program that connects out, looks up a name and writes outside the data folder', async () => {
    const outside = join(root, 'outside.txt');
    const script = [
      "require('node:net').connect(80, '10.255.255.1').on('error', () => {});",
      `require('node:fs').writeFileSync(${JSON.stringify(outside)}, 'x');`,
      "require('node:dns').lookup('example.invalid', () => process.exit(0));",
      'setTimeout(() => process.exit(0), 5000);',
    ].join('\n');
    const result = await traceCommand([process.execPath, '-e', script], {
      cwd: REPO,
      env: eidosEnv(home, tmp),
      log: join(root, 'trace-control.log'),
    });
    const found = violations(result);
    expect(found).toContainEqual(expect.objectContaining({ kind: 'network', detail: 'connect to 10.255.255.1:80' }));
    expect(found).toContainEqual(
      expect.objectContaining({
        kind: 'write',
        detail: expect.stringContaining(`outside the data folder: ${outside}`),
      }),
    );
    // The lookup goes to nscd, a name server on port 53, or a local resolver's socket, depending on the machine.
    expect(found.some((f) => f.kind === 'dns' || f.kind === 'ipc')).toBe(true);
  });
});
