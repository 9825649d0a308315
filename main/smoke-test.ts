import type { ApiHandlers } from '../app/contract/api.ts';
import type { IndexProgress } from '../app/contract/types.ts';
import type { KernelStatus } from '../app/service/kernels-in-use.ts';

/**
 * The packaged app's smoke test: `Eidos.app/Contents/MacOS/Eidos --smoke-test <folder of photos>` starts
 * the engine's utility process as the app does, installs the synthetic model (generated, no download),
 * indexes the folder into a temporary data folder, answers one search and exits 0, or 1 naming what
 * failed. It proves what a look at the files cannot: that macOS lets the signed app and every native
 * library it loads run — the native addon (reported by the engine, not assumed), onnxruntime (it
 * embedded the photos) and SQLite (it holds the index) — without a window.
 */
export const SMOKE_FLAG = '--smoke-test';
export const SMOKE_QUERY = 'red top left';

/** The folder after `--smoke-test` (or `--smoke-test=<folder>`), if the flag is there. */
export function smokeTestLibrary(argv: readonly string[]): string | undefined {
  for (const [i, arg] of argv.entries()) {
    if (arg === SMOKE_FLAG) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new Error(`${SMOKE_FLAG} needs a folder of photos: ${SMOKE_FLAG} <folder>`);
      return next;
    }
    if (arg.startsWith(`${SMOKE_FLAG}=`)) return arg.slice(SMOKE_FLAG.length + 1);
  }
  return undefined;
}

export interface SmokeEngine {
  handlers: ApiHandlers;
  kernels(): Promise<KernelStatus>;
}

export interface SmokeReport {
  photos: number;
  query: string;
  results: number;
  top: { path: string; bits: number };
  kernels: KernelStatus;
  executionProvider: string;
}

const finished = (handlers: ApiHandlers): Promise<IndexProgress> =>
  new Promise((resolve) => {
    const stop = handlers.subscribe((event) => {
      if (event.name === 'indexProgress' && ['done', 'failed', 'cancelled'].includes(event.payload.state)) {
        stop();
        resolve(event.payload);
      }
    });
  });

/** Runs the smoke test against an engine; `onStep` hears each step as it starts. Throws naming what failed. */
export async function runSmokeTest(
  engine: SmokeEngine,
  library: string,
  onStep: (step: string) => void = () => undefined,
): Promise<SmokeReport> {
  const { handlers } = engine;
  onStep('installing the synthetic model');
  await handlers.fetchModel({ id: 'synthetic-tiny' });
  onStep(`adding ${library}`);
  await handlers.addFolder({ path: library });
  onStep(`indexing ${library}`);
  const ended = finished(handlers);
  await handlers.startIndexing({});
  const progress = await ended;
  if (progress.state !== 'done')
    throw new Error(`indexing ended ${progress.state}${progress.error ? `: ${progress.error.message}` : ''}`);
  if (progress.skipped > 0) {
    const skipped = await handlers.skippedFiles({ limit: 5 });
    throw new Error(
      `${progress.skipped} photo(s) skipped: ${skipped.map((s) => `${s.path} (${s.reason})`).join('; ')}`,
    );
  }
  if (progress.done === 0) throw new Error(`${library} holds no photo to index`);
  onStep('searching');
  const search = await handlers.search({ query: SMOKE_QUERY, top: 5 });
  const top = search.results[0];
  if (top === undefined) throw new Error(`the search "${SMOKE_QUERY}" found nothing: ${search.message}`);
  onStep('asking the engine which kernels it loaded');
  const kernels = await engine.kernels();
  if (kernels.backend !== 'native-cpu')
    throw new Error(`the native addon did not load: ${kernels.reason ?? 'no reason given'}`);
  const status = await handlers.status({});
  if (status.model === undefined || status.photos !== progress.done)
    throw new Error(`the index holds ${status.photos} photos after indexing ${progress.done}`);
  return {
    photos: status.photos,
    query: SMOKE_QUERY,
    results: search.results.length,
    top: { path: top.path, bits: top.bits },
    kernels,
    executionProvider: status.model.executionProvider,
  };
}

/** One line for the log. */
export function describeSmokeReport(report: SmokeReport): string {
  const ran = Object.entries(report.kernels.lastRun)
    .map(([operation, backend]) => `${operation} on ${backend}`)
    .join(', ');
  return (
    `eidos smoke test passed: ${report.photos} photos indexed with onnxruntime (${report.executionProvider}) into SQLite; ` +
    `"${report.query}" → ${report.results} results, top ${report.top.path} (${report.top.bits.toFixed(2)} bits); ` +
    `native addon loaded (${report.kernels.threads} threads${report.kernels.metal && 'device' in report.kernels.metal ? `, Metal on ${report.kernels.metal.device}` : ''}; ${ran})`
  );
}
