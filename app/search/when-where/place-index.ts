/**
 * The names a query may call a place by: countries (ICU's English names and a few everyday aliases),
 * first-order regions (GeoNames admin1: "Texas", "Bavaria"), and towns of at least MIN_POPULATION
 * people, each with its population as the prior that picks among places of one name ("Paris" is
 * Paris, France before Paris, Texas). Built from the gazetteer on the first query that might name a
 * place.
 */
import { gazetteer, PlaceKind, type Gazetteer } from '../../places/gazetteer.ts';

/** Smaller towns are not read from words: too many are also words ("Beach", "Sandy", "Surprise"). */
export const MIN_POPULATION = 15_000;

export type PlaceCandidate =
  | { kind: 'country'; name: string; countryCode: string; prior: number }
  | { kind: 'region'; name: string; countryCode: string; admin1: string; country: string; prior: number }
  | {
      kind: 'city';
      name: string;
      countryCode: string;
      admin1: string;
      region?: string;
      country: string;
      lat: number;
      lon: number;
      population: number;
      prior: number;
    };

/** Folded for lookup: lower case, no accents, no apostrophes or dots, hyphens as spaces. */
export function foldName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’.]/g, '')
    .replace(/[-‐]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const COUNTRY_ALIASES: Record<string, string[]> = {
  US: ['usa', 'us', 'america', 'united states of america', 'the states'],
  GB: ['uk', 'britain', 'great britain', 'england', 'scotland', 'wales'],
  NL: ['holland', 'the netherlands'],
  CZ: ['czech republic'],
  AE: ['uae'],
  KR: ['korea'],
  TR: ['turkey'],
  CI: ['ivory coast'],
  MM: ['burma'],
};

export interface PlaceIndex {
  /** Candidates of a folded name, best prior first. */
  lookup(folded: string): readonly PlaceCandidate[];
  /** Longest name in words (how far a reader looks ahead). */
  readonly maxWords: number;
}

let built: PlaceIndex | undefined;

export function placeIndex(g: Gazetteer = gazetteer()): PlaceIndex {
  if (built && g === gazetteer()) return built;
  const byName = new Map<string, PlaceCandidate[]>();
  let maxWords = 1;
  const add = (name: string, candidate: PlaceCandidate) => {
    const folded = foldName(name);
    if (folded === '') return;
    maxWords = Math.max(maxWords, folded.split(' ').length);
    const list = byName.get(folded);
    if (list) list.push(candidate);
    else byName.set(folded, [candidate]);
  };
  // Countries outrank every town (prior above any population); regions outrank towns of their name.
  for (const code of g.countries) {
    const name = g.countryName(code);
    const candidate: PlaceCandidate = { kind: 'country', name, countryCode: code, prior: 2e9 };
    add(name, candidate);
    for (const alias of COUNTRY_ALIASES[code] ?? []) add(alias, candidate);
  }
  for (const [key, name] of g.regions) {
    const [code, admin1] = key.split('.') as [string, string];
    add(name, { kind: 'region', name, countryCode: code, admin1, country: g.countryName(code), prior: 1e9 });
  }
  for (let i = 0; i < g.size; i++) {
    if (g.population[i]! < MIN_POPULATION || g.kind[i] === PlaceKind.Gone || g.kind[i] === PlaceKind.Section) continue;
    const code = g.country(i);
    const region = g.regionName(i);
    add(g.name(i), {
      kind: 'city',
      name: g.name(i),
      countryCode: code,
      admin1: g.admin1(i),
      ...(region !== undefined ? { region } : {}),
      country: g.countryName(code),
      lat: g.lat[i]!,
      lon: g.lon[i]!,
      population: g.population[i]!,
      prior: g.population[i]!,
    });
  }
  for (const list of byName.values()) list.sort((a, b) => b.prior - a.prior);
  const index: PlaceIndex = { lookup: (folded) => byName.get(folded) ?? [], maxWords: Math.min(maxWords, 5) };
  if (g === gazetteer()) built = index;
  return index;
}

/** How a candidate reads on a chip and in the CLI: "Paris, Île-de-France, France", "Texas, United States". */
export function candidateLabel(c: PlaceCandidate): string {
  if (c.kind === 'country') return c.name;
  if (c.kind === 'region') return `${c.name}, ${c.country}`;
  return [c.name, ...(c.region && c.region !== c.name ? [c.region] : []), c.country].join(', ');
}
