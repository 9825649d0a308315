/**
 * The CLI beside a running Eidos (issue 17, part 3): with `eidos serve` holding the index, `eidos
 * index`, `status` and `search` work through its local socket. Each command is run twice on identical
 * indexes, once beside the holder and once alone, and must print the same and exit the same (times
 * aside). The socket is private (0600 in a 0700 folder), refuses a wrong token, and a holder killed
 * with SIGKILL leaves nothing the next command trips over.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchModel } from '../../../app/models/store.ts';
import { modelsDir } from '../../../app/paths.ts';
import { holderInfoPath, runDir, socketPathFor, type HolderInfo } from '../../../app/server/local-socket-wire.ts';
import { readHolderInfo } from '../../../app/server/local-socket-client.ts';
import { processAlive } from '../../../app/util/process-alive.ts';
import { MODEL_ID, runEidos, type CliResult } from '../../helpers/eidos-cli.ts';
import { readLabels, serve, synthesize, untilSettled, type Served } from '../../helpers/serve-fixture.ts';
import { heavyPackagesOpened } from '../../helpers/traced.ts';

const root = mkdtempSync(join(tmpdir(), 'eidos-beside-'));
const alone = join(root, 'alone');
const beside = join(root, 'beside');
const firstFolder = join(root, 'synth-1');
const secondFolder = join(root, 'synth-2');
let served: Served | undefined;
let holder: HolderInfo;
/** Where the holder listens: a short data folder keeps it in run/ (the announcement names no path). */
const socketFile = join(runDir(beside), 'eidos.sock');
let descriptions: string[] = [];

beforeAll(async () => {
  await fetchModel(MODEL_ID, {}, { modelsDir: modelsDir(alone) });
  await Promise.all([synthesize(firstFolder, 30, 1), synthesize(secondFolder, 12, 2)]);
  expect((await runEidos(alone, ['index', firstFolder, '--json'])).code).toBe(0);
  // Byte for byte the same data folder, so the two sides differ only in who runs the command.
  cpSync(alone, beside, { recursive: true });
  served = await serve(beside);
  // serve scans its folders once a few seconds after start (what changed while it was closed); a command
  // beside it during that scan rightly says so, which the same command alone cannot: start after it.
  await untilSettled(served);
  holder = readHolderInfo(beside)!;
  descriptions = [...new Set((await readLabels(firstFolder)).map((row) => row.description))].slice(0, 3);
}, 240_000);

afterAll(async () => {
  await served?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** What legitimately differs between two runs: timings, and the data folder's own path and size. */
function normalise(result: CliResult, home: string): CliResult {
  const clean = (text: string): string =>
    text
      .replaceAll(home, '<home>')
      .replace(/"(elapsedMs|seconds)":[\d.e+-]+/g, '"$1":0')
      // A holder that has just indexed sums its grown matrix in another order than a fresh load:
      // the same results and bits, and the query's information equal to 1e-15, not bit for bit.
      .replace(/(\d+\.\d{9})\d+/g, '$1')
      .replace(/"(bytes|lastIndexedAt)": ?("[^"]*"|\d+)/g, '"$1":0')
      .replace(/\d+ ms$/gm, '0 ms')
      .replace(/in [\d.]+ s$/gm, 'in 0 s')
      .replace(/\([\d.]+ [kMG]?B, schema/g, '(0 B, schema')
      .replace(/last indexed [^)]*\)/g, 'last indexed 0)');
  // Progress lines and the note about the holder go to stderr; a failure's message goes there too.
  return { code: result.code, stdout: clean(result.stdout), stderr: result.code === 0 ? '' : clean(result.stderr) };
}

async function sameBothWays(args: string[]): Promise<{ alone: CliResult; beside: CliResult }> {
  const [a, b] = [await runEidos(alone, args), await runEidos(beside, args)];
  expect(normalise(b, beside), `eidos ${args.join(' ')}`).toEqual(normalise(a, alone));
  return { alone: a, beside: b };
}

describe('eidos serve announces a private local socket', () => {
  it('in a 0700 folder of the data folder, the socket 0600, the announcement 0600 and naming the serve process', () => {
    expect(holder.kind).toBe('serve');
    expect(processAlive(holder.pid)).toBe(true);
    expect(socketPathFor(beside, tmpdir())).toBe(socketFile);
    expect(Object.keys(holder).sort()).toEqual(['host', 'kind', 'pid', 'token']);
    expect(statSync(runDir(beside)).mode & 0o777).toBe(0o700);
    expect(statSync(socketFile).isSocket()).toBe(true);
    expect(statSync(socketFile).mode & 0o777).toBe(0o600);
    expect(statSync(holderInfoPath(beside)).mode & 0o777).toBe(0o600);
  });

  it('answers only a client that presents the token', async () => {
    const talk = (first: object, then?: object): Promise<Array<Record<string, unknown>>> =>
      new Promise((resolve, reject) => {
        const socket = connect(socketFile);
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          text += chunk;
          const lines = text.split('\n').filter(Boolean);
          if (then === undefined || lines.length >= 2) socket.end();
        });
        socket.on('close', () =>
          resolve(
            text
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l) as never),
          ),
        );
        socket.on('error', reject);
        socket.write(`${JSON.stringify(first)}\n`);
        if (then) socket.write(`${JSON.stringify(then)}\n`);
      });
    const call = { type: 'call', id: 1, method: 'status', args: {} };
    const wrong = holder.token.slice(0, -1) + (holder.token.endsWith('A') ? 'B' : 'A');
    for (const hello of [
      { type: 'hello', token: wrong, events: false },
      { type: 'hello', token: '', events: false },
      { type: 'hello', events: false },
      call,
    ]) {
      const [answer, ...rest] = await talk(hello, call);
      expect(answer).toMatchObject({ type: 'refused', error: { code: 'FORBIDDEN' } });
      expect(rest).toEqual([]);
    }
    // The same exchange with the token is answered: the refusals above were the token's doing.
    const [welcome, reply] = await talk({ type: 'hello', token: holder.token, events: false }, call);
    expect(welcome).toEqual({ type: 'welcome', pid: holder.pid });
    expect(reply).toMatchObject({ type: 'reply', id: 1, reply: { ok: true, value: { photos: 30 } } });
  });
});

describe('the CLI beside eidos serve prints and exits as it does alone', () => {
  it('eidos search, text and JSON, and its refusals', async () => {
    for (const description of descriptions) {
      const { beside: b } = await sameBothWays(['search', description, '--top', '5']);
      expect(b.code).toBe(0);
      expect(b.stdout).toMatch(/bits\s+\S+synth-\d+\.jpg/);
      await sameBothWays(['search', description, '--json']);
    }
    await sameBothWays(['search', '--', '-red']);
    expect((await sameBothWays(['search', 'red', '--top', '0'])).beside.code).toBe(2);
    await sameBothWays(['search', 'red', '--from', '2999-01-01']);
  });

  it('eidos search beside the holder loads none of the engine (it asks the holder)', () => {
    expect(heavyPackagesOpened(['search', descriptions[0]!], beside, root)).toEqual([]);
    // The comparator: alone, the same command loads the engine's packages.
    expect(heavyPackagesOpened(['search', descriptions[0]!], alone, root)).toEqual(
      expect.arrayContaining(['onnxruntime-node', 'better-sqlite3', 'eidos_native.node']),
    );
  });

  it('eidos status, text and JSON', async () => {
    // Alone there is no run to report: beside, the holder must be idle too (nothing started since beforeAll).
    await untilSettled(served!);
    await sameBothWays(['status']);
    await sameBothWays(['status', '--json']);
  });

  it('eidos index: a new folder, then an unchanged library, with progress; searches agree afterwards', async () => {
    const { beside: json } = await sameBothWays(['index', secondFolder, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ model: MODEL_ID, encoded: 12, unchanged: 30 });
    const { alone: a, beside: b } = await sameBothWays(['index']);
    expect(b.stderr).toContain(`indexing through eidos serve (pid ${holder.pid}), which holds the index`);
    for (const result of [a, b]) expect(result.stderr).toMatch(/\] 100% 0\/0 .* skipped 0/);
    await sameBothWays(['search', descriptions[0]!, '--json']);
    await sameBothWays(['status', '--json']);
    // Errors: found before any call, and the one only the holder can raise.
    expect((await sameBothWays(['index', join(root, 'no-such-folder')])).beside.code).toBe(1);
    const watch = await runEidos(beside, ['index', '--watch']);
    expect(watch.code).toBe(1);
    expect(watch.stderr).toMatch(/INDEX_LOCKED|holds the index, so this terminal cannot watch/);
  });
});

describe('a holder killed with SIGKILL', () => {
  it('leaves a stale socket that the next command removes, and then works alone', async () => {
    process.kill(holder.pid, 'SIGKILL');
    while (processAlive(holder.pid)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(socketFile)).toBe(true);
    expect(existsSync(holderInfoPath(beside))).toBe(true);

    await sameBothWays(['search', descriptions[1]!, '--json']);
    expect(existsSync(socketFile)).toBe(false);
    expect(existsSync(holderInfoPath(beside))).toBe(false);
    // Its writer lock died with it: indexing alone is not refused.
    expect((await sameBothWays(['index', '--json'])).beside.code).toBe(0);
  });

  it('a socket nobody listens on is stale even when its pid is alive (reused)', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(socketFile, '');
    writeFileSync(holderInfoPath(beside), JSON.stringify({ ...holder, pid: process.pid }), { mode: 0o600 });
    await sameBothWays(['search', descriptions[2]!]);
    expect(existsSync(socketFile)).toBe(false);
    expect(existsSync(holderInfoPath(beside))).toBe(false);
  });
});
