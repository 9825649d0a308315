import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Io } from '../../../app/cli/command.ts';
import { indexCommand } from '../../../app/cli/commands/index-command.ts';
import { Encoder, type EncoderOptions } from '../../../app/encoders/encoder.ts';
import { fetchModel } from '../../../app/models/fetch-model.ts';
import { modelsDir } from '../../../app/paths.ts';
import type { TextGate } from '../../../app/ocr/text-gate.ts';
import type { TextReader } from '../../../app/ocr/text-reader.ts';
import { Engine } from '../../../app/service/engine.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';

// A one-shot `eidos index` must never hold two models at once (its peak memory): the vision tower's worker
// is gone before the text reader reads the first photo, and the reader's before the text tower (the prior's
// concept prompts) is asked for. Only the reader's detector looks for text beside the vision tower, in the
// image pass (app/ocr/text-gate.ts; it loads the recogniser for a photo it reads). A long-running engine
// keeps them for the next run. Each folder holds one real photo with words (text-in-photos), so text is read.
const TEXT_SET = resolve(import.meta.dirname, '../../../../shared/photos/text-in-photos/images');
let root: string;
const openEncoder = Encoder.open.bind(Encoder);

/** What the engine does with its encoders, in order; and whether the vision tower still answered when the text tower was asked for. */
function watchEncoders(): { events: string[]; visionAnsweredWhenTextOpened: boolean[]; looksAfter: string[] } {
  const seen = {
    events: [] as string[],
    visionAnsweredWhenTextOpened: [] as boolean[],
    /** The event last logged when the gate's look was asked for, each time. */
    looksAfter: [] as string[],
  };
  let vision: Encoder | undefined;
  vi.spyOn(Encoder, 'open').mockImplementation(async (options: EncoderOptions) => {
    const tower = options.towers.join('+');
    if (tower === 'text' && vision) {
      // Independent of the event log: a closed encoder refuses work, an open one embeds it.
      const size = options.model.preprocess.size;
      const answered = await vision.embedImages(new Float32Array(3 * size * size), 1).then(
        () => true,
        () => false,
      );
      seen.visionAnsweredWhenTextOpened.push(answered);
    }
    seen.events.push(`open ${tower}`);
    const encoder = await openEncoder(options);
    if (tower === 'vision') vision = encoder;
    const close = encoder.close.bind(encoder);
    encoder.close = async () => {
      await close();
      seen.events.push(`closed ${tower}`);
    };
    return encoder;
  });
  // The text reader: its first read of a run, and its close.
  const wrapped = new WeakSet<TextReader>();
  const reader = Engine.prototype.reader;
  vi.spyOn(Engine.prototype, 'reader').mockImplementation(async function (this: Engine) {
    const opened = await reader.call(this);
    if (!wrapped.has(opened)) {
      wrapped.add(opened);
      const readPhoto = opened.readPhoto.bind(opened);
      const close = opened.close.bind(opened);
      opened.readPhoto = (file, bytes) => {
        if (seen.events.at(-1) !== 'read text') seen.events.push('read text');
        return readPhoto(file, bytes);
      };
      opened.close = async () => {
        await close();
        seen.events.push('closed reader');
      };
      const gate = opened.gate;
      if (gate)
        (opened as { gate?: TextGate }).gate = {
          longestEdge: gate.longestEdge,
          sizeFor: (width, height) => gate.sizeFor(width, height),
          mayHoldText: (file, pixels) => {
            seen.looksAfter.push(seen.events.at(-1) ?? 'nothing');
            return gate.mayHoldText(file, pixels);
          },
        };
    }
    return opened;
  });
  return seen;
}

const quietIo: Io = { out: () => {}, err: () => {}, progress: () => {}, isTTY: false };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eidos-one-shot-'));
  await writePhotoSet(join(root, 'photos'), { count: 12, width: 160, height: 120, seed: 5 });
  await writePhotoSet(join(root, 'more'), { count: 4, width: 160, height: 120, seed: 6 });
  copyFileSync(join(TEXT_SET, 'receipt/sroie_X51005255805.jpg'), join(root, 'photos', 'receipt.jpg'));
  copyFileSync(join(TEXT_SET, 'scene/icdar15_test_img_11.jpg'), join(root, 'more', 'scene.jpg'));
}, 120_000);

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function freshHome(name: string): Promise<string> {
  const home = join(root, name);
  await fetchModel('synthetic-tiny', {}, { modelsDir: modelsDir(home) });
  return home;
}

describe('the towers of an indexing run', () => {
  it('`eidos index` closes the vision tower before the text reader reads, and the reader before it asks for the text tower', async () => {
    const home = await freshHome('one-shot');
    vi.stubEnv('EIDOS_HOME', home);
    const seen = watchEncoders();
    const code = await indexCommand.run(
      { positionals: [join(root, 'photos')], values: { model: 'synthetic-tiny' }, json: false },
      quietIo,
    );
    expect(code).toBe(0);
    expect(seen.events).toEqual([
      'open vision',
      'closed vision',
      'read text',
      'closed reader',
      'open text',
      'closed text',
    ]);
    expect(seen.visionAnsweredWhenTextOpened).toEqual([false]);
    // Every photo had the look, each asked for before the vision tower closed (in the image pass).
    expect(seen.looksAfter).toHaveLength(13);
    expect(seen.looksAfter.every((event) => event === 'nothing' || event === 'open vision')).toBe(true);
  }, 120_000);

  it('a long-running engine keeps both towers, and its next run reuses the vision tower', async () => {
    const home = await freshHome('long-running');
    const seen = watchEncoders();
    const engine = Engine.open({ home, model: 'synthetic-tiny' });
    try {
      engine.addFolders([join(root, 'photos')]);
      expect((await engine.index()).encoded).toBe(13);
      expect(seen.events).toEqual(['open vision', 'read text', 'open text']);
      expect(seen.visionAnsweredWhenTextOpened).toEqual([true]);
      engine.addFolders([join(root, 'more')]);
      expect((await engine.index()).encoded).toBe(5);
      expect(seen.events).toEqual(['open vision', 'read text', 'open text', 'read text']);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
