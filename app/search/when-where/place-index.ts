/**
 * The names a query may call a place by: countries (ICU's English names and a few everyday aliases),
 * first-order regions (GeoNames admin1: "Texas", "Bavaria"), and towns of the town table
 * (app/places/town-table.ts), each with a prior that picks among places of one name: countries, then
 * regions, then towns by population ("Paris" is Paris, France before Paris, Texas). Nothing is built:
 * the table holds every name sorted by its folded form, and a lookup is a binary search (the full
 * gazetteer is for naming photos, at index time).
 */
import { foldName, namesNamed, townsNamed, townTable, type TownTable } from '../../places/town-table.ts';

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
  // Countries outrank every town (a prior above any population); regions outrank towns of their name.
  const named = (j: number): PlaceCandidate => {
    const [, kind, code, admin1, name] = towns.nameLine(j).split('\t') as [string, string, string, string, string];
    return kind === 'country'
      ? { kind: 'country', name, countryCode: code, prior: 2e9 }
      : { kind: 'region', name, countryCode: code, admin1, country: countryName(code), prior: 1e9 };
  };
  const town = (i: number): PlaceCandidate => {
    const [, name, code, admin1, region] = towns.townLine(i).split('\t') as [string, string, string, string, string];
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
        found = [...namesNamed(towns, folded).map(named), ...townsNamed(towns, folded).map(town)].sort(
          (a, b) => b.prior - a.prior,
        );
        cache.set(folded, found);
      }
      return found;
    },
    // Five words: "united states of america", "bosnia and herzegovina", "new york city" fit.
    maxWords: 5,
  };
}

/** How a candidate reads on a chip and in the CLI: "Paris, Île-de-France, France", "Texas, United States". */
export function candidateLabel(c: PlaceCandidate): string {
  if (c.kind === 'country') return c.name;
  if (c.kind === 'region') return `${c.name}, ${c.country}`;
  return [c.name, ...(c.region && c.region !== c.name ? [c.region] : []), c.country].join(', ');
}
