// The Map view's region names (viewLabels in renderer/src/lib/map-draw.ts): at every zoom, the names it
// draws never overlap and stay on screen, a region with no concept beyond chance says so, and with room
// to spare no name is left out.
import { describe, expect, it } from 'vitest';
import type { MapRegion } from '../../../app/contract/types.ts';
import { fittedCamera, zoomAt } from '../../../renderer/src/lib/map-camera.ts';
import { viewLabels } from '../../../renderer/src/lib/map-draw.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';

const view = { width: 1000, height: 700 };
/** 7.5 px a character: wider than 13 px system-ui's letters, as a browser would measure them. */
const measure = (text: string) => 7.5 * text.length;

function crowded(count: number, spread: number): MapRegion[] {
  const random = mulberry32(8);
  return Array.from({ length: count }, (_, id) => ({
    id,
    x: 0.5 + spread * (random() - 0.5),
    y: 0.5 + spread * (random() - 0.5),
    photos: 500 + 100 * id,
    concepts:
      id % 5 === 4
        ? []
        : [
            { name: `concept number ${id}`, bits: 0.3 },
            { name: 'sunset', bits: 0.1 },
          ],
  }));
}

const disjoint = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;

describe('map view labels', () => {
  it.each([1, 2, 4, 8, 16])('never overlap and stay on screen at zoom ×%i', (zoom) => {
    const camera = zoomAt(fittedCamera(), view, view.width / 2, view.height / 2, zoom);
    const labels = viewLabels(crowded(16, 0.3), camera, view, 0, measure);
    expect(labels.length).toBeGreaterThan(0);
    for (let i = 0; i < labels.length; i++) {
      const { box } = labels[i]!;
      expect(box.x - box.width / 2).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width / 2).toBeLessThanOrEqual(view.width);
      expect(box.width).toBeGreaterThanOrEqual(measure(labels[i]!.text));
      for (let j = i + 1; j < labels.length; j++) expect(disjoint(box, labels[j]!.box)).toBe(true);
    }
  });

  it('names every region when there is room, and says "no concept beyond chance" where there is none', () => {
    const regions = crowded(6, 0.8);
    const labels = viewLabels(regions, fittedCamera(), view, 0, measure);
    expect(labels).toHaveLength(6);
    expect(labels.filter((l) => !l.named).map((l) => l.text)).toEqual(['no concept beyond chance']);
  });
});
