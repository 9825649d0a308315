import type { ArgsOf } from '../../../app/contract/api.ts';

export type SearchArgs = ArgsOf<'search'>;
export type SearchFilters = NonNullable<SearchArgs['filters']>;
export type PhotoType = NonNullable<SearchFilters['type']>;

/** Drops empty fields, so an untouched filter panel sends no filters at all. */
export function cleanFilters(filters: SearchFilters): SearchFilters | undefined {
  const entries = Object.entries(filters).filter(([, value]) => value !== undefined && value !== '' && value !== false);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as SearchFilters);
}

/** The request for the current inputs, or undefined when there is nothing to search for yet. */
export function buildSearchArgs(input: {
  query: string;
  like?: string;
  sort: 'relevance' | 'date';
  filters: SearchFilters;
  top: number;
}): SearchArgs | undefined {
  const query = input.query.trim();
  if (query === '' && input.like === undefined) return undefined;
  const filters = cleanFilters(input.filters);
  return {
    // "More like this" with an empty box is the photo alone: the contract takes `like` without a query.
    ...(query !== '' ? { query } : {}),
    top: input.top,
    sort: input.sort,
    ...(filters ? { filters } : {}),
    ...(input.like !== undefined ? { like: input.like } : {}),
  };
}
