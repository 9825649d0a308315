/**
 * The library map kept in step with the index: read the stored map; place photos added since (placement
 * keeps every old point where it was); lay the whole map out afresh when there is none, when asked, or
 * when the drift passes its bound (drift.ts); then name the regions and store the result.
 */
import type { EmbeddingMatrix, Kernels } from '../kernels/contract.ts';
import { gatherRows, rowsAsF32 } from '../explain/feature-values.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { MapPoint, MapRegionRecord, StoredMap } from '../store/map.ts';
import { drift, needsRelayout, RELAYOUT_DRIFT } from './drift.ts';
import type { LayoutOptions } from './layout.ts';
import type { LaidOut } from './layout-worker.ts';
import { placePoints } from './place.ts';
import { labelRegions, type Concepts } from './region-labels.ts';
import { kMeans, nearestCentre, regionCount } from './regions.ts';

export const DEFAULT_MAP_SEED = 1;

export interface MapSources {
  store: IndexStore;
  modelId: string;
  /** The model's library matrix (unit rows) and each row's content hash. */
  matrix: EmbeddingMatrix;
  contentHashes: readonly string[];
  concepts: () => Promise<Concepts>;
  /** The model's logit scale. */
  tau: number;
  /**
   * The full layout (a worker thread in the engine: layout-worker.ts). It may take the matrix it is given
   * (a copy made for it) and hands the rows back with the coordinates.
   */
  layout: (matrix: EmbeddingMatrix, options: LayoutOptions) => Promise<LaidOut>;
  kernels: Kernels;
}

export interface MapState {
  /** Per matrix row: x, y interleaved, and the region. */
  xy: Float32Array;
  region: Uint16Array;
  regions: (MapRegionRecord & { photos: number })[];
  seed: number;
  laidOut: number;
  placed: number;
  removed: number;
  drift: number;
  relayoutAbove: number;
  computedAt: string;
  action: 'stored' | 'placed' | 'laid-out';
}

export async function libraryMap(sources: MapSources, options: { relayout?: boolean; seed?: number } = {}) {
  const stored = sources.store.readMap(sources.modelId);
  const seed = options.seed ?? stored?.seed ?? DEFAULT_MAP_SEED;
  if (stored && !options.relayout && seed === stored.seed) {
    const placed = placeOnto(sources, stored);
    if (placed) return placed;
  }
  return layOut(sources, seed);
}

/** The stored map brought up to date by placement, or undefined when the drift calls for a re-layout. */
function placeOnto(sources: MapSources, stored: StoredMap): MapState | undefined {
  const { matrix, contentHashes } = sources;
  const present = new Set(contentHashes);
  const removed = [...stored.points.keys()].filter((hash) => !present.has(hash));
  const missingRows: number[] = [];
  const newHashes = new Set<string>();
  contentHashes.forEach((hash, row) => {
    if (!stored.points.has(hash)) {
      missingRows.push(row);
      newHashes.add(hash);
    }
  });
  const count = {
    laidOut: stored.laidOut,
    placed: stored.placed + newHashes.size,
    removed: stored.removed + removed.length,
  };
  if (needsRelayout(count)) return undefined;

  const baseRows = contentHashes.flatMap((hash, row) => (stored.points.has(hash) ? [row] : []));
  const baseXY = new Float32Array(baseRows.length * 2);
  baseRows.forEach((row, i) => {
    const point = stored.points.get(contentHashes[row]!)!;
    baseXY[2 * i] = point.x;
    baseXY[2 * i + 1] = point.y;
  });
  const fresh = new Map<string, MapPoint>();
  if (missingRows.length > 0 && baseRows.length > 0) {
    const base = gatherRows(matrix, Uint32Array.from(baseRows));
    const queries = rowsAsF32(gatherRows(matrix, Uint32Array.from(missingRows)), sources.kernels);
    const xy = placePoints(base, baseXY, queries, missingRows.length, sources.kernels);
    const centres = Float32Array.from(stored.regions.flatMap((r) => [r.x, r.y]));
    missingRows.forEach((row, i) => {
      const x = xy[2 * i]!;
      const y = xy[2 * i + 1]!;
      fresh.set(contentHashes[row]!, { x, y, region: centres.length > 0 ? nearestCentre(centres, x, y) : 0 });
    });
  }
  const changed = fresh.size > 0 || removed.length > 0;
  const layout = { ...stored, placed: count.placed, removed: count.removed };
  if (changed && !sources.store.readonly)
    sources.store.writeMap(sources.modelId, { layout, replace: false, upsert: fresh, remove: removed });
  const points = (hash: string): MapPoint => fresh.get(hash) ?? stored.points.get(hash)!;
  return state(sources, layout, points, changed ? 'placed' : 'stored');
}

async function layOut(sources: MapSources, seed: number): Promise<MapState> {
  const { contentHashes } = sources;
  // The layout sees the rows sorted by content hash, so the same photos and seed give the same map
  // whatever order the index holds them in (parallel decoding commits rows in completion order).
  const order = Uint32Array.from(contentHashes.keys()).sort((a, b) =>
    contentHashes[a]! < contentHashes[b]! ? -1 : contentHashes[a]! > contentHashes[b]! ? 1 : a - b,
  );
  // Lent to the layout's worker, which hands it back: the sorted copy is the only one made.
  const { xy, matrix } = await sources.layout(gatherRows(sources.matrix, order), { seed });
  const k = regionCount(matrix.n);
  const { assignment, centres } = kMeans(xy, k, seed);
  const names = matrix.n > 1 ? labelRegions(matrix, assignment, k, await sources.concepts(), sources.tau, seed) : [];
  const regions: MapRegionRecord[] = Array.from({ length: k }, (_, c) => ({
    x: centres[2 * c]!,
    y: centres[2 * c + 1]!,
    concepts: names[c] ?? [],
  }));
  const points = new Map<string, MapPoint>();
  order.forEach((row, i) =>
    points.set(contentHashes[row]!, { x: xy[2 * i]!, y: xy[2 * i + 1]!, region: assignment[i]! }),
  );
  const layout = { seed, laidOut: points.size, placed: 0, removed: 0, regions, computedAt: new Date().toISOString() };
  if (!sources.store.readonly)
    sources.store.writeMap(sources.modelId, { layout, replace: true, upsert: points, remove: [] });
  return state(sources, layout, (hash) => points.get(hash)!, 'laid-out');
}

function state(
  sources: MapSources,
  layout: Omit<StoredMap, 'points'>,
  pointOf: (hash: string) => MapPoint,
  action: MapState['action'],
): MapState {
  const n = sources.contentHashes.length;
  const xy = new Float32Array(2 * n);
  const region = new Uint16Array(n);
  const photos = new Uint32Array(layout.regions.length);
  sources.contentHashes.forEach((hash, row) => {
    const point = pointOf(hash);
    xy[2 * row] = point.x;
    xy[2 * row + 1] = point.y;
    region[row] = point.region;
    photos[point.region]!++;
  });
  return {
    xy,
    region,
    regions: layout.regions.map((r, c) => ({ ...r, photos: photos[c]! })),
    seed: layout.seed,
    laidOut: layout.laidOut,
    placed: layout.placed,
    removed: layout.removed,
    drift: drift(layout),
    relayoutAbove: RELAYOUT_DRIFT,
    computedAt: layout.computedAt,
    action,
  };
}
