import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsPath } from '../../../app/util/file-path.ts';
import { scanLibrary, type ScanEvent, type ScanOptions } from '../../../app/library/scan.ts';
import { protectedFolders } from '../../../app/library/protected-folders.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { writeTree } from './tree.ts';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ dir: root, cleanup } = tempDir('eidos-scan-')));
afterEach(() => cleanup());

async function collect(roots: string[], options: ScanOptions = {}): Promise<ScanEvent[]> {
  const events: ScanEvent[] = [];
  for await (const event of scanLibrary(roots, options)) events.push(event);
  return events;
}
const filesOf = (events: ScanEvent[]) => events.flatMap((e) => (e.kind === 'file' ? [e.file] : []));
const problemsOf = (events: ScanEvent[]) => events.flatMap((e) => (e.kind === 'problem' ? [e.problem] : []));
const relativePaths = (events: ScanEvent[]) =>
  filesOf(events)
    .map((file) => file.path.slice(root.length + 1))
    .sort();
const isRoot = process.getuid?.() === 0;

describe('scanLibrary', () => {
  it('finds photos and videos by extension in any case, through nested and unicode-named folders, with size, mtime and format', async () => {
    writeTree(root, {
      'a.jpg': 'x'.repeat(11),
      'B.JPEG': undefined,
      'Été 2024/plage.HeIc': undefined,
      '日本/東京/夜.webp': undefined,
      '🎉/party.png': undefined,
      'raw/IMG_0001.CR2': undefined,
      'raw/DSC.nef': undefined,
      'scan.TIF': undefined,
      'notes.txt': undefined,
      'video.mp4': undefined,
      'clip.MOV': undefined,
      'song.mp3': undefined,
      noext: undefined,
    });
    const events = await collect([root]);
    expect(problemsOf(events)).toEqual([]);
    expect(relativePaths(events)).toEqual(
      [
        'B.JPEG',
        'a.jpg',
        'raw/DSC.nef',
        'raw/IMG_0001.CR2',
        'scan.TIF',
        // Videos are indexed by their moments (app/video); audio is not.
        'clip.MOV',
        'video.mp4',
        'Été 2024/plage.HeIc',
        '日本/東京/夜.webp',
        '🎉/party.png',
      ].sort(),
    );
    const a = filesOf(events).find((file) => file.path.endsWith('a.jpg'));
    expect(a).toMatchObject({ root, size: 11, format: 'jpeg' });
    expect(a?.rawPath).toBeUndefined();
    expect(Object.fromEntries(filesOf(events).map((f) => [f.path.slice(root.length + 1), f.format]))).toMatchObject({
      'Été 2024/plage.HeIc': 'heic',
      'raw/IMG_0001.CR2': 'cr2',
      'scan.TIF': 'tiff',
      'clip.MOV': 'mov',
      'video.mp4': 'mp4',
    });
  });

  it('skips hidden entries, system folders and Photos-library caches, but keeps Photos originals', async () => {
    writeTree(root, {
      'keep.jpg': undefined,
      '.hidden/secret.jpg': undefined,
      '._keep.jpg': undefined,
      '.git/objects/x.png': undefined,
      'node_modules/pkg/logo.png': undefined,
      '@eaDir/keep.jpg/SYNOPHOTO_THUMB_XL.jpg': undefined,
      '$RECYCLE.BIN/old.jpg': undefined,
      'Photos Library.photoslibrary/originals/A/IMG_1.heic': undefined,
      'Photos Library.photoslibrary/resources/derivatives/IMG_1_thumb.jpg': undefined,
      'Photos Library.photoslibrary/database/x.jpg': undefined,
    });
    expect(relativePaths(await collect([root]))).toEqual([
      'Photos Library.photoslibrary/originals/A/IMG_1.heic',
      'keep.jpg',
    ]);
  });

  it('follows symbolic links inside the library but enters every folder once, so a loop ends', async () => {
    writeTree(root, { 'a/one.jpg': undefined, 'a/b/two.jpg': undefined });
    symlinkSync('..', join(root, 'a', 'b', 'up')); // a/b/up → a: a loop
    symlinkSync(join(root, 'a'), join(root, 'again')); // the same folder by another path
    symlinkSync('one.jpg', join(root, 'a', 'link.jpg')); // a link to a photo is a photo
    const outside = tempDir('eidos-outside-');
    try {
      writeTree(outside.dir, { 'far.png': undefined });
      symlinkSync(outside.dir, join(root, 'elsewhere'));
      symlinkSync(join(outside.dir, 'far.png'), join(root, 'far-link.png'));
      const events = await collect([root]);
      const paths = relativePaths(events);
      // Each folder once: whichever path reached a/ first lists it (sorted order is not depth order, so check counts).
      expect(paths.filter((p) => p.endsWith('one.jpg'))).toHaveLength(1);
      expect(paths.filter((p) => p.endsWith('two.jpg'))).toHaveLength(1);
      expect(paths.filter((p) => p.endsWith('link.jpg'))).toHaveLength(1);
      expect(paths).toHaveLength(3);
      // Links out of the library are reported with where they lead, never followed.
      const problems = problemsOf(events).map((p) => [p.path.slice(root.length + 1), p.code, p.isDirectory]);
      expect(problems.sort()).toEqual([
        ['elsewhere', 'OUTSIDE_LIBRARY', true],
        ['far-link.png', 'OUTSIDE_LIBRARY', false],
      ]);
      for (const p of problemsOf(events)) expect(p.reason).toContain(outside.dir);
      // The same folder added to the library makes the link an inside one.
      expect(
        relativePaths(await collect([root, outside.dir])).filter((p) => p.endsWith('far.png')).length,
      ).toBeGreaterThan(0);
    } finally {
      outside.cleanup();
    }
  });

  it('reports a broken link, a missing root and a non-regular photo-named file as problems and goes on', async () => {
    writeTree(root, { 'ok.jpg': undefined });
    symlinkSync(join(root, 'gone.jpg'), join(root, 'dangling.jpg'));
    symlinkSync(join(root, 'no-such-folder'), join(root, 'dangling-folder'));
    execFileSync('mkfifo', [join(root, 'pipe.jpg')]);
    const missing = join(root, 'unmounted-disk');
    const events = await collect([missing, root]);
    expect(relativePaths(events)).toEqual(['ok.jpg']);
    const problems = problemsOf(events).map((p) => [p.path.slice(root.length + 1), p.code, p.isDirectory]);
    expect(problems.sort()).toEqual(
      [
        ['dangling-folder', 'NOT_FOUND', false],
        ['dangling.jpg', 'NOT_FOUND', false],
        ['pipe.jpg', 'UNSUPPORTED_FORMAT', false],
        ['unmounted-disk', 'NOT_FOUND', true],
      ].sort(),
    );
  });

  it.skipIf(isRoot)('reports an unreadable folder and scans the rest (needs a non-root user)', async () => {
    writeTree(root, { 'ok.jpg': undefined, 'locked/secret.jpg': undefined });
    chmodSync(join(root, 'locked'), 0o000);
    try {
      const events = await collect([root]);
      expect(relativePaths(events)).toEqual(['ok.jpg']);
      expect(problemsOf(events).map((p) => [p.path, p.code, p.isDirectory])).toEqual([
        [join(root, 'locked'), 'UNREADABLE', true],
      ]);
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
  });

  it.runIf(process.platform === 'linux')(
    'keeps names that are not valid UTF-8 as exact bytes that reopen the file',
    async () => {
      const name = Buffer.concat([Buffer.from(`${root}/caf`), Buffer.from([0xe9]), Buffer.from('.jpg')]); // Latin-1 é
      writeFileSync(name, 'latin-1 named photo');
      const [file] = filesOf(await collect([root]));
      expect(file?.rawPath?.equals(name)).toBe(true);
      expect(file?.path).toBe(`${root}/caf\ufffd.jpg`);
      expect(existsSync(file?.path ?? '')).toBe(false); // the text form alone would have lost the file
      expect(readFileSync(fsPath(file ?? { path: '' }), 'utf8')).toBe('latin-1 named photo');
    },
  );

  it('handles 255-byte names and paths longer than 1000 characters', async () => {
    const longName = `${'é'.repeat(125)}.jpg`; // 250 + 4 = 254 bytes
    const deep = Array.from({ length: 12 }, (_, i) => `${i}`.padEnd(100, 'd')).join('/');
    mkdirSync(join(root, deep), { recursive: true });
    writeTree(root, { [longName]: undefined, [`${deep}/deep.png`]: undefined });
    const paths = relativePaths(await collect([root]));
    expect(paths).toEqual([`${deep}/deep.png`, longName].sort());
    expect(Buffer.byteLength(longName)).toBe(254);
  });

  it('never enters Eidos’s data folder inside a library folder, by any path; a library folder that is the data folder is listed as refused', async () => {
    // A home folder holding the data folder (as ~/Library/Application Support/Eidos or %APPDATA%\Eidos do).
    writeTree(root, {
      'Pictures/a.jpg': undefined,
      'eidos-data/thumbnails/ab/0001.webp': undefined,
      'eidos-data/thumbnails/ab/0002.jpg': undefined,
      'eidos-data/models/m/preview.png': undefined,
    });
    const data = join(root, 'eidos-data');
    symlinkSync(join(data, 'thumbnails'), join(root, 'Pictures', 'thumbs-link'));
    symlinkSync(data, join(root, 'data-link'));
    const guard = protectedFolders(data);
    const events = await collect([root], { protected: guard });
    expect(relativePaths(events)).toEqual(['Pictures/a.jpg']);
    expect(problemsOf(events)).toEqual([]);
    // Without the rule the same tree yields the thumbnails (the loop the rule exists to stop).
    expect(relativePaths(await collect([root])).filter((path) => path.endsWith('0001.webp'))).toHaveLength(1);

    const refused = await collect([data, join(data, 'thumbnails')], { protected: guard });
    expect(filesOf(refused)).toEqual([]);
    expect(problemsOf(refused).map((p) => [p.path, p.code, p.isDirectory])).toEqual([
      [data, 'FORBIDDEN', true],
      [join(data, 'thumbnails'), 'FORBIDDEN', true],
    ]);
    expect(problemsOf(refused)[0]?.reason).toMatch(
      /^not scanned: .* is Eidos's own data folder.*Remove it from the library\.$/,
    );
  });
});
