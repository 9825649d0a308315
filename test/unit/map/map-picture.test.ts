// The map as a PNG (app/map/map-picture.ts), read back pixel by pixel: region names never overlap (every
// pixel of text ink lies in its own name's box, and the boxes are disjoint), a region named by a colour
// has its dots in that colour, and a region with no concept beyond chance says so.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { LibraryMap } from '../../../app/contract/types.ts';
import { mapPicture, pictureLabels } from '../../../app/map/map-picture.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';

const SIZE = 800;
const MARGIN = 0.04;
const toPixel = (v: number): number => (MARGIN + (1 - 2 * MARGIN) * v) * SIZE;

/** 12 regions crowded into the middle of the map, so their names compete for the same room. */
function crowdedMap(): LibraryMap {
  const random = mulberry32(2);
  const names = [
    ['red'],
    ['blue', 'beach'],
    ['mountain', 'snow'],
    [],
    ['birthday party', 'cake'],
    ['dog'],
    ['city at night', 'street'],
    [],
    ['forest', 'hiking'],
    ['wedding'],
    ['boat', 'harbour'],
    ['food', 'restaurant'],
  ];
  const centres = names.map(() => [0.4 + 0.2 * random(), 0.4 + 0.2 * random()] as const);
  const xy: number[] = [];
  const region: number[] = [];
  for (let i = 0; i < 600; i++) {
    const id = i % names.length;
    xy.push(centres[id]![0] + 0.03 * (random() - 0.5), centres[id]![1] + 0.03 * (random() - 0.5));
    region.push(id);
  }
  return {
    model: 'test',
    ids: region.map((_, i) => String(i + 1)),
    xy,
    region,
    regions: names.map((concepts, id) => ({
      id,
      x: centres[id]![0],
      y: centres[id]![1],
      photos: 50,
      concepts: concepts.map((name) => ({ name, bits: 0.2 })),
    })),
    seed: 1,
    layout: {
      laidOut: 600,
      placed: 0,
      removed: 0,
      drift: 0,
      relayoutAbove: 0.2,
      computedAt: new Date(0).toISOString(),
      action: 'stored',
    },
    elapsedMs: 0,
  };
}

describe('map picture', async () => {
  const map = crowdedMap();
  const { data, info } = await sharp(await mapPicture(map, SIZE))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number): [number, number, number] => {
    const at = (Math.round(y) * SIZE + Math.round(x)) * info.channels;
    return [data[at]!, data[at + 1]!, data[at + 2]!];
  };
  const labels = pictureLabels(map, SIZE);
  const inBox = (x: number, y: number, box: (typeof labels)[number]['box']) =>
    Math.abs(x + 0.5 - box.x) <= box.width / 2 && Math.abs(y + 0.5 - box.y) <= box.height / 2;
  /** Text ink: dark and grey (the names are #1d1d1f, the "no concept" ones #6e6e73); no dot colour is. */
  const isInk = ([r, g, b]: [number, number, number]) =>
    Math.max(r, g, b) < 150 && Math.abs(r - g) < 24 && Math.abs(g - b) < 24;

  it('draws names whose boxes are disjoint, with every pixel of text inside its own name’s box', () => {
    expect(labels.length).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < labels.length; i++)
      for (let j = i + 1; j < labels.length; j++) {
        const [a, b] = [labels[i]!.box, labels[j]!.box];
        const apart =
          Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart, `${labels[i]!.text} and ${labels[j]!.text}`).toBe(true);
      }
    const inkPerLabel = labels.map(() => 0);
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++) {
        if (!isInk(pixel(x, y))) continue;
        const owner = labels.findIndex((label) => inBox(x, y, label.box));
        expect(owner, `ink at ${x},${y} outside every name`).toBeGreaterThanOrEqual(0);
        inkPerLabel[owner]!++;
      }
    for (const [i, count] of inkPerLabel.entries()) expect(count, labels[i]!.text).toBeGreaterThan(20);
  });

  it('draws a region named by a colour in that colour', () => {
    const covered = (x: number, y: number) => labels.some((label) => inBox(x, y, label.box));
    const dotsOf = (id: number) =>
      map.region.flatMap((r, i) => {
        const [x, y] = [toPixel(map.xy[2 * i]!), toPixel(map.xy[2 * i + 1]!)];
        return r === id && !covered(x, y) ? [pixel(x, y)] : [];
      });
    const red = dotsOf(0);
    const blue = dotsOf(1);
    expect(red.length).toBeGreaterThan(5);
    expect(blue.length).toBeGreaterThan(5);
    // The top dot at a point may be another region's where regions meet: most, not all.
    const share = (dots: [number, number, number][], test: (c: [number, number, number]) => boolean) =>
      dots.filter(test).length / dots.length;
    expect(share(red, ([r, g, b]) => r > 180 && g < 60 && b < 60)).toBeGreaterThan(0.6);
    expect(share(blue, ([r, g, b]) => b > 180 && r < 80 && g < 110)).toBeGreaterThan(0.6);
  });

  it('labels a region with no concept beyond chance as such', () => {
    const chance = labels.filter((label) => !label.named);
    expect(chance.length).toBeGreaterThan(0);
    for (const label of chance) expect(label.text).toBe('no concept beyond chance');
  });
});
