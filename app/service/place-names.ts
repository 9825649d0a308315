/**
 * Names the place of every photo with a position (app/places/reverse-geocode.ts) and stores it
 * (photo_places). Runs at the end of every indexing run, so photos indexed now are named in the same
 * run, and an index made before place names existed is named by the first run after the upgrade (the
 * app's and `eidos serve`'s catch-up run a few seconds after start-up), announced by that run's end
 * like the rest of its work (docs/architecture.md "Background work and what announces it").
 * Batches yield to the event loop so searches are answered meanwhile.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { IndexStore } from '../store/index-store.ts';

const BATCH = 500;

/** Names every photo that needs it; returns how many were named. */
export async function fillPlaceNames(store: IndexStore, signal?: AbortSignal): Promise<number> {
  if (store.readonly) return 0;
  const { gazetteerVersion } = await import('../places/gazetteer.ts');
  const version = gazetteerVersion();
  if (store.filesNeedingPlace(version, 1).length === 0) return 0;
  const { placeAt } = await import('../places/reverse-geocode.ts');
  let named = 0;
  for (;;) {
    if (signal?.aborted) return named;
    const batch = store.filesNeedingPlace(version, BATCH);
    if (batch.length === 0) return named;
    store.writePlaces(
      version,
      batch.map(({ fileId, lat, lon }) => {
        const place = placeAt(lat, lon);
        return {
          fileId,
          lat,
          lon,
          city: place?.city ?? null,
          region: place?.region ?? null,
          admin1: place ? place.admin1 : null,
          countryCode: place?.countryCode ?? null,
          country: place?.country ?? null,
          km: place?.km ?? null,
        };
      }),
    );
    named += batch.length;
    await nextTurn();
  }
}
