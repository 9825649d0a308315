/**
 * Whether chrono-node could read a date we keep from a query's words, decided without it: its first
 * parse compiles its parsers' large patterns (≈ 10 ms, and again ≈ 50 ms when V8 tiers them up on the
 * second), so a query that names nothing chrono reads must not pay for it.
 *
 * Two steps, both mirroring chrono-node 2.x's English parsers (locales/en/parsers, constants.ts):
 *  1. MIGHT_BE_A_DATE: the words (digits, month and weekday abbreviations, "ago", "week", …) without which
 *     the reader has never asked chrono (the rule it had before this file).
 *  2. When the only such words are bare years ("beach in Portugal 2019"), which our own grammar reads,
 *     chrono can still read a date we keep (one with a certain year, or relative) only through a casual
 *     date ("now", "tomorrow", "last night") or a time span ("in a few days", "2019 days later", "next
 *     quarter", "a day out"), and every span has a unit word after a number or after this/last/next.
 * test/unit/search/when-where/chrono-might-read.test.ts checks, against chrono itself, that a query this
 * says no to gives chrono nothing we keep.
 */

const MIGHT_BE_A_DATE =
  /\d|yesterday|today|tonight|ago|week|month|year|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun/;

/** A bare year, read by our grammar (read-when.ts) and by nothing of chrono's on its own. */
const BARE_YEAR = /^(19|20)\d\d$/;

// chrono's TIME_UNIT_DICTIONARY and NUMBER_PATTERN (English), as written there.
const UNIT =
  's|sec|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|mo|mon|mos|months?|qtr|quarters?|y|yr|years?';
const NUMBER =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[0-9]+|[0-9]+\\.[0-9]+|half(?:\\s{0,2}an?)?|an?(?:\\s{0,2}few)?|few|several|the|a?\\s{0,2}couple\\s{0,2}(?:of)?';
/** What a number may end with (a span's number may follow another word without a space: "ad" is "a d"). */
const NUMBER_END =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[0-9]|half|an?|few|several|the|couple|of';

const CHRONO_ONLY = [
  // ENCasualDateParser (today, tonight, yesterday are in MIGHT_BE_A_DATE).
  /now|morrow|tmr|last\s*night/,
  // ENTimeUnitWithinFormatParser, ENTimeUnitCasualRelativeFormatParser: a prefix, then a span.
  new RegExp(
    `(?:within|in|for|this|last|past|next|after|[+-])\\s*(?:(?:about|around|roughly|approximately|just)\\s*(?:~\\s*)?)?(?:(?:about|around)\\s{0,3})?(?:${NUMBER})\\s{0,3}(?:${UNIT})(?=\\W|$)`,
  ),
  // ENTimeUnitAgoFormatParser, ENTimeUnitLaterFormatParser: a span (its last unit), then a suffix.
  new RegExp(
    `(?:${NUMBER_END})\\s{0,3}(?:${UNIT})\\s{0,5}(?:ago|before|earlier|later|after|from now|henceforth|forward|out)(?=\\W|$)`,
  ),
  // ENRelativeDateFormatParser: "next quarter", "last d".
  new RegExp(`(?:this|last|past|next|after\\s*this)\\s*(?:${UNIT})(?=\\W|$)`),
];

/**
 * A word every pattern of CHRONO_ONLY needs (one of its literal words, or "in"/"for" before something
 * a number may start with): a small pattern that turns most queries away before the large ones, whose
 * compiling would cost a first search ≈ 2 ms (and their tier-up as much again on the second).
 */
const CHRONO_ONLY_NEEDS =
  /now|morrow|tmr|last|this|past|next|after|[+-]|ago|before|earlier|later|henceforth|forward|out|(?:in|for)\s*(?:about|around|roughly|approximately|just|~|[0-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half|a|few|several|the|couple)/;

/** `low`: the query's words as read-when.ts normalises them (lower case, no punctuation at their ends). */
export function chronoMightRead(low: readonly string[]): boolean {
  const text = low.join(' ');
  if (!MIGHT_BE_A_DATE.test(text)) return false;
  if (MIGHT_BE_A_DATE.test(low.filter((w) => !BARE_YEAR.test(w)).join(' '))) return true;
  return CHRONO_ONLY_NEEDS.test(text) && CHRONO_ONLY.some((pattern) => pattern.test(text));
}
