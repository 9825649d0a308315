import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readLabels } from '../../../models/synthetic/labels.ts';
import { sampleScenes, writePhotoSet } from '../../../models/synthetic/photos.ts';
import { COLOURS, COLOUR_NAMES, QUADRANTS, describeScene } from '../../../models/synthetic/world.ts';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'eidos-synth-photos-'));

describe('synthetic photo set', () => {
  it('writes JPEGs in nested folders and a labels.csv that reads back the same', async () => {
    const dir = tempDir();
    const rows = await writePhotoSet(dir, { count: 12, width: 320, height: 240, seed: 3 });
    expect(readLabels(dir)).toEqual(rows);
    for (const row of rows) {
      expect(row.relative_path.split('/').length).toBeGreaterThanOrEqual(3);
      const meta = await sharp(join(dir, row.relative_path)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 320, 240]);
    }
    expect(readFileSync(join(dir, 'labels.csv'), 'utf8').split('\n')[0]).toBe(
      'relative_path,description,background,objects,colours,width,height',
    );
  });

  it('labels agree with themselves: objects, colours and description describe one scene', async () => {
    for (const scene of sampleScenes(300, 11)) {
      expect(scene.objects.length).toBeGreaterThanOrEqual(1);
      expect(scene.objects.length).toBeLessThanOrEqual(3);
      expect(new Set(scene.objects.map((o) => o.quadrant)).size).toBe(scene.objects.length);
      const colours = scene.objects.map((o) => o.colour);
      expect(new Set([...colours, scene.background]).size).toBe(colours.length + 1);
      for (const o of scene.objects) {
        // Inside its own quadrant of the model's square view.
        const q = QUADRANTS.indexOf(o.quadrant);
        const [x0, y0] = [(q % 2) * 0.5, Math.floor(q / 2) * 0.5];
        expect(o.centreX - o.halfWidth).toBeGreaterThan(x0);
        expect(o.centreX + o.halfWidth).toBeLessThan(x0 + 0.5);
        expect(o.centreY - o.halfHeight).toBeGreaterThan(y0);
        expect(o.centreY + o.halfHeight).toBeLessThan(y0 + 0.5);
      }
    }
  });

  it('gives each photo of a set a distinct description', () => {
    const descriptions = sampleScenes(2000, 5).map(describeScene);
    expect(new Set(descriptions).size).toBe(descriptions.length);
  });

  it('draws what the labels say: the pixel at each object centre has its colour', async () => {
    const dir = tempDir();
    const [row] = await writePhotoSet(dir, { count: 1, width: 400, height: 300, seed: 9 });
    const { data, info } = await sharp(join(dir, row!.relative_path)).raw().toBuffer({ resolveWithObject: true });
    const scene = sampleScenes(1, 9)[0]!;
    const side = Math.min(info.width, info.height);
    const left = (info.width - side) / 2;
    for (const o of scene.objects) {
      const x = Math.round(left + o.centreX * side);
      const y = Math.round(o.centreY * side);
      const at = (y * info.width + x) * 3;
      const pixel = [data[at]!, data[at + 1]!, data[at + 2]!];
      // Nearest palette colour by RGB distance.
      const nearest = COLOURS.reduce((best, c) =>
        Math.hypot(...c.rgb.map((v, i) => v - pixel[i]!)) < Math.hypot(...best.rgb.map((v, i) => v - pixel[i]!))
          ? c
          : best,
      );
      expect(nearest.name).toBe(o.colour);
    }
    expect(COLOUR_NAMES).toContain(row!.background);
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    const rowsA = await writePhotoSet(a, { count: 3, width: 160, height: 120, seed: 4 });
    await writePhotoSet(b, { count: 3, width: 160, height: 120, seed: 4 });
    await writePhotoSet(c, { count: 3, width: 160, height: 120, seed: 5 });
    for (const row of rowsA) {
      expect(readFileSync(join(b, row.relative_path)).equals(readFileSync(join(a, row.relative_path)))).toBe(true);
    }
    expect(readFileSync(join(c, 'labels.csv'), 'utf8')).not.toBe(readFileSync(join(a, 'labels.csv'), 'utf8'));
  });

  it('makes a 12-megapixel (4000×3000) photo', async () => {
    const dir = tempDir();
    const [row] = await writePhotoSet(dir, { count: 1, width: 4000, height: 3000, seed: 2 });
    const meta = await sharp(join(dir, row!.relative_path)).metadata();
    expect([meta.width, meta.height]).toEqual([4000, 3000]);
  });
});
