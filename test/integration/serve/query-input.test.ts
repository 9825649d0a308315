import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexPath } from '../../../app/paths.ts';
import type { SearchResponse } from '../../../app/contract/types.ts';
import { errorOf, startEngineServer, type EngineServer } from './engine-server.ts';

/**
 * Awkward query text, through the API (`eidos serve`) and the CLI (`eidos search`), over a real
 * index: each gives a valid response (possibly "no photo stands out") or a BAD_ARGUMENT naming the
 * problem — never a crash — and the index holds the same rows afterwards.
 */
const run = promisify(execFile);
const EIDOS = join(resolve(import.meta.dirname, '../../..'), 'bin/eidos.js');

type Outcome = { ok: true } | { refused: RegExp };
const ok: Outcome = { ok: true };
const refused = (reason: RegExp): Outcome => ({ refused: reason });

const LONG_WORDS = Array.from({ length: 200 }, (_, i) => `word${i}`)
  .join(' ')
  .slice(0, 1000);

/** [label, query, outcome through the API]. The CLI gives the same outcome except where noted. */
const CASES: Array<[string, string, Outcome]> = [
  ['empty', '', refused(/search\.query must be a string of 1 to 1000 characters \(got ""\)/)],
  ['whitespace only', ' \t\n ', refused(/it is empty; describe the photos you want/)],
  [
    '10,000 characters',
    'a red circle '.repeat(770).slice(0, 10_000),
    refused(/got a string of 10000 characters\); the text encoder reads about 77 tokens/),
  ],
  ['1,000 characters (the limit; the tokenizer reads the first 77 tokens)', LONG_WORDS, ok],
  ['punctuation only', '!?.,;:()[]{}', refused(/has no letters, digits or emoji/)],
  ['emoji only', '🐶🌅🔴', ok],
  ['SQL: DROP TABLE with a comment', "'; DROP TABLE files; --", refused(/'--' has no letters, digits or emoji/)],
  ['SQL: DROP TABLE', "'; DROP TABLE files;", ok],
  ['SQL: OR 1=1', '" OR 1=1', ok],
  ['SQL: quote OR', "x' OR '1'='1", ok],
  ['Chinese', '海滩上的红色圆圈', ok],
  ['Arabic', 'دائرة حمراء على الشاطئ', ok],
  ['Russian', 'красный круг на пляже', ok],
  ['Hindi', 'समुद्र तट पर लाल घेरा', ok],
  ['a lone -', '-', refused(/'-' has nothing after it/)],
  ['a lone +', '+', refused(/'\+' has nothing after it/)],
  ['w: with no term', 'w:', ok],
  ['a weight with no term', '2:', ok],
  ['an unbalanced quote', '"red circle', ok],
  ['an unbalanced quote after words', 'red "circle on', ok],
  ['an empty quoted phrase', 'red ""', refused(/an empty quoted phrase/)],
  ['control characters', 'red\u0007circle\u001b[2J', ok],
  ['NUL inside words', 'red\u0000circle', ok],
  ['NUL only', '\u0000\u0000', refused(/it is empty/)],
];

let server: EngineServer;
let before: Record<string, number> = {};
let filesBefore: unknown[] = [];

const filesRows = (): unknown[] => {
  const db = new Database(indexPath(server.home), { readonly: true });
  try {
    return db.prepare('SELECT id, path, content_hash, status FROM files ORDER BY id').all();
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  // Over 50 photos: explain ranks the top 50 against a background, and refuses a smaller library.
  server = await startEngineServer(60);
  // The first search stores the concept bank and image prior; the baseline is taken after it.
  expect((await server.post('search', { query: 'a photo' })).status).toBe(200);
  before = server.rowCounts();
  filesBefore = filesRows();
});

afterAll(async () => {
  await server?.dispose();
});

/** No terminal control sequence, no bidi override and no stack trace in what a person reads. */
function expectReadable(text: string, label: string): void {
  expect(text, label).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e]/);
  expect(text, label).not.toMatch(/\n\s+at |node_modules/);
}

describe('query input through the API', () => {
  it.each(CASES)('%s', async (label, query, outcome) => {
    const answer = await server.post('search', { query });
    if ('ok' in outcome) {
      expect(answer.status, answer.body.slice(0, 300)).toBe(200);
      const response = JSON.parse(answer.body) as SearchResponse;
      expect(response.query).toBe(query);
      expect(Array.isArray(response.results)).toBe(true);
      expect(typeof response.anyStandsOut).toBe('boolean');
      expect(Number.isFinite(response.queryBits)).toBe(true);
      expect(response.message.length).toBeLessThan(400);
      expectReadable(response.message, label);
    } else {
      expect(answer.status, answer.body.slice(0, 300)).toBe(400);
      const error = errorOf(answer);
      expect(error.code).toBe('BAD_ARGUMENT');
      expect(error.message).toMatch(outcome.refused);
      expect(error.message.length).toBeLessThan(400);
      expectReadable(error.message, label);
    }
    // Explain reads the same query text through the same parser.
    const explained = await server.post('explain', { query, k: 3 });
    expect(explained.status, explained.body.slice(0, 300)).toBe('ok' in outcome ? 200 : 400);
  });

  it('leaves the index as it was: same rows, files table intact', () => {
    expect(server.rowCounts()).toEqual(before);
    expect(filesRows()).toEqual(filesBefore);
  });
});

/** `eidos search <query>` against the same library (the server holds the writer lock, so the CLI reads). */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [EIDOS, 'search', ...args], {
      env: { ...process.env, EIDOS_HOME: server.home },
      maxBuffer: 1 << 24,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('query input through the CLI', () => {
  // argv cannot carry NUL (execve strings end at it), so the NUL cases are API-only.
  const cliCases = CASES.filter(([, query]) => !query.includes('\u0000'));

  it.each(cliCases)('%s', async (label, query, outcome) => {
    // `--` so a query starting with - is not read as an option (as `eidos search --help` says).
    const text = await cli(['--', query]);
    expectReadable(text.stdout, label);
    expectReadable(text.stderr, label);
    if ('ok' in outcome) {
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/stands? out|No photo stands out/);
      return;
    }
    expect(text.code, text.stdout).toBe(2);
    // The CLI says "needs a query" for a blank one before the API's rules apply.
    const reason = query.trim() === '' ? /eidos search needs a query/ : outcome.refused;
    expect(text.stderr).toMatch(new RegExp(`^eidos search: ${reason.source}|^eidos search: .*${reason.source}`));
  });

  it('answers --json with the same refusal as the API', async () => {
    const text = await cli(['--json', '--', '!!!']);
    expect(text.code).toBe(2);
    expect(JSON.parse(text.stdout)).toEqual({
      error: { code: 'BAD_ARGUMENT', message: expect.stringMatching(/'!!!' has no letters, digits or emoji/) },
    });
    const answered = await cli(['--json', '--', '" OR 1=1']);
    expect(answered.code).toBe(0);
    expect(JSON.parse(answered.stdout)).toMatchObject({ query: '" OR 1=1' });
  });

  it('leaves the index as it was', () => {
    expect(server.rowCounts()).toEqual(before);
    expect(filesRows()).toEqual(filesBefore);
  });
});
