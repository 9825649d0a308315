/**
 * `eidos models use <id>` when no other process holds the index: the switch (./model-switch.ts) runs in
 * this process to its end, with the same runs, announcements and settings as in `eidos serve`.
 */
import type { IndexProgress, ModelSwitch, ModelVectors } from '../contract/types.ts';
import { Engine } from './engine.ts';
import { IndexingJob } from './indexing-job.ts';
import { ModelSwitcher, vectorUse } from './model-switch.ts';

export interface SwitchListener {
  indexProgress(progress: IndexProgress): void;
  modelSwitch(state: ModelSwitch): void;
}

/** Switches to `id` and resolves when searches use it (or the switch failed or was stopped by `signal`). */
export async function switchModelHere(
  home: string,
  id: string,
  listener: SwitchListener,
  signal?: AbortSignal,
): Promise<{ final: ModelSwitch; vectors: ModelVectors[] }> {
  let engine = Engine.open({ home });
  let finished = (_state: ModelSwitch): void => {};
  const end = new Promise<ModelSwitch>((resolve) => (finished = resolve));
  const job = new IndexingJob({
    progress: (progress) => {
      listener.indexProgress(progress);
      switcher.onProgress(progress);
    },
    changed: () => {},
  });
  const switcher = new ModelSwitcher(home, {
    engine: () => engine,
    job,
    adopt: async (next, previous) => {
      previous.handIndexTo(next);
      engine = next;
      await previous.close();
    },
    announce: (state) => {
      listener.modelSwitch(state);
      if (state.state !== 'indexing') finished(state);
    },
  });
  const stop = (): void => void job.cancel();
  signal?.addEventListener('abort', stop);
  try {
    const started = await switcher.use(id);
    const final = started.state === 'indexing' ? await end : started;
    await job.settled();
    return { final, vectors: vectorUse(engine.store.status().models, engine.model.id) };
  } finally {
    signal?.removeEventListener('abort', stop);
    await switcher.close();
    await engine.close();
  }
}
