/** How numbers look in the UI: bits with a sign, sizes, rates, durations, dates. */

export function formatBits(bits: number): string {
  if (!Number.isFinite(bits)) return '—';
  const sign = bits > 0 ? '+' : bits < 0 ? '−' : '';
  return `${sign}${Math.abs(bits).toFixed(Math.abs(bits) >= 10 ? 1 : 2)} bits`;
}

/** A p-value as a reader takes it in: "p < 1e-12" for the vanishing ones, two significant digits otherwise. */
export function formatPValue(p: number): string {
  if (p < 1e-12) return 'p < 1e-12';
  return `p = ${p < 0.001 ? p.toExponential(1) : p.toPrecision(2)}`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Made once: every result card formats a date, and a formatter per call costs more than the card. */
const CAPTION_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

/** A date for a caption: `12 Mar 2021`; the input is ISO-8601 (or absent). */
export function formatDate(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return CAPTION_DATE.format(date);
}

/**
 * Indexing speed from two progress samples: photos per second and the time left. The engine's own
 * `etaSeconds` wins when it sends one.
 */
export interface RateSample {
  done: number;
  atMs: number;
}

export function indexingRate(
  first: RateSample | undefined,
  last: RateSample,
  total: number,
): { perSecond?: number; etaSeconds?: number } {
  if (first === undefined || last.atMs <= first.atMs || last.done <= first.done) return {};
  const perSecond = ((last.done - first.done) * 1000) / (last.atMs - first.atMs);
  return { perSecond, etaSeconds: Math.max(0, total - last.done) / perSecond };
}
