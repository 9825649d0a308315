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

const isRunning = (p: IndexProgress): boolean => p.state === 'scanning' || p.state === 'indexing';
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
    // A run already going (started in the app) may not include the folders given here: let it end first.
    if (isRunning(status.indexing)) {
      io.err(`waiting for the indexing run ${name} is doing to end…`);
      await runEnd(holder, () => {});
    }
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
    const report = progressReporter(args, io);
    const ended = runEnd(holder, (p) =>
      report({
        stage: p.state === 'scanning' ? 'scanning' : hasEnded(p) ? 'done' : 'indexing',
        done: p.done,
        total: p.total,
        rate: p.rate ?? 0,
        etaSeconds: p.etaSeconds,
        skipped: p.skipped,
      }),
    );
    await holder.call('startIndexing', folders.length > 0 ? { folders } : {});
    const last = await ended;
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

/** The holder's progress events until its run ends; rejects if the holder goes away first. */
function runEnd(holder: HolderConnection, onProgress: (p: IndexProgress) => void): Promise<IndexProgress> {
  return new Promise((resolve, reject) => {
    const stop = holder.onEvent((event) => {
      if (event.name !== 'indexProgress') return;
      onProgress(event.payload);
      if (hasEnded(event.payload)) {
        stop();
        resolve(event.payload);
      }
    });
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
}
