/**
 * The names a query may call a place by: countries (ICU's English names and a few everyday aliases),
 * first-order regions (GeoNames admin1: "Texas", "Bavaria"), and towns of the town table
 * (app/places/town-table.ts), each with a prior that picks among places of one name: countries, then
 * regions, then towns by population ("Paris" is Paris, France before Paris, Texas). Built on the first
 * query, from the town table alone (the full gazetteer is for naming photos, at index time).
 */
import { foldName, townsNamed, townTable, type TownTable } from '../../places/town-table.ts';

export { foldName };

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

export function placeIndex(): PlaceIndex {
  built ??= buildPlaceIndex(townTable());
  return built;
}

export function buildPlaceIndex(towns: TownTable): PlaceIndex {
  const countryName = (code: string) => towns.countries.get(code) ?? code;
  const named = new Map<string, PlaceCandidate[]>();
  let maxWords = 1;
  const add = (name: string, candidate: PlaceCandidate) => {
    const folded = foldName(name);
    if (folded === '') return;
    maxWords = Math.max(maxWords, folded.split(' ').length);
    const list = named.get(folded);
    if (list) list.push(candidate);
    else named.set(folded, [candidate]);
  };
  // Countries outrank every town (a prior above any population); regions outrank towns of their name.
  for (const [code, name] of towns.countries) {
    const candidate: PlaceCandidate = { kind: 'country', name, countryCode: code, prior: 2e9 };
    add(name, candidate);
    for (const alias of COUNTRY_ALIASES[code] ?? []) add(alias, candidate);
  }
  for (const [key, name] of towns.regions) {
    const [code, admin1] = key.split('.') as [string, string];
    add(name, { kind: 'region', name, countryCode: code, admin1, country: countryName(code), prior: 1e9 });
  }
  // Towns are found by binary search over the table's sorted lines: nothing to build for them. Their
  // longest name (in words) bounds how far the reader looks ahead.
  maxWords = Math.max(maxWords, 5);
  const town = (i: number): PlaceCandidate => {
    const [, name, code, admin1, region] = towns.lines[i]!.split('\t') as [string, string, string, string, string];
    return {
      kind: 'city',
      name,
      countryCode: code,
      admin1,
      ...(region !== '' ? { region } : {}),
      country: countryName(code),
      lat: towns.lat[i]!,
      lon: towns.lon[i]!,
      population: towns.population[i]!,
      prior: towns.population[i]!,
    };
  };
  const cache = new Map<string, PlaceCandidate[]>();
  return {
    lookup(folded) {
      let found = cache.get(folded);
      if (!found) {
        found = [...(named.get(folded) ?? []), ...townsNamed(towns, folded).map(town)].sort(
          (a, b) => b.prior - a.prior,
        );
        cache.set(folded, found);
      }
      return found;
    },
    maxWords: Math.min(maxWords, 5),
  };
}

/** How a candidate reads on a chip and in the CLI: "Paris, Île-de-France, France", "Texas, United States". */
export function candidateLabel(c: PlaceCandidate): string {
  if (c.kind === 'country') return c.name;
  if (c.kind === 'region') return `${c.name}, ${c.country}`;
  return [c.name, ...(c.region && c.region !== c.name ? [c.region] : []), c.country].join(', ');
}
