import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Io } from '../../../app/cli/command.ts';
import { indexCommand } from '../../../app/cli/commands/index-command.ts';
import { Encoder, type EncoderOptions } from '../../../app/encoders/encoder.ts';
import { fetchModel } from '../../../app/models/fetch-model.ts';
import { modelsDir } from '../../../app/paths.ts';
import { Engine } from '../../../app/service/engine.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';

// A one-shot `eidos index` must never hold both towers: the text tower (the prior's concept prompts) is
// gone before the vision tower is asked for, and is not asked for again. A long-running engine keeps both.
let root: string;
const openEncoder = Encoder.open.bind(Encoder);

/**
 * What the engine does with its encoders, in order; and, each time a tower is asked for, whether the
 * other tower opened before it still answered (a closed encoder refuses work, an open one embeds it:
 * independent of the event log).
 */
function watchEncoders(): { events: string[]; otherAnswered: boolean[] } {
  const seen = { events: [] as string[], otherAnswered: [] as boolean[] };
  const opened = new Map<string, Encoder>();
  vi.spyOn(Encoder, 'open').mockImplementation(async (options: EncoderOptions) => {
    const tower = options.towers.join('+');
    const other = opened.get(tower === 'text' ? 'vision' : 'text');
    if (other) {
      const size = options.model.preprocess.size;
      const work = tower === 'text' ? other.embedImages(new Float32Array(3 * size * size), 1) : other.embedTexts(['a']);
      seen.otherAnswered.push(
        await work.then(
          () => true,
          () => false,
        ),
      );
    }
    seen.events.push(`open ${tower}`);
    const encoder = await openEncoder(options);
    opened.set(tower, encoder);
    const close = encoder.close.bind(encoder);
    encoder.close = async () => {
      await close();
      seen.events.push(`closed ${tower}`);
    };
    return encoder;
  });
  return seen;
}

const quietIo: Io = { out: () => {}, err: () => {}, progress: () => {}, isTTY: false };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eidos-one-shot-'));
  await writePhotoSet(join(root, 'photos'), { count: 12, width: 160, height: 120, seed: 5 });
  await writePhotoSet(join(root, 'more'), { count: 4, width: 160, height: 120, seed: 6 });
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
  it('`eidos index` embeds the concept prompts and closes the text tower before it asks for the vision tower', async () => {
    const home = await freshHome('one-shot');
    vi.stubEnv('EIDOS_HOME', home);
    const seen = watchEncoders();
    const code = await indexCommand.run(
      { positionals: [join(root, 'photos')], values: { model: 'synthetic-tiny' }, json: false },
      quietIo,
    );
    expect(code).toBe(0);
    expect(seen.events).toEqual(['open text', 'closed text', 'open vision', 'closed vision']);
    expect(seen.otherAnswered).toEqual([false]);
    // The prior was computed all the same, from the prompts' vectors the index kept.
    const engine = Engine.open({ home, model: 'synthetic-tiny', readonly: true });
    try {
      expect((await engine.searcher.ready()).prior.logPrior).toHaveLength(12);
    } finally {
      await engine.close();
    }
    expect(seen.events.filter((e) => e.startsWith('open'))).toEqual(['open text', 'open vision']);
  }, 120_000);

  it('a long-running engine keeps both towers, and its next run reuses the vision tower', async () => {
    const home = await freshHome('long-running');
    const seen = watchEncoders();
    const engine = Engine.open({ home, model: 'synthetic-tiny' });
    try {
      engine.addFolders([join(root, 'photos')]);
      expect((await engine.index()).encoded).toBe(12);
      expect(seen.events).toEqual(['open vision', 'open text']);
      expect(seen.otherAnswered).toEqual([true]);
      engine.addFolders([join(root, 'more')]);
      expect((await engine.index()).encoded).toBe(4);
      expect(seen.events).toEqual(['open vision', 'open text']);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
