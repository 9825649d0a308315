/**
 * Places in a query's words. A place is read where the words say it is one:
 *  - after "in", "near", "at", "around", "from", "visiting" ("beach in Portugal", "near Paris");
 *  - "City, Region" or "City, Country" ("Paris, Texas", "Porto, Portugal");
 *  - a country name anywhere ("Portugal beach"), unless it is also an everyday word (AMBIGUOUS: "china
 *    plates", "a turkey", "jordan sneakers"), which needs a preposition;
 *  - the whole query, when nothing but a place (and dates) is left ("Lisbon", "Lisbon 2019").
 * Never after an article ("a turkey", "the sun"), and never an everyday word as a town ("in orange").
 * Among places of one name the largest wins (countries, then regions, then towns by population); the
 * others are offered as alternatives, each as the words that would choose it.
 */
import { candidateLabel, foldName, placeIndex, type PlaceCandidate } from './place-index.ts';
import { normalWord } from './read-when.ts';

export interface WhereReading {
  source: string;
  start: number;
  end: number;
  /** Whether the query said "near": a town's radius is wider. */
  near: boolean;
  place: PlaceCandidate;
  label: string;
  /** Other places of that name, best first: what to write instead to choose each ("Paris, Texas"). */
  alternatives: Array<{ label: string; words: string }>;
}

const PREPOSITIONS = new Set(['in', 'near', 'at', 'around', 'from', 'visiting', 'across']);
const ARTICLES = new Set(['a', 'an', 'the', 'some', 'my', 'our', 'his', 'her', 'their', 'your']);

/**
 * Place names that are also everyday English words: read only after a preposition ("in Turkey") and,
 * for towns, never (a town called Orange or Mobile must be written "Orange, California").
 */
export const AMBIGUOUS = new Set([
  'china',
  'turkey',
  'jordan',
  'chad',
  'georgia',
  'guinea',
  'jersey',
  'niger',
  'orange',
  'mobile',
  'reading',
  'bath',
  'nice',
  'split',
  'man',
  'sandy',
  'surprise',
  'eagle',
  'hope',
  'independence',
  'march',
  'sale',
  'wells',
  'deal',
  'street',
  'normal',
  'commerce',
  'enterprise',
  'liberty',
  'union',
  'victoria',
  'sun',
  'beach',
  'park',
  'river',
  'lake',
  'bay',
  'green',
  'white',
  'black',
  'brown',
  'red',
  'grand',
  'gay',
  'young',
  'long',
  'bend',
  'mesa',
  'plano',
  'temple',
  'college',
  'concord',
  'buffalo',
  'paradise',
  'lincoln',
  'jackson',
  'troy',
  'homer',
  'luck',
  'van',
  'bar',
  'ville',
  'port',
  'palm',
  'ocean',
  'beer',
  'wine',
  'kent',
  'worth',
  'north',
  'south',
  'east',
  'west',
  'central',
  'mountain',
  'valley',
  'hill',
  'hills',
  'falls',
  'springs',
  'garden',
  'gardens',
  'city',
  'town',
  'village',
  'center',
  'centre',
  'heights',
  'field',
  'grass',
  'snow',
  'water',
  'sand',
  'dirt',
  'mud',
  'rain',
  'air',
  'front',
  'play',
  'motion',
  'action',
  'love',
  'gold',
  'silver',
  'iron',
  'stone',
  'wood',
  'glass',
  'rock',
  'ice',
  'fire',
  'door',
  'ball',
  'pool',
  'sunset',
  'sunrise',
  'dusk',
  'dawn',
  'night',
  'noon',
  'home',
  'work',
  'school',
  'church',
  'san',
  'santa',
  'bell',
  'tree',
  'rose',
  'lily',
  'eden',
  'ramp',
  'net',
  'cap',
  'tiger',
]);

/** Kinds that an everyday word never names unless qualified ("Orange, California"). */
const NOT_ALONE_KINDS = new Set<PlaceCandidate['kind']>(['region', 'city']);

function qualifies(c: PlaceCandidate, qualifier: string): boolean {
  if (c.kind === 'country') return false;
  const q = foldName(qualifier);
  return (
    foldName(c.country) === q ||
    c.countryCode.toLowerCase() === q ||
    (c.kind === 'city' && c.region !== undefined && foldName(c.region) === q) ||
    (c.kind === 'city' && c.countryCode === 'US' && c.admin1.toLowerCase() === q) ||
    placeIndex()
      .lookup(q)
      .some((p) => p.kind === 'country' && p.countryCode === c.countryCode)
  );
}

/** The words that choose `c` among places of its name. */
function choosingWords(c: PlaceCandidate): string {
  if (c.kind === 'country') return c.name;
  if (c.kind === 'region') return `${c.name}, ${c.country}`;
  return `${c.name}, ${c.region && c.region !== c.name ? c.region : c.country}`;
}

/**
 * Reads places from `words` (plain words as written), skipping the indices in `taken` (dates read
 * already). A town or region alone is read when it is all the words not taken (and not "photos", "of"…).
 */
export function readWhere(words: readonly string[], taken: ReadonlySet<number>): WhereReading[] {
  const low = words.map(normalWord);
  // The first query of a process loads the town table and builds the index (test/bench/when-where.ts).
  const index = placeIndex();
  const readings: WhereReading[] = [];
  const used = new Set(taken);
  const free = (s: number, e: number) => {
    for (let k = s; k < e; k++) if (used.has(k) || k >= words.length) return false;
    return true;
  };
  const rest = words.map((_, k) => k).filter((k) => !taken.has(k) && !FILLER.has(low[k]!));

  const isCountryAt = (k: number): boolean => {
    for (let n = Math.min(index.maxWords, words.length - k); n >= 1; n--) {
      const folded = foldName(
        words
          .slice(k, k + n)
          .join(' ')
          .replace(/[,;.!?]+$/, ''),
      );
      const first = index.lookup(folded)[0];
      if (first?.kind === 'country' && !AMBIGUOUS.has(folded)) return true;
    }
    return false;
  };
  for (let k = 0; k < words.length; k++) {
    if (!free(k, k + 1)) continue;
    // "in the USA", "the Netherlands": "the" may stand before a country, never before a town or a word.
    const theCountry = low[k - 1] === 'the' && free(k - 1, k) && isCountryAt(k);
    const before = theCountry ? low[k - 2] : low[k - 1];
    const nameStart = theCountry ? k - 1 : k;
    // "at" names a place only when the name is written with a capital ("at Fountain" the town, "at fountain" the thing).
    const afterPreposition =
      before !== undefined &&
      PREPOSITIONS.has(before) &&
      free(nameStart - 1, nameStart) &&
      (before !== 'at' || /^\p{Lu}/u.test(words[k]!));
    if (!theCountry && low[k - 1] !== undefined && ARTICLES.has(low[k - 1]!)) continue;
    // Longest name first: "new york city" before "new york".
    for (let n = Math.min(index.maxWords, words.length - k); n >= 1; n--) {
      if (!free(k, k + n) || !/[\p{L}]/u.test(words[k + n - 1]!)) continue;
      // A name ends at a comma: "Paris, Texas" is a name and its qualifier.
      if (words.slice(k, k + n - 1).some((w) => /,$/.test(w))) continue;
      const folded = foldName(
        words
          .slice(k, k + n)
          .join(' ')
          .replace(/[,;.!?]+$/, ''),
      );
      let candidates = index.lookup(folded);
      if (candidates.length === 0) continue;
      let end = k + n;
      // "Paris, Texas": a qualifier after a comma chooses among the places of that name.
      const commaQualified = /,$/.test(words[k + n - 1]!) && k + n < words.length;
      if (commaQualified) {
        for (let m = Math.min(3, words.length - k - n); m >= 1; m--) {
          const qualifier = words
            .slice(k + n, k + n + m)
            .join(' ')
            .replace(/[,;.!?]+$/, '');
          const chosen = candidates.filter((c) => qualifies(c, qualifier));
          if (chosen.length > 0 && free(k + n, k + n + m)) {
            candidates = chosen;
            end = k + n + m;
            break;
          }
        }
      }
      const best = candidates[0]!;
      const isWholeQuery =
        rest.length > 0 &&
        rest[0] === nameStart &&
        rest[rest.length - 1] === end - 1 &&
        rest.length === end - nameStart;
      const ambiguous = AMBIGUOUS.has(folded);
      const qualified = end > k + n;
      const read =
        qualified ||
        (best.kind === 'country' && (!ambiguous || afterPreposition)) ||
        (!ambiguous &&
          (afterPreposition || isWholeQuery) &&
          (best.kind !== 'region' || afterPreposition || isWholeQuery));
      if (!read || (NOT_ALONE_KINDS.has(best.kind) && ambiguous && !qualified)) continue;
      const start = afterPreposition ? nameStart - 1 : nameStart;
      for (let j = start; j < end; j++) used.add(j);
      readings.push({
        source: words.slice(start, end).join(' '),
        start,
        end,
        near: before === 'near' || before === 'around',
        place: best,
        label: candidateLabel(best),
        alternatives: candidates
          .slice(1)
          .filter((c) => choosingWords(c) !== choosingWords(best))
          .slice(0, 5)
          .map((c) => ({ label: candidateLabel(c), words: choosingWords(c) })),
      });
      k = end - 1;
      break;
    }
  }
  return readings;
}

/** Words that only say "photos": left out when deciding whether the place is the whole query. */
export const FILLER = new Set([
  'photos',
  'photo',
  'pictures',
  'picture',
  'pics',
  'pic',
  'images',
  'shots',
  'taken',
  'of',
  'me',
  'us',
  'our',
  'my',
]);
