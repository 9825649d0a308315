import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanLibrary, type ScanEvent } from '../../../app/library/scan.ts';
import { withoutRawTwins } from '../../../app/library/raw-twins.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ dir: root, cleanup } = tempDir('eidos-twins-')));
afterEach(() => cleanup());

async function scan(): Promise<{ files: string[]; problems: number }> {
  const events: ScanEvent[] = [];
  for await (const event of scanLibrary([root])) events.push(event);
  const files = events.flatMap((e) => (e.kind === 'file' ? [e.file.path.slice(root.length + 1)] : [])).sort();
  return { files, problems: events.filter((e) => e.kind === 'problem').length };
}

describe('RAW + JPEG pairs and Live Photo halves', () => {
  it('lists a RAW file beside a JPEG or HEIF of the same name once, as the JPEG or HEIF', async () => {
    mkdirSync(join(root, 'card'));
    for (const name of [
      'IMG_0001.CR3',
      'IMG_0001.JPG',
      'IMG_0002.NEF',
      'IMG_0003.dng',
      'IMG_0003.HEIC',
      'img_0004.arw',
      'IMG_0004.jpeg',
      'IMG_0005.JPG',
    ]) {
      writeFileSync(join(root, 'card', name), 'x');
    }
    // A JPEG in another folder is not a twin.
    writeFileSync(join(root, 'IMG_0002.JPG'), 'x');
    expect(await scan()).toEqual({
      files: [
        'IMG_0002.JPG',
        'card/IMG_0001.JPG',
        'card/IMG_0002.NEF',
        'card/IMG_0003.HEIC',
        'card/IMG_0004.jpeg',
        'card/IMG_0005.JPG',
      ],
      problems: 0,
    });
  });

  it('ignores the video half of a Live Photo (a .mov beside the .heic), without a problem', async () => {
    for (const name of ['IMG_0100.HEIC', 'IMG_0100.MOV', 'IMG_0101.JPG', 'IMG_0101.mov'])
      writeFileSync(join(root, name), 'x');
    expect(await scan()).toEqual({ files: ['IMG_0100.HEIC', 'IMG_0101.JPG'], problems: 0 });
  });

  it('lists a .mov with no still of its name as a video, and other videos beside a still', async () => {
    for (const name of ['IMG_0200.MOV', 'IMG_0201.JPG', 'IMG_0201.mp4', 'clip.webm'])
      writeFileSync(join(root, name), 'x');
    expect(await scan()).toEqual({ files: ['IMG_0200.MOV', 'IMG_0201.JPG', 'IMG_0201.mp4', 'clip.webm'], problems: 0 });
  });

  it('keeps the order and every entry when no pair exists', () => {
    expect(withoutRawTwins(['b.NEF', 'a.CR2', 'c.png'], (name) => name)).toEqual(['b.NEF', 'a.CR2', 'c.png']);
    // A PNG is not a camera's own rendering of the RAW.
    expect(withoutRawTwins(['a.CR2', 'a.png'], (name) => name)).toEqual(['a.CR2', 'a.png']);
  });
});
