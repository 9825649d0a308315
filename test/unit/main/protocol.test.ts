import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tableMedia } from '../../helpers/fake-handlers.ts';

const registered = vi.hoisted(() => [] as unknown[]);
vi.mock('electron', () => ({
  protocol: { registerSchemesAsPrivileged: (schemes: unknown[]) => registered.push(...schemes) },
}));

const { appProtocolResponse, registerAppScheme } = await import('../../../main/protocol.ts');

let options: Parameters<typeof appProtocolResponse>[1];

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'eidos-protocol-'));
  const library = join(base, 'library');
  const ui = join(base, 'ui');
  mkdirSync(library);
  mkdirSync(ui);
  writeFileSync(join(library, 'a.png'), 'PNGDATA');
  writeFileSync(join(base, 'secret.png'), 'SECRET');
  symlinkSync(join(base, 'secret.png'), join(library, 'link.png'));
  writeFileSync(join(ui, 'index.html'), '<!doctype html>');
  options = {
    staticDir: ui,
    media: tableMedia({ a: join(library, 'a.png'), link: join(library, 'link.png'), up: `${library}/../secret.png` }, [
      library,
    ]),
  };
});

const get = (url: string) => appProtocolResponse(new Request(url), options);

describe('eidos:// protocol', () => {
  it('is registered as a standard, secure scheme without CSP bypass', () => {
    registerAppScheme();
    expect(registered).toEqual([
      { scheme: 'eidos', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
  });

  it('serves the UI with the CSP header and photos inside indexed folders', async () => {
    const page = await get('eidos://app/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const photo = await get('eidos://app/media/a/original');
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(await photo.text()).toBe('PNGDATA');
  });

  it('refuses paths outside the folders: symlinks, ../ in located paths, encoded traversal, other hosts', async () => {
    expect((await get('eidos://app/media/link/original')).status).toBe(403);
    expect((await get('eidos://app/media/up/original')).status).toBe(403);
    for (const url of [
      'eidos://app/media/%2e%2e%2fsecret.png/original',
      'eidos://app/media/a%2f..%2f..%2fsecret/original',
      'eidos://app/..%2fsecret.png',
      'eidos://app/%2e%2e/%2e%2e/secret.png',
      'eidos://other/index.html',
    ]) {
      const answer = await get(url);
      expect(answer.status, url).toBeGreaterThanOrEqual(400);
      expect(await answer.text()).not.toContain('SECRET');
    }
  });
});
