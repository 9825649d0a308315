/**
 * The MobileCLIP2 twins generated once per machine for tests (as models/clip-twin/twin-cache.ts does
 * for the CLIP twins), keyed by variant, generator version and seed.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedGeneration, copyCached } from '../clip-twin/twin-cache.ts';
import {
  generateMobileClip2Twin,
  MOBILECLIP2_TWIN_SEED,
  MOBILECLIP2_TWIN_VERSION,
  type MobileClip2Variant,
} from './generate-twin.ts';

export function mobileClip2TwinCacheDir(variant: MobileClip2Variant = 's2'): string {
  const root = process.env.EIDOS_TWIN_CACHE ?? join(tmpdir(), 'eidos-twin-cache');
  return join(root, `mobileclip2-${variant}-twin-v${MOBILECLIP2_TWIN_VERSION}-seed${MOBILECLIP2_TWIN_SEED}`);
}

export const cachedMobileClip2Twin = (variant: MobileClip2Variant = 's2'): Promise<string> =>
  cachedGeneration(mobileClip2TwinCacheDir(variant), (partial) => generateMobileClip2Twin(partial, variant));

/** A `generate` function for fetchModel that copies the cached twin (the manifest's pins are still checked). */
export const copyCachedMobileClip2Twin = copyCached(() => cachedMobileClip2Twin('s2'));
export const copyCachedMobileClip2S0Twin = copyCached(() => cachedMobileClip2Twin('s0'));
