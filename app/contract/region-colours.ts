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
