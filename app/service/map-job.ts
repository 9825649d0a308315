/**
 * The library map's layout as a background job: it runs on the map worker (its native neighbour search
 * and epochs on the kernels' threads), reports its phase, share done and time to go through a shared
 * control array (app/kernels/contract.ts JobControl) read every PROGRESS_MS, and stops when cancelled.
 * The answer it feeds is the `map` request's; the announcement is every `mapProgress` event.
 */
import { EidosError } from '../contract/errors.ts';
import type { MapProgress } from '../contract/types.ts';
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import type { LayoutOptions } from '../map/layout.ts';
import { layoutInWorker, type LaidOut } from '../map/layout-worker.ts';

const PROGRESS_MS = 250;
/**
 * The layout's phases as shares of its time, from 10,000 real embeddings on 2 cores (NN-descent 1.7 s,
 * the epochs 5.4 s; naming the regions and storing the map the rest): the ETA only needs the proportion.
 */
const SHARE = { neighbours: 0.25, layout: 0.7 } as const;
/** Below this share done, a time to go would be a guess. */
const ETA_AFTER = 0.03;

export type MapProgressListener = (progress: MapProgress) => void;

export class MapLayoutJob {
  private runs = 0;
  private control: Int32Array | undefined;

  /** Stops the layout in progress; false when none runs. */
  cancel(): boolean {
    if (!this.control) return false;
    Atomics.store(this.control, 0, 1);
    return true;
  }

  /**
   * Runs `finish(layout)`, handing it a layout function that lays out on the map worker while this
   * job announces its progress; `finish` names the regions and stores the map after the layout.
   */
  async run<T>(
    photos: number,
    listener: MapProgressListener,
    finish: (layout: (matrix: EmbeddingMatrix, options: LayoutOptions) => Promise<LaidOut>) => Promise<T>,
  ): Promise<T> {
    const run = ++this.runs;
    const control = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
    const started = performance.now();
    let laidOut = false;
    let used = false;
    const announce = (state: MapProgress['state'], extra: Partial<MapProgress> = {}): void => {
      const { phase, fraction } = laidOut
        ? { phase: 'regions' as const, fraction: SHARE.neighbours + SHARE.layout }
        : where(control);
      const elapsed = (performance.now() - started) / 1000;
      const eta = state === 'running' && fraction >= ETA_AFTER ? (elapsed * (1 - fraction)) / fraction : undefined;
      listener({
        state,
        run,
        photos,
        phase,
        fraction: state === 'done' ? 1 : fraction,
        ...(eta !== undefined ? { etaSeconds: Math.round(eta) } : {}),
        ...extra,
      });
    };
    const layout = async (matrix: EmbeddingMatrix, options: LayoutOptions): Promise<LaidOut> => {
      used = true;
      this.control = control;
      announce('running');
      const timer = setInterval(() => announce('running'), PROGRESS_MS);
      try {
        const done = await layoutInWorker(matrix, options, control);
        laidOut = true;
        announce('running'); // naming the regions and storing the map
        return done;
      } finally {
        clearInterval(timer);
        this.control = undefined;
      }
    };
    try {
      const result = await finish(layout);
      if (used) announce('done');
      return result;
    } catch (error) {
      if (!used) throw error;
      if (Atomics.load(control, 0) !== 0) {
        announce('cancelled');
        throw new EidosError('CANCELLED', 'The map layout was cancelled; the stored map is unchanged.');
      }
      announce('failed', { error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }
}

/** Phase and overall share done from the control array the native code writes. */
function where(control: Int32Array): { phase: 'neighbours' | 'layout'; fraction: number } {
  const phase = Atomics.load(control, 1);
  const done = Atomics.load(control, 2);
  const total = Atomics.load(control, 3);
  const within = total > 0 ? Math.min(1, done / total) : 0;
  // NN-descent reports rounds out of its most; it usually converges in about half of them.
  if (phase === 2) return { phase: 'layout', fraction: SHARE.neighbours + SHARE.layout * within };
  return { phase: 'neighbours', fraction: SHARE.neighbours * Math.min(1, 2 * within) * 0.95 };
}
