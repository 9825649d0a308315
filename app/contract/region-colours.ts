/**
 * The colours the map's regions are drawn in, shared by both pictures of the map (`eidos map --png` and
 * the Map view) so a region looks the same in each: Tableau 10 then the D3 category colours that differ
 * from them, so neighbouring region ids contrast; regions beyond 16 cycle.
 */
export const REGION_COLOURS: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
];

export const regionColour = (region: number): string => REGION_COLOURS[region % REGION_COLOURS.length]!;

/**
 * The colour concepts of the concept vocabulary (models/concepts/concepts.txt, "# colours") as the colour
 * they name (CSS's named colours). White and cream would vanish on the map's white page: they are drawn
 * in the lightest tones that still show against it.
 */
export const NAMED_COLOURS: Readonly<Record<string, string>> = {
  red: '#e00000',
  crimson: '#dc143c',
  scarlet: '#ff2400',
  green: '#2e9e2e',
  blue: '#1f4fe0',
  yellow: '#f2d200',
  orange: '#ff8c00',
  purple: '#800080',
  pink: '#ff8fb3',
  white: '#d6d6d2',
  black: '#111111',
  gray: '#808080',
  brown: '#8b4513',
  beige: '#d8c8a0',
  gold: '#d4a017',
  silver: '#a8a8a8',
  turquoise: '#30d5c8',
  'navy blue': '#000080',
  teal: '#008080',
  violet: '#8f5bd6',
  magenta: '#e000e0',
  cream: '#e6d9a8',
};

/**
 * The colour a region's dots are drawn in: the colour its name says when one of its concepts is a colour
 * (the strongest such), else its place in the palette.
 */
export function regionDotColour(region: { id: number; concepts: readonly { name: string }[] }): string {
  const named = region.concepts.find((concept) => Object.hasOwn(NAMED_COLOURS, concept.name));
  return named ? NAMED_COLOURS[named.name]! : regionColour(region.id);
}

/** What a region with photos but no concept beyond chance is labelled, instead of nothing. */
export const NO_CONCEPT_LABEL = 'no concept beyond chance';
