/** Everyday names of countries that ICU's English names are not ("USA", "Holland"), by ISO code. */
export const COUNTRY_ALIASES: Readonly<Record<string, readonly string[]>> = {
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
