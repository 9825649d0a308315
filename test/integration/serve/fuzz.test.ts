import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, methodNames, type MethodName } from '../../../app/contract/api.ts';
import { MAX_BODY_BYTES } from '../../../app/server/bridge.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';
import { errorOf, startEngineServer, type Answer, type EngineServer } from './engine-server.ts';

/**
 * Random and oversized input for every method of the contract, against the real engine behind
 * `eidos serve`. The oracle for an argument is the contract's own schema, run here: whatever it
 * refuses the server must refuse with 400 and the same message; whatever it accepts must be answered
 * without a 5xx (and is sent only to methods without side effects, so the fuzz never adds folders,
 * starts indexing, changes settings or tries to download a model). Raw bodies — invalid UTF-8,
 * invalid JSON, deep nesting, bodies over the limit — wrong HTTP methods and content types are mixed
 * in. Every refusal must be a JSON error with a short, stack-free message, and afterwards the server
 * must still answer a valid search and the index must hold the same rows.
 *
 * The seed is printed; replay a run with EIDOS_FUZZ_SEED=<seed>.
 */
const SEED = process.env.EIDOS_FUZZ_SEED !== undefined ? Number(process.env.EIDOS_FUZZ_SEED) : randomInt(2 ** 31);
const ROUNDS = 400;
/** Longest message a refusal may carry: enough to explain, never an echo of a huge input. */
const MESSAGE_MAX = 600;
/** Methods whose valid arguments only read: the only ones a valid fuzz argument is sent to. */
const READ_ONLY = new Set<MethodName>([
  'status',
  'listFolders',
  'search',
  'explain',
  'photo',
  'listModels',
  'getSettings',
  'cancelIndexing',
]);

let server: EngineServer;
let photo = '';
let before: Record<string, number> = {};

beforeAll(async () => {
  server = await startEngineServer(8);
  const search = await server.post('search', { query: 'a photo', top: 1 });
  expect(search.status).toBe(200);
  photo = server.photoId(`${server.library}/album-00/roll-0/synth-00000.jpg`);
  before = server.rowCounts();
});

afterAll(async () => {
  await server?.dispose();
});

/** A valid argument for each method: the starting point that mutations move away from. */
const validExample = (): Record<MethodName, Record<string, unknown>> => ({
  status: {},
  listFolders: {},
  skippedFiles: { limit: 10 },
  addFolder: { path: server.library },
  removeFolder: { path: server.library },
  startIndexing: { folders: [server.library] },
  cancelIndexing: {},
  rebuildIndex: { folders: [server.library] },
  search: {
    query: 'a red circle',
    top: 5,
    sort: 'relevance',
    filters: { type: 'jpeg', hasGps: false, near: { lat: 1, lon: 2, km: 3 } },
    like: photo,
  },
  explain: { query: 'a red circle', features: 'concepts', k: 3 },
  map: { seed: 1 },
  photo: { id: photo },
  photoText: { id: photo },
  listModels: {},
  fetchModel: { id: 'synthetic-tiny' },
  compareModels: { a: 'synthetic-tiny', b: 'synthetic-tiny', k: 3 },
  getSettings: {},
  setSettings: { theme: 'dark', defaultTop: 10 },
  revealPhoto: { id: photo },
  openPhoto: { id: photo },
  copyPhotoPath: { id: photo },
  quickLookPhoto: { id: photo },
  chooseFolders: {},
});

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

const CHAR_POOLS = [
  'abcxyz',
  'ÀéøßΩЖ中文字😀🐶',
  '\u0000\u0001\u0007\u001b\u007f',
  '"\\/\'`{}[]<>',
  '\ud800\udfff\u202e\ufeff',
  ' \t\n',
];

function randomString(rng: Rng): string {
  const length = pick(rng, [0, 1, 3, 40, 999, 1000, 1001, 5000, 60_000]);
  const pool = pick(rng, CHAR_POOLS);
  let text = '';
  for (let i = 0; i < length; i++) text += pool[Math.floor(rng() * pool.length)];
  return text;
}

const NUMBERS = [0, -0, -1, 1, 0.5, 1e-320, 2 ** 53 + 1, -(2 ** 31), 1e308, -1e308, 1000, 1001, 50, 51, 90.0001, 20001];

function randomValue(rng: Rng, depth = 0): unknown {
  const kind = pick(
    rng,
    depth > 3 ? ['null', 'bool', 'number', 'string'] : ['null', 'bool', 'number', 'string', 'array', 'object'],
  );
  switch (kind) {
    case 'null':
      return null;
    case 'bool':
      return rng() < 0.5;
    case 'number':
      return pick(rng, NUMBERS);
    case 'string':
      return randomString(rng);
    case 'array':
      return Array.from({ length: Math.floor(rng() * 4) }, () => randomValue(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(rng() * 4) }, () => [randomKey(rng), randomValue(rng, depth + 1)]),
      );
  }
}

function randomKey(rng: Rng): string {
  return pick(rng, [
    'query',
    'top',
    'id',
    'path',
    'filters',
    'near',
    '__proto__',
    'constructor',
    'extra',
    '',
    'k'.repeat(5000),
    randomString(rng).slice(0, 60),
  ]);
}

/** Moves a valid argument away from validity: drop, add or replace a field, at any depth. */
function mutate(rng: Rng, value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || (depth > 0 && rng() < 0.3))
    return randomValue(rng, depth);
  const record = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(record);
  const action = keys.length === 0 ? 'add' : pick(rng, ['drop', 'add', 'replace', 'replace', 'descend']);
  const key = keys.length === 0 ? '' : pick(rng, keys);
  if (action === 'drop') delete record[key];
  else if (action === 'add')
    Object.defineProperty(record, randomKey(rng), {
      value: randomValue(rng),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  else if (action === 'replace') record[key] = randomValue(rng, depth + 1);
  else record[key] = mutate(rng, record[key], depth + 1);
  return record;
}

interface Case {
  label: string;
  path: string;
  method: string;
  contentType: string | undefined;
  body: Buffer;
  /** What must come back: an exact status and message, or any non-5xx answer. */
  expect: { status: number; message?: RegExp | string } | 'not 5xx';
}

const json = (text: string): Buffer => Buffer.from(text, 'utf8');

function deepNesting(depth: number): string {
  return `{"query":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

/** One fuzz case for `name`: a mutated or random argument, or a malformed request around it. */
function makeCase(rng: Rng, name: MethodName, valid: Record<string, unknown>): Case {
  const path = `/api/${name}`;
  const shell = contract[name].scope === 'shell';
  const base = { path, method: 'POST', contentType: 'application/json' };
  const strategy = pick(rng, ['mutate', 'mutate', 'mutate', 'random', 'raw', 'http']);

  if (strategy === 'raw') {
    const kind = pick(rng, ['utf8', 'json', 'nest', 'big-declared', 'nan', 'huge-number']);
    if (kind === 'utf8') {
      const body = Buffer.concat([
        json('{"query":"'),
        Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
        json('"}'),
      ]);
      return {
        ...base,
        label: 'invalid UTF-8',
        body,
        expect: { status: 400, message: shell ? /desktop app/ : /not valid UTF-8/ },
      };
    }
    if (kind === 'json') {
      const text = pick(rng, [
        '{',
        '{"query":',
        "{'query':'x'}",
        '{"query":"x",}',
        'undefined',
        '\u0000',
        '{"a":1}{"b":2}',
      ]);
      return {
        ...base,
        label: `invalid JSON ${JSON.stringify(text)}`,
        body: json(text),
        expect: { status: 400, message: shell ? /desktop app/ : /not valid JSON/ },
      };
    }
    if (kind === 'nan' || kind === 'huge-number') {
      const text = kind === 'nan' ? '{"top":NaN}' : '{"query":"a photo","top":1e999}';
      const expected = shell ? /desktop app/ : kind === 'nan' ? /not valid JSON/ : undefined;
      return {
        ...base,
        label: kind,
        body: json(text),
        expect: expected ? { status: 400, message: expected } : verdict(name, JSON.parse(text)),
      };
    }
    if (kind === 'nest') {
      const text = deepNesting(Math.floor((MAX_BODY_BYTES - 20) / 2));
      return { ...base, label: 'deep nesting', body: json(text), expect: verdict(name, JSON.parse(text)) };
    }
    const huge = `{"query":"${'x'.repeat(1_100_000)}"}`;
    return {
      ...base,
      label: '1 MB body',
      body: json(huge),
      expect: { status: shell ? 400 : 413, message: shell ? /desktop app/ : /over 65536 bytes/ },
    };
  }

  if (strategy === 'http') {
    const kind = pick(rng, ['method', 'type', 'route']);
    const body = json(JSON.stringify(valid));
    if (kind === 'method') {
      const method = pick(rng, ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
      return {
        ...base,
        label: `${method} ${path}`,
        method,
        body: method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : body,
        expect: { status: 400, message: method === 'HEAD' ? undefined : /Use POST/ },
      };
    }
    if (kind === 'type') {
      const contentType = pick(rng, [
        undefined,
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/jsonp',
        'application/json-patch+json',
        'text/json',
      ]);
      return {
        ...base,
        label: `content type ${contentType}`,
        contentType,
        body,
        expect: { status: 400, message: shell ? /desktop app/ : /as JSON/ },
      };
    }
    const route = pick(rng, [
      `/api/${name}/extra`,
      `/api/${name.toUpperCase()}`,
      '/api/',
      '/api/constructor',
      '/api/toString',
      '/api/__proto__',
      `/api/${randomString(rng)
        .slice(0, 30)
        .replace(/[^A-Za-z]/g, 'q')}x`,
    ]);
    return {
      ...base,
      label: `route ${route}`,
      path: encodeURI(route),
      body,
      expect: { status: 404, message: /no API method/ },
    };
  }

  const value = strategy === 'mutate' ? mutate(rng, valid) : randomValue(rng);
  const text = JSON.stringify(value) ?? 'null';
  const body = json(text);
  if (body.length > MAX_BODY_BYTES)
    return { ...base, label: `${strategy}: ${body.length} bytes`, body, expect: { status: shell ? 400 : 413 } };
  return { ...base, label: `${strategy}: ${text.slice(0, 120)}`, body, expect: verdict(name, JSON.parse(text)) };
}

/** What the contract's schema says about this argument, as the answer the server must give. */
function verdict(name: MethodName, arg: unknown): Case['expect'] {
  if (contract[name].scope === 'shell') return { status: 400, message: /only in the desktop app/ };
  try {
    contract[name].args.parse(arg ?? {}, name);
  } catch (error) {
    return { status: 400, message: (error as Error).message };
  }
  return 'not 5xx';
}

function send(c: Case): Promise<Answer> {
  const headers: Record<string, string> = c.contentType === undefined ? {} : { 'content-type': c.contentType };
  // Explicit, since Node's client sends no length (and no chunking) for a GET/DELETE/OPTIONS body.
  if (c.body.length > 0) headers['content-length'] = String(c.body.length);
  return server.send(c.path, { method: c.method, headers, body: c.body }).catch(async (error: unknown) => {
    // Sending a body the server already refused can end in a reset; the answer must still have come first.
    throw new Error(`no answer to ${c.label}: ${(error as Error).message}`);
  });
}

describe(`API fuzz (seed ${SEED}; replay with EIDOS_FUZZ_SEED=${SEED})`, () => {
  it(`answers ${ROUNDS} random, malformed and oversized requests with 4xx JSON errors, never a 5xx`, async () => {
    console.log(`API fuzz seed: ${SEED}`);
    const rng = mulberry32(SEED);
    const examples = validExample();
    expect(Object.keys(examples).sort()).toEqual([...methodNames].sort());
    const tally = { sent: 0, refused: 0, answered: 0, skipped: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const name = methodNames[round % methodNames.length] as MethodName;
      const c = makeCase(rng, name, examples[name]);
      const label = `seed ${SEED} round ${round} ${name} ${c.label}`;
      if (c.expect === 'not 5xx' && !READ_ONLY.has(name)) {
        tally.skipped++;
        continue;
      }
      const answer = await send(c);
      tally.sent++;
      expect(answer.status, `${label} → ${answer.body.slice(0, 300)}`).toBeLessThan(500);
      if (answer.status >= 400 && c.method !== 'HEAD') {
        const error = errorOf(answer);
        expect(error.code, label).not.toBe('INTERNAL');
        expect(error.message.length, label).toBeGreaterThan(10);
        expect(error.message.length, label).toBeLessThanOrEqual(MESSAGE_MAX);
        expect(error.message, label).not.toMatch(/\n\s+at |node_modules|\.ts:\d/);
      }
      if (c.expect === 'not 5xx') {
        tally[answer.status < 400 ? 'answered' : 'refused']++;
        continue;
      }
      tally.refused++;
      expect(answer.status, `${label} → ${answer.body.slice(0, 300)}`).toBe(c.expect.status);
      if (c.expect.message !== undefined) {
        const { message } = errorOf(answer);
        if (typeof c.expect.message === 'string') expect(message, label).toBe(c.expect.message);
        else expect(message, label).toMatch(c.expect.message);
      }
    }
    console.log(
      `API fuzz: ${tally.sent} requests (${tally.refused} refused as expected, ${tally.answered} valid and answered), ${tally.skipped} valid arguments for writing methods not sent`,
    );
    expect(tally.sent).toBeGreaterThan(ROUNDS * 0.8);

    const search = await server.post('search', { query: 'a red circle', top: 3 });
    expect(search.status).toBe(200);
    expect(JSON.parse(search.body)).toMatchObject({ query: 'a red circle', sort: 'relevance' });
    expect(server.rowCounts()).toEqual(before);
  });

  it('refuses a chunked body that grows past the limit while it streams, and headers over the limit', async () => {
    const { port, token } = server.bridge;
    const head = `POST /api/search HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = 'x'.repeat(16 * 1024);
    const chunks = Array.from({ length: 8 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const streamed = await server.raw(`${head}${chunks}0\r\n\r\n`);
    expect(streamed.status).toBe(413);
    expect(streamed.text).toContain('"code":"TOO_LARGE"');
    const big = await server.raw(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Padding: ${'p'.repeat(100_000)}\r\n\r\n`,
    );
    expect(big.status).toBe(431);
    expect(big.text).toContain('"code":"TOO_LARGE"');
    expect((await server.post('status', {})).status).toBe(200);
  });
});
