// The map's layout as a background job (app/service/map-job.ts): on the real map worker, with the real
// native neighbour search and epochs, announced by progress events that the test waits for (never a
// sleep): phases in order, share done rising to 1, a time to go, and a cancel that ends it.
import { describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import type { MapProgress } from '../../../app/contract/types.ts';
import { kernels } from '../../../app/kernels/index.ts';
import type { EmbeddingMatrix } from '../../../app/kernels/contract.ts';
import { EXACT_UP_TO } from '../../../app/map/neighbour-graph.ts';
import { MapLayoutJob } from '../../../app/service/map-job.ts';
import { benchEmbeddings } from '../../helpers/map-embeddings.ts';

// Above the exact search's limit, so the layout has both native phases (NN-descent, then the epochs).
const N = EXACT_UP_TO + 1000;
const source = benchEmbeddings(N);
const matrix: EmbeddingMatrix = {
  dtype: 'f16',
  data: kernels.f32ToF16(source.data as Float32Array),
  n: N,
  d: source.d,
};
/** A copy for one layout: the layout moves the rows it is given to its worker (and back). */
const lent = (): EmbeddingMatrix => ({ ...matrix, data: (matrix.data as Uint16Array).slice() });

describe('map layout job', () => {
  it('announces its phases, share done and time to go, and ends done at 1', { timeout: 300_000 }, async () => {
    const job = new MapLayoutJob();
    const events: MapProgress[] = [];
    const given = lent();
    const { xy, matrix: back } = await job.run(
      N,
      (p) => events.push(p),
      (layout) => layout(given, { seed: 1 }),
    );
    expect(xy.length).toBe(2 * N);
    // The rows went to the worker and came back whole, without a copy left behind here.
    expect(given.data.length).toBe(0);
    expect(back.n).toBe(N);
    expect(Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength)).toEqual(
      Buffer.from(matrix.data.buffer, matrix.data.byteOffset, matrix.data.byteLength),
    );
    const last = events.at(-1)!;
    expect(last).toMatchObject({ state: 'done', run: 1, photos: N, fraction: 1 });
    const running = events.filter((e) => e.state === 'running');
    expect(running[0]!.phase).toBe('neighbours');
    expect([...new Set(running.map((e) => e.phase))]).toEqual(['neighbours', 'layout', 'regions']);
    for (let i = 1; i < running.length; i++)
      expect(running[i]!.fraction).toBeGreaterThanOrEqual(running[i - 1]!.fraction);
    expect(job.cancel()).toBe(false); // nothing runs any more
  });

  it(
    'stops when cancelled mid-layout, announcing it, and the caller gets CANCELLED',
    { timeout: 300_000 },
    async () => {
      const job = new MapLayoutJob();
      const events: MapProgress[] = [];
      let cancelled = false;
      const outcome = job
        .run(
          N,
          (p) => {
            events.push(p);
            // Cancel once the epochs are under way: the announcement, not a clock, decides when.
            if (!cancelled && p.state === 'running' && p.phase === 'layout' && p.fraction > 0.45)
              cancelled = job.cancel();
          },
          (layout) => layout(lent(), { seed: 1, epochs: 5000 }),
        )
        .then(
          () => 'finished',
          (error: unknown) => (isEidosError(error, 'CANCELLED') ? 'cancelled' : error),
        );
      expect(await outcome).toBe('cancelled');
      expect(cancelled).toBe(true);
      expect(events.at(-1)).toMatchObject({ state: 'cancelled', run: 1 });
      expect(events.some((e) => e.etaSeconds !== undefined)).toBe(true);
    },
  );
});
