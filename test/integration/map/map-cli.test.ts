import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLOUR_NAMES } from '../../../models/synthetic/generate-model.ts';
import type { LabelRow } from '../../../models/synthetic/labels.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import { indexFolder, makeHome, runEidos } from '../../helpers/eidos-cli.ts';

// Ground truth: in the synthetic world (models/synthetic/world.ts) a photo's dominant colour is its
// background, which fills every quadrant not covered by one of its 1–3 smaller objects; the synthetic
// model sees exactly colours per quadrant. So photos of one background colour should share a region of the
// map and its name. Cost: ~40 s (200 + 20 photos at 320×240 indexed through the CLI, three map runs).
const PHOTOS = 200;
const ADDED = 20;
const NEIGHBOURS = 10;

interface MapJson {
  seed: number;
  layout: { laidOut: number; placed: number; action: string };
  regions: { id: number; photos: number; concepts: { name: string; bits: number }[] }[];
  photos: { id: string; path: string; x: number; y: number; region: number }[];
}

let home: string;
let dispose: () => void;
let library: string;
let labels: Map<string, LabelRow>;
let first: MapJson;

async function mapJson(...args: string[]): Promise<MapJson> {
  const result = await runEidos(home, ['map', '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as MapJson;
}

const backgroundOf = (path: string): string => labels.get(path)!.background;

/** Share of each photo's k nearest photos on the map that have its background colour, over `photos`. */
function neighbourAgreement(map: MapJson, photos: MapJson['photos']): number {
  let total = 0;
  for (const p of photos) {
    const nearest = map.photos
      .filter((q) => q.id !== p.id)
      .map((q) => ({ q, d: (q.x - p.x) ** 2 + (q.y - p.y) ** 2 }))
      .sort((a, b) => a.d - b.d)
      .slice(0, NEIGHBOURS);
    total += nearest.filter(({ q }) => backgroundOf(q.path) === backgroundOf(p.path)).length / NEIGHBOURS;
  }
  return total / photos.length;
}

beforeAll(async () => {
  ({ home, dispose } = await makeHome());
  library = join(home, '..', 'photos');
  const rows = await writePhotoSet(join(library, 'first'), { count: PHOTOS, width: 320, height: 240, seed: 5 });
  labels = new Map(rows.map((row) => [join(library, 'first', row.relative_path), row]));
  await indexFolder(home, library);
  first = await mapJson('--png', join(home, '..', 'map.png'));
}, 180_000);

afterAll(() => dispose?.());

describe('eidos map on the synthetic world', () => {
  it('lays out every photo and keeps photos of one dominant colour together', () => {
    expect(first.photos).toHaveLength(PHOTOS);
    expect(first.layout).toMatchObject({ laidOut: PHOTOS, placed: 0, action: 'laid-out' });
    for (const p of first.photos) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(1);
    }
    // Chance is ~1/10 (ten background colours). The synthetic model separates backgrounds completely in
    // the embedding itself (the map shows ten islands), so the map must keep almost all of it; the floor
    // leaves room for a border photo whose objects outweigh its background.
    expect(neighbourAgreement(first, first.photos)).toBeGreaterThan(0.9);
  });

  it('names the regions by the colour most of their photos have as background, never by another colour', () => {
    const named = first.regions.filter((r) => r.photos >= 10);
    expect(named.length).toBeGreaterThanOrEqual(5);
    let oneColour = 0;
    let namedByIt = 0;
    for (const region of named) {
      const members = first.photos.filter((p) => p.region === region.id);
      const counts = new Map<string, number>();
      for (const p of members) counts.set(backgroundOf(p.path), (counts.get(backgroundOf(p.path)) ?? 0) + 1);
      const [majority, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      if (count < 0.6 * members.length) continue; // a region spanning several colours has no one colour name
      oneColour++;
      const words = region.concepts.flatMap((c) => c.name.split(/\s+/));
      if (words.includes(majority)) namedByIt++;
      if (region.concepts.length === 0) continue;
      expect(region.concepts[0]!.bits).toBeGreaterThan(0);
      // Only colour words of the world may be the colour named, and only the region's own colour.
      const colour = words.find((w) => COLOUR_NAMES.includes(w));
      expect(colour, `region of ${members.length} photos, ${count} on ${majority}`).toBe(majority);
    }
    // The stopping rule may name nothing: the synthetic "gray" also matches photos with a gray object (69 of
    // these 200 stand out for it), so on this seed the region of the 16 on gray has no significant concept.
    // Most one-colour regions must still be named by their colour.
    expect(
      namedByIt / oneColour,
      `${namedByIt} of ${oneColour} one-colour regions named by their colour`,
    ).toBeGreaterThanOrEqual(0.8);
  });

  it('writes a PNG of the map', async () => {
    const meta = await sharp(join(home, '..', 'map.png')).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 1600, height: 1600 });
  });

  it('reads the stored map back unchanged in a new process, and lays out identically for the same seed', async () => {
    const stored = await mapJson();
    expect(stored.layout.action).toBe('stored');
    expect(stored.photos).toEqual(first.photos);
    const again = await mapJson('--relayout');
    expect(again.layout.action).toBe('laid-out');
    expect(again.photos).toEqual(first.photos);
  });

  it('places photos indexed later near their kind, leaving every old photo where it was', async () => {
    const rows = await writePhotoSet(join(library, 'added'), { count: ADDED, width: 320, height: 240, seed: 6 });
    for (const row of rows) labels.set(join(library, 'added', row.relative_path), row);
    await indexFolder(home); // a map exists, so indexing places the new photos on it
    const after = await mapJson();
    expect(after.layout).toMatchObject({ laidOut: PHOTOS, placed: ADDED, action: 'stored' });
    const byId = new Map(after.photos.map((p) => [p.id, p]));
    for (const p of first.photos) expect(byId.get(p.id)).toEqual(p);
    const added = after.photos.filter((p) => p.path.includes('/added/'));
    expect(added).toHaveLength(ADDED);
    expect(neighbourAgreement(after, added)).toBeGreaterThan(0.8);
  });
});
