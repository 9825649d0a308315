import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWithin, resolveInside } from '../../../app/util/path-containment.ts';
import { parseMediaRoute } from '../../../app/contract/media-route.ts';

let base = '';
let library = '';

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'eidos-access-'));
  library = join(base, 'library');
  mkdirSync(join(library, 'sub'), { recursive: true });
  writeFileSync(join(library, 'sub', 'a.jpg'), 'jpeg');
  writeFileSync(join(base, 'secret.jpg'), 'secret');
  mkdirSync(join(base, 'library-evil'));
  writeFileSync(join(base, 'library-evil', 'b.jpg'), 'evil');
  symlinkSync(join(base, 'secret.jpg'), join(library, 'link.jpg'));
  symlinkSync(base, join(library, 'up'));
  symlinkSync(join(library, 'sub', 'a.jpg'), join(base, 'inward.jpg'));
});

describe('resolveInside', () => {
  it('returns the real path of a file inside a root', async () => {
    await expect(resolveInside(join(library, 'sub', 'a.jpg'), [library])).resolves.toBe(join(library, 'sub', 'a.jpg'));
    // A link from outside pointing into the library serves the file it points to.
    await expect(resolveInside(join(base, 'inward.jpg'), [library])).resolves.toBe(join(library, 'sub', 'a.jpg'));
  });

  it('refuses ../ escapes, sibling folders sharing a prefix and symlinks leading out', async () => {
    for (const escape of [
      join(library, '..', 'secret.jpg'),
      `${library}/sub/../../secret.jpg`,
      join(base, 'library-evil', 'b.jpg'),
      join(library, 'link.jpg'),
      join(library, 'up', 'secret.jpg'),
    ]) {
      await expect(resolveInside(escape, [library])).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('refuses relative paths and NUL bytes, and reports missing files as NOT_FOUND', async () => {
    await expect(resolveInside('library/sub/a.jpg', [library])).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(resolveInside(`${library}/sub/a.jpg\0.png`, [library])).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(resolveInside(join(library, 'nope.jpg'), [library])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('compares by path components', () => {
    expect(isWithin('/a/b', '/a')).toBe(true);
    expect(isWithin('/a', '/a')).toBe(true);
    expect(isWithin('/ab', '/a')).toBe(false);
    expect(isWithin('/a/..b', '/a')).toBe(true);
  });
});

describe('parseMediaRoute', () => {
  it('accepts <id>/<variant> and nothing else, without decoding', () => {
    expect(parseMediaRoute('p_1-A/thumb')).toEqual({ id: 'p_1-A', variant: 'thumb' });
    for (const bad of [
      '../thumb',
      '%2e%2e/thumb',
      'a%2fb/thumb',
      'a/b/thumb',
      'a/large',
      'a',
      '..%2f..%2fetc/original',
      'a\\b/thumb',
    ]) {
      expect(() => parseMediaRoute(bad)).toThrow(/Not a media address/);
    }
  });
});
