/**
 * `eidos index` while another process holds the index (the app's engine, `eidos serve`): the holder
 * runs the indexing, and this terminal shows its progress and its summary exactly as it would show
 * its own (./index-report.ts). Ctrl-C here stops the run after the batch in flight, as it would alone.
 */
import type { IndexProgress } from '../contract/types.ts';
import { EidosError, HTTP_STATUS, type ErrorCode } from '../contract/errors.ts';
import { holderName, type HolderConnection } from '../server/local-socket-client.ts';
import { stringOption, type Io, type ParsedArgs } from './command.ts';
import { printSummary, progressReporter } from './index-report.ts';

/** A run has ended once its summary (done, cancelled) or its error (failed) is out. */
const hasEnded = (p: IndexProgress): boolean => p.summary !== undefined || p.state === 'failed';

export async function indexThroughHolder(
  holder: HolderConnection,
  folders: string[],
  args: ParsedArgs,
  io: Io,
): Promise<number> {
  const name = holderName(holder.holder);
  const stopOnSignal = (): void => void holder.call('cancelIndexing', {}).catch(() => undefined);
  try {
    if (args.values.watch) {
      throw new EidosError(
        'INDEX_LOCKED',
        `${name} holds the index, so this terminal cannot watch the folders as well: turn on "Watch folders" in its settings, or close it and run 'eidos index --watch'.`,
      );
    }
    const status = await holder.call('status', {});
    const model = stringOption(args, 'model');
    if (model !== undefined && status.model !== undefined && model !== status.model.id) {
      throw new EidosError(
        'INDEX_LOCKED',
        `${name} holds the index with the model ${status.model.id}; indexing with ${model} needs it closed first.`,
      );
    }
    if (!args.json) io.err(`indexing through ${name}, which holds the index`);
    if (stringOption(args, 'ep') !== undefined && !args.json)
      io.err(`(--ep is not passed on: ${name} runs the model with its own execution provider)`);
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
    const report = progressReporter(args, io);
    // Listening before asking: the run's first progress may arrive before the reply that names it.
    const runs = followRuns(holder);
    const started = await holder.call('startIndexing', folders.length > 0 ? { folders } : {});
    // A run already going (started in the app, or by a watched change) may not include the folders given
    // here: the holder queues one more run after it, and that one is this command's.
    if (started.queued && !args.json) io.err(`waiting for the indexing run ${name} is doing to end…`);
    const last = await runs.endOf(started, (p) =>
      report({
        stage: p.state === 'scanning' ? 'scanning' : hasEnded(p) ? 'done' : 'indexing',
        done: p.done,
        total: p.total,
        rate: p.rate ?? 0,
        etaSeconds: p.etaSeconds,
        skipped: p.skipped,
      }),
    );
    if (last.error) {
      const code = Object.hasOwn(HTTP_STATUS, last.error.code) ? (last.error.code as ErrorCode) : 'INTERNAL';
      throw new EidosError(code, last.error.message);
    }
    printSummary(args, io, status.model?.id ?? '', last.summary!);
    if (last.state === 'cancelled') {
      io.err('stopped after the batch in flight; nothing indexed is lost, and the next run resumes.');
      return 130;
    }
    return 0;
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    holder.close();
  }
}

interface RunFollower {
  /**
   * Passes on the progress of the run that serves a `startIndexing` answered with `started` (that run, or
   * the one queued after it) and resolves with its end. When the run it waited for ends without one
   * queued (cancelled), the request went with it: that end is the answer.
   */
  endOf(started: IndexProgress, onProgress: (p: IndexProgress) => void): Promise<IndexProgress>;
}

/** Keeps the holder's progress events from now on; `endOf` rejects if the holder goes away before the run ends. */
function followRuns(holder: HolderConnection): RunFollower {
  const seen: IndexProgress[] = [];
  let next = (): void => {};
  const stop = holder.onEvent((event) => {
    if (event.name !== 'indexProgress') return;
    seen.push(event.payload);
    next();
  });
  return {
    endOf(started, onProgress) {
      const before = started.run ?? 0;
      const mine = started.queued ? before + 1 : before;
      return new Promise((resolve, reject) => {
        const end = (p: IndexProgress): void => {
          stop();
          resolve(p);
        };
        next = () => {
          for (const p of seen.splice(0)) {
            if (started.run !== undefined && p.run !== mine) {
              if (p.run === before && hasEnded(p) && !p.queued) return end(p);
              continue;
            }
            onProgress(p);
            if (hasEnded(p)) return end(p);
          }
        };
        next();
        void holder.closed.then(() => {
          stop();
          reject(
            new EidosError(
              'INTERNAL',
              `${holderName(holder.holder)} stopped during indexing; nothing committed is lost, and 'eidos index' resumes it.`,
            ),
          );
        });
      });
    },
  };
}
