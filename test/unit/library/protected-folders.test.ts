import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { protectedFolders, type PlatformFacts } from '../../../app/library/protected-folders.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

/**
 * The rule for folders that are never the library's, per platform: a Mac's and Windows' facts are
 * injected (their links and environment as those systems have them), the running Linux one's are real.
 */
const mac = (links: Record<string, string> = {}): PlatformFacts => ({
  platform: 'darwin',
  env: {},
  tmpdir: '/var/folders/x1/abc/T',
  // As on a Mac: /etc, /var and /tmp are links into /private; everything else is itself.
  realpath: (file) => {
    for (const [from, to] of Object.entries({ '/etc': '/private/etc', '/var': '/private/var', ...links }))
      if (file === from || file.startsWith(`${from}/`)) return to + file.slice(from.length);
    return file;
  },
});

const windows: PlatformFacts = {
  platform: 'win32',
  env: {
    SystemRoot: 'C:\\Windows',
    ProgramFiles: 'C:\\Program Files',
    'ProgramFiles(x86)': 'C:\\Program Files (x86)',
    ProgramData: 'C:\\ProgramData',
    APPDATA: 'C:\\Users\\ann\\AppData\\Roaming',
  },
  tmpdir: 'C:\\Users\\ann\\AppData\\Local\\Temp',
  realpath: (file) => file,
};

describe('protected folders on a Mac', () => {
  const data = '/Users/ann/Library/Application Support/Eidos';
  const rule = protectedFolders(data, mac());

  it('refuses the data folder and anything in it, in any case, saying it is Eidos’s own', () => {
    for (const folder of [data, `${data}/thumbnails`, '/users/ann/library/application support/eidos/models']) {
      expect(rule.refusal(folder), folder).toMatch(/Eidos's own data folder.*thumbnails/);
    }
  });

  it('accepts the home folder around it (the data folder is skipped inside), and its neighbours', () => {
    for (const folder of ['/Users/ann', '/Users/ann/Library', '/Users/ann/Pictures', '/Volumes/Photos'])
      expect(rule.refusal(folder), folder).toBeUndefined();
    expect(rule.containing(`${data}/thumbnails/ab/cd.webp`)?.kind).toBe('data');
    expect(rule.containing('/Users/ann/Pictures/a.jpg')).toBeUndefined();
  });

  it('refuses system trees by real path (/etc and /var lead into /private), and the whole disk', () => {
    expect(rule.refusal('/private/var/db')).toMatch(/inside \/private\/var, a system folder/);
    expect(rule.refusal('/var/log')).toMatch(/\/private\/var\/log is inside \/private\/var, a system folder/);
    expect(rule.refusal('/etc')).toMatch(/\/private\/etc is a system folder/);
    expect(rule.refusal('/System/Library/Desktop Pictures')).toMatch(/system folder/);
    expect(rule.refusal('/system')).toMatch(/system folder/);
    expect(rule.refusal('/dev')).toMatch(/devices/);
    expect(rule.refusal('/')).toMatch(/whole disk/);
  });

  it('keeps the user’s temporary folder addable although it lies in /private/var', () => {
    expect(rule.refusal('/var/folders/x1/abc/T/unpacked-photos')).toBeUndefined();
    expect(rule.refusal('/private/var/folders/x1/abc/T')).toBeUndefined();
    // …but not the rest of /private/var/folders (other users', the system's caches).
    expect(rule.refusal('/private/var/folders/x1/abc/C')).toMatch(/system folder/);
  });

  it('follows a link to the data folder: a folder reached through it is refused', () => {
    const linked = protectedFolders(data, mac({ '/Users/ann/Desktop/eidos-link': data }));
    expect(linked.refusal('/Users/ann/Desktop/eidos-link/thumbnails')).toMatch(/Eidos's own data folder/);
  });
});

describe('protected folders on Windows', () => {
  const data = 'C:\\Users\\ann\\AppData\\Roaming\\Eidos';
  const rule = protectedFolders(data, windows);

  it('refuses the data folder and the system’s trees, in any case', () => {
    expect(rule.refusal(data)).toMatch(/Eidos's own data folder/);
    expect(rule.refusal('c:\\users\\ann\\appdata\\roaming\\eidos\\thumbnails')).toMatch(/Eidos's own data folder/);
    expect(rule.refusal('C:\\Windows')).toMatch(/system folder \(the operating system's own files\)/);
    expect(rule.refusal('c:\\WINDOWS\\System32')).toMatch(/system folder/);
    expect(rule.refusal('C:\\Program Files\\Adobe')).toMatch(/installed programs/);
    expect(rule.refusal('C:\\ProgramData')).toMatch(/system folder/);
  });

  it('accepts the home folder, %APPDATA% around the data folder, drive roots and similar names', () => {
    for (const folder of [
      'C:\\Users\\ann',
      'C:\\Users\\ann\\AppData\\Roaming',
      'C:\\',
      'D:\\',
      'C:\\Windows Photos',
      'C:\\Users\\ann\\Pictures\\Windows',
    ])
      expect(rule.refusal(folder), folder).toBeUndefined();
  });
});

describe('protected folders on this Linux machine (real paths)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('eidos-protected-')));
  afterEach(() => cleanup());

  it('refuses /proc, /sys, /dev, /etc and what lies in them, and /', () => {
    const rule = protectedFolders(join(dir, 'home'));
    expect(rule.refusal('/proc')).toMatch(/\/proc is a system folder \(a view of the running kernel/);
    expect(rule.refusal('/proc/self/fd')).toMatch(/inside \/proc, a system folder/);
    // Compared by real path: this one is the root of the file system.
    expect(rule.refusal('/proc/self/root')).toMatch(/^\/ is the whole disk/);
    expect(rule.refusal('/sys/class')).toMatch(/inside \/sys, a system folder/);
    expect(rule.refusal('/dev')).toMatch(/devices/);
    expect(rule.refusal('/etc')).toMatch(/configuration/);
    expect(rule.refusal('/')).toMatch(/whole disk/);
    expect(rule.refusal(dir)).toBeUndefined();
  });

  it('refuses the data folder through a link to it, and accepts the folder around it', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, 'thumbnails'), { recursive: true });
    symlinkSync(home, join(dir, 'alias'));
    const rule = protectedFolders(home);
    const real = realpathSync(home);
    expect(rule.refusal(join(dir, 'alias'))).toBe(
      `${real} is Eidos's own data folder (its index, thumbnails and models): indexing it would index Eidos's own thumbnails, which makes more of them. Add the folder that holds your photos; a folder around the data folder is fine (the data folder inside it is skipped).`,
    );
    expect(rule.refusal(join(dir, 'alias', 'thumbnails'))).toMatch(`is inside ${real},`);
    expect(rule.refusal(dir)).toBeUndefined();
  });
});
