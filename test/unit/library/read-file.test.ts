import { appendFileSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedDuringRead, readWholeFile } from '../../../app/library/read-file.ts';
import { rejection } from '../../helpers/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'eidos-read-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readWholeFile', () => {
  it('returns the bytes with the stat that describes them', async () => {
    const file = join(dir, 'a.jpg');
    writeFileSync(file, 'abc');
    utimesSync(file, 1_000, 1_234.5678);
    expect(await readWholeFile({ path: file })).toEqual({
      kind: 'read',
      bytes: Buffer.from('abc'),
      size: 3,
      mtimeMs: 1_234_567,
    });
  });

  it('reports a file that no longer exists as vanished, not as an error', async () => {
    expect(await readWholeFile({ path: join(dir, 'gone.jpg') })).toEqual({ kind: 'vanished' });
  });

  it('refuses a file above the byte limit before reading it', async () => {
    const file = join(dir, 'big.jpg');
    writeFileSync(file, Buffer.alloc(2048));
    expect(await rejection(readWholeFile({ path: file }, 1024))).toMatchObject({ code: 'TOO_LARGE', file });
  });

  // Permission denied needs a non-root reader: test/integration/index/bad-files.test.ts runs the CLI as nobody.
  it('turns another open failure (a path through a file: ENOTDIR) into UNREADABLE naming the path', async () => {
    const file = join(dir, 'plain.jpg');
    writeFileSync(file, 'x');
    const result = await readWholeFile({ path: join(file, 'inside') }).catch((error: unknown) => error);
    expect(result).toMatchObject({ code: 'UNREADABLE' });
    expect((result as Error).message).toContain(join(file, 'inside'));
  });
});

describe('changedDuringRead', () => {
  it('is false for one unchanged stat, true when size, mtime or ctime moved or the read came up short', () => {
    const file = join(dir, 'b.jpg');
    writeFileSync(file, 'abcd');
    const before = statSync(file);
    expect(changedDuringRead(before, before, 4)).toBe(false);
    expect(changedDuringRead(before, before, 3)).toBe(true);
    appendFileSync(file, 'e');
    expect(changedDuringRead(before, statSync(file), 5)).toBe(true);
    // A writer that puts the old mtime back (touch -r) still moves ctime.
    expect(changedDuringRead(before, { ...before, ctimeMs: before.ctimeMs + 1 } as Stats, 4)).toBe(true);
  });
});
