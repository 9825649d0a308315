/**
 * The synthetic world: photos of a coloured background with one to three coloured shapes, each in one
 * quadrant of the square the model sees, and the words that describe them. The synthetic model
 * (generate-model.ts) knows exactly these colours and positions, so retrieval, negative terms and
 * feature explanations have ground truth.
 */
import { EidosError } from '../../app/contract/errors.ts';

export type Rgb = readonly [number, number, number];

export interface ColourSpec {
  name: string;
  /** sRGB 0..255. Pairwise at least 80 apart so noise, gradients and JPEG never change a pixel's colour. */
  rgb: Rgb;
  /** Other single CLIP tokens that mean the same colour (the model maps them to the same feature). */
  synonyms: readonly string[];
}

export const COLOURS: readonly ColourSpec[] = [
  { name: 'red', rgb: [220, 30, 40], synonyms: ['crimson', 'scarlet'] },
  { name: 'green', rgb: [40, 160, 60], synonyms: [] },
  { name: 'blue', rgb: [30, 70, 220], synonyms: [] },
  { name: 'yellow', rgb: [245, 220, 40], synonyms: [] },
  { name: 'orange', rgb: [245, 140, 20], synonyms: [] },
  { name: 'purple', rgb: [125, 45, 165], synonyms: ['violet'] },
  { name: 'pink', rgb: [250, 150, 205], synonyms: [] },
  { name: 'white', rgb: [245, 245, 245], synonyms: [] },
  { name: 'black', rgb: [20, 20, 20], synonyms: [] },
  { name: 'gray', rgb: [128, 128, 128], synonyms: ['grey'] },
];

export const COLOUR_NAMES: readonly string[] = COLOURS.map((c) => c.name);

/** Quadrants of the model's square view, in the order of the model's quadrant features (row-major). */
export const QUADRANTS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;
export type Quadrant = (typeof QUADRANTS)[number];

/**
 * Words that place the colour word before them ("red top left", "a red disc at the upper left").
 * `background` spreads the colour over all four quadrants.
 */
export const POSITION_ROLES = ['top', 'bottom', 'left', 'right', 'background'] as const;
export type PositionRole = (typeof POSITION_ROLES)[number];
export const POSITION_WORDS: Readonly<Record<string, PositionRole>> = {
  top: 'top',
  upper: 'top',
  bottom: 'bottom',
  lower: 'bottom',
  left: 'left',
  right: 'right',
  background: 'background',
};

export const SHAPES = ['disc', 'rect'] as const;
export type Shape = (typeof SHAPES)[number];

/** One object. Coordinates are fractions of the model's square view (0..1, origin top-left). */
export interface SceneObject {
  colour: string;
  shape: Shape;
  quadrant: Quadrant;
  centreX: number;
  centreY: number;
  /** Half-extents: equal (the radius) for a disc. */
  halfWidth: number;
  halfHeight: number;
}

export interface Scene {
  background: string;
  /** At most one object per quadrant, colours distinct and different from the background. */
  objects: SceneObject[];
}

export function colourSpec(name: string): ColourSpec {
  const spec = COLOURS.find((c) => c.name === name);
  if (!spec)
    throw new EidosError(
      'BAD_ARGUMENT',
      `Unknown colour "${name}"; the synthetic world knows ${COLOUR_NAMES.join(', ')}.`,
    );
  return spec;
}

/** Objects in quadrant order, so a description and a signature do not depend on drawing order. */
function sortedObjects(scene: Scene): SceneObject[] {
  return [...scene.objects].sort((a, b) => QUADRANTS.indexOf(a.quadrant) - QUADRANTS.indexOf(b.quadrant));
}

/** "red top left, blue bottom right, green background": what the model can see, and all of it. */
export function describeScene(scene: Scene): string {
  const parts = sortedObjects(scene).map((o) => `${o.colour} ${o.quadrant.replace('-', ' ')}`);
  return [...parts, `${scene.background} background`].join(', ');
}

/** `red:disc:top-left;blue:rect:bottom-right` (the labels.csv `objects` column). */
export function objectsLabel(scene: Scene): string {
  return sortedObjects(scene)
    .map((o) => `${o.colour}:${o.shape}:${o.quadrant}`)
    .join(';');
}

/** Every colour in the photo, background included, in palette order. */
export function sceneColours(scene: Scene): string[] {
  const present = new Set([scene.background, ...scene.objects.map((o) => o.colour)]);
  return COLOUR_NAMES.filter((name) => present.has(name));
}
