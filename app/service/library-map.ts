/**
 * The engine's library map: the search's matrix and concept bank handed to app/map, the layout on a
 * worker thread (a background job announcing its progress: map-job.ts), and the answer shaped as the
 * API's LibraryMap.
 */
import type { ArgsOf } from '../contract/api.ts';
import type { LibraryMap } from '../contract/types.ts';
import { kernels } from '../kernels/index.ts';
import { libraryMap } from '../map/library-map.ts';
import type { ModelSpec } from '../models/manifest-types.ts';
import type { SearchService } from '../search/search-service.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { MapLayoutJob, MapProgressListener } from './map-job.ts';

/** Map coordinates are drawn on screens and PNGs: 5 decimals is 1/100,000 of the map, far below a pixel. */
const round = (v: number): number => Math.round(v * 1e5) / 1e5;

export async function mapOfLibrary(
  engine: { store: IndexStore; model: ModelSpec; searcher: SearchService; mapJob: MapLayoutJob },
  args: ArgsOf<'map'>,
  progress: MapProgressListener = () => {},
): Promise<LibraryMap> {
  const started = performance.now();
  const { library } = await engine.searcher.ready();
  const state = await engine.mapJob.run(library.matrix.n, progress, (layout) =>
    libraryMap(
      {
        store: engine.store,
        modelId: engine.model.id,
        matrix: library.matrix,
        contentHashes: library.contentHashes,
        concepts: async () => {
          const bank = await engine.searcher.concepts();
          return { names: bank.concepts, embeddings: bank.vectors };
        },
        tau: engine.model.logitScale,
        layout,
        kernels,
      },
      { ...(args.relayout ? { relayout: true } : {}), ...(args.seed !== undefined ? { seed: args.seed } : {}) },
    ),
  );
  return {
    model: engine.model.id,
    ids: Array.from(library.fileIds, String),
    xy: Array.from(state.xy, round),
    region: Array.from(state.region),
    regions: state.regions.map((r, id) => ({
      id,
      x: round(r.x),
      y: round(r.y),
      photos: r.photos,
      concepts: r.concepts,
    })),
    seed: state.seed,
    layout: {
      laidOut: state.laidOut,
      placed: state.placed,
      removed: state.removed,
      drift: state.drift,
      relayoutAbove: state.relayoutAbove,
      computedAt: state.computedAt,
      action: state.action,
    },
    elapsedMs: performance.now() - started,
  };
}
