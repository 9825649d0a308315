/**
 * Generates a synthetic photo set: JPEGs in nested folders plus `labels.csv` (the ground truth). Each
 * photo's `description` names everything the synthetic model can see (colours and quadrants, background),
 * and no two photos share one, so the description should retrieve its photo first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { EidosError } from '../../app/contract/errors.ts';
import { toCsv, type LabelRow, LABEL_COLUMNS } from './labels.ts';
import { createRng, type Rng } from './random.ts';
import { renderScene } from './render.ts';
import {
  COLOUR_NAMES,
  QUADRANTS,
  SHAPES,
  describeScene,
  objectsLabel,
  sceneColours,
  type Scene,
  type SceneObject,
} from './world.ts';

export interface PhotoSetOptions {
  count: number;
  width: number;
  height: number;
  seed: number;
}

export const DEFAULT_PHOTO_SET: PhotoSetOptions = { count: 200, width: 640, height: 480, seed: 1 };
const JPEG_QUALITY = 88;
/**
 * Disc radius as a fraction of the square view (a quadrant is 0.5 wide); a rect gets the same area.
 * A narrow range: the model sees colour *area*, so a description must not prefer a photo whose objects
 * are merely bigger (and hold an extra one) over the photo it describes.
 */
const MIN_RADIUS = 0.14;
const MAX_RADIUS = 0.17;
/** Half-side of a square with the area of a disc of radius 1: √π / 2. */
const SQUARE_OF_DISC = Math.sqrt(Math.PI) / 2;
/** Objects keep this far from their quadrant's edges, so each lies in one quadrant only. */
const QUADRANT_MARGIN = 0.01;

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function sampleObject(colour: string, quadrant: (typeof QUADRANTS)[number], rng: Rng): SceneObject {
  const shape = SHAPES[rng.int(SHAPES.length)]!;
  const radius = rng.uniform(MIN_RADIUS, MAX_RADIUS);
  const stretch = shape === 'disc' ? 1 : Math.sqrt(rng.uniform(0.8, 1.25));
  const halfSide = shape === 'disc' ? radius : radius * SQUARE_OF_DISC;
  const halfWidth = halfSide * stretch;
  const halfHeight = halfSide / stretch;
  const slack = (extent: number) => 0.25 - QUADRANT_MARGIN - extent;
  const centre = (isSecondHalf: boolean, extent: number) =>
    (isSecondHalf ? 0.75 : 0.25) + rng.uniform(-slack(extent), slack(extent));
  return {
    colour,
    shape,
    quadrant,
    centreX: centre(quadrant.endsWith('right'), halfWidth),
    centreY: centre(quadrant.startsWith('bottom'), halfHeight),
    halfWidth,
    halfHeight,
  };
}

export function sampleScene(rng: Rng): Scene {
  const background = COLOUR_NAMES[rng.int(COLOUR_NAMES.length)]!;
  const count = 1 + rng.int(3);
  const quadrants = shuffled(QUADRANTS, rng).slice(0, count);
  const colours = shuffled(
    COLOUR_NAMES.filter((c) => c !== background),
    rng,
  ).slice(0, count);
  return { background, objects: quadrants.map((q, i) => sampleObject(colours[i]!, q, rng)) };
}

/** `count` scenes with distinct descriptions, the same for the same seed. */
export function sampleScenes(count: number, seed: number): Scene[] {
  const rng = createRng(seed);
  const scenes: Scene[] = [];
  const seen = new Set<string>();
  for (let attempts = 0; scenes.length < count; attempts++) {
    if (attempts > count * 50) {
      throw new EidosError(
        'BAD_ARGUMENT',
        `Cannot make ${count} photos with distinct descriptions (got ${scenes.length}); ask for fewer photos.`,
      );
    }
    const scene = sampleScene(rng);
    const description = describeScene(scene);
    if (seen.has(description)) continue;
    seen.add(description);
    scenes.push(scene);
  }
  return scenes;
}

/** Nested folders, as a real library has: `album-00/roll-1/synth-00001.jpg`. */
export function photoPath(index: number): string {
  const album = String(Math.floor(index / 100)).padStart(2, '0');
  return `album-${album}/roll-${index % 3}/synth-${String(index).padStart(5, '0')}.jpg`;
}

/** Writes the photos and `labels.csv` into `dir`; returns the label rows. */
export async function writePhotoSet(dir: string, options: PhotoSetOptions = DEFAULT_PHOTO_SET): Promise<LabelRow[]> {
  const { count, width, height, seed } = options;
  if (!Number.isInteger(count) || count < 1)
    throw new EidosError('BAD_ARGUMENT', `Photo count must be a positive integer, got ${count}.`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || Math.min(width, height) < 64 || width * height > 64e6) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `Photo size ${width}x${height} is out of range: each side at least 64 px, at most 64 megapixels.`,
    );
  }
  const rows: LabelRow[] = [];
  const scenes = sampleScenes(count, seed);
  for (const [index, scene] of scenes.entries()) {
    // Each photo's pixels get their own stream, so photo i does not depend on the photos before it.
    const image = renderScene(scene, width, height, createRng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0));
    const relativePath = photoPath(index);
    const file = join(dir, relativePath);
    mkdirSync(dirname(file), { recursive: true });
    await sharp(image.pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: JPEG_QUALITY })
      .toFile(file);
    rows.push({
      relative_path: relativePath,
      description: describeScene(scene),
      background: scene.background,
      objects: objectsLabel(scene),
      colours: sceneColours(scene).join(';'),
      width,
      height,
    });
  }
  writeFileSync(join(dir, 'labels.csv'), toCsv(LABEL_COLUMNS, rows));
  return rows;
}
