/**
 * `eidos models use <id>`: searches move to another installed model without a pause. The new model indexes
 * the library (in the process that holds the index, the app or `eidos serve`, else here) while the current
 * one keeps answering; searches switch once its vectors cover the library; the old vectors stay.
 */
import type { Command, Io, ParsedArgs } from '../command.ts';
import { EidosError } from '../../contract/errors.ts';
import type { IndexProgress, ModelSwitch, ModelVectors } from '../../contract/types.ts';
import { dataDir } from '../../paths.ts';
import { connectHolder, holderName, type HolderConnection } from '../../server/local-socket-client.ts';
import { progressReporter } from '../index-report.ts';
import { formatBytes } from './models-progress.ts';

export const modelsUseCommand: Command = {
  usage: '<id> [--json]',
  help: [
    'arguments:',
    '  <id>     an installed model (eidos models list)',
    'options:',
    '  --json   print the switch as JSON: {from, to, state, covered, photos, vectors: [{modelId, vectors, bytes, active}]}',
    '',
    'The new model indexes the library while the current one answers searches; searches switch when its',
    'vectors cover every photo. Beside the app or `eidos serve`, that process does the work (Ctrl-C here only',
    'stops watching it); alone, this command does it (Ctrl-C stops after the batch in flight, searches stay',
    'on the current model, and running it again resumes). The old vectors stay: `eidos status` shows their',
    'size, and `eidos compare-models <old> <new>` compares the two models on this library.',
  ].join('\n'),
  options: {},
  async run(args, io) {
    if (args.positionals.length !== 1) throw new EidosError('BAD_ARGUMENT', 'models use takes one model id.');
    const id = args.positionals[0] as string;
    const holder = await connectHolder(dataDir(), { events: true, warn: (message) => io.err(message) });
    const report = progressReporter(args, io);
    const onProgress = (p: IndexProgress): void =>
      report({
        stage: p.state === 'scanning' ? 'scanning' : p.summary || p.state === 'failed' ? 'done' : 'indexing',
        done: p.done,
        total: p.total,
        rate: p.rate ?? 0,
        etaSeconds: p.etaSeconds,
        skipped: p.skipped,
      });
    const announced = (s: ModelSwitch): void => {
      if (s.state === 'indexing' && !args.json)
        io.err(
          `switching searches from ${s.from} to ${s.to}: ${s.to} indexes the library (${s.covered} of ${s.photos} photos have its vectors); ${s.from} answers searches meanwhile`,
        );
    };
    const outcome = holder
      ? await useThroughHolder(holder, id, { onProgress, announced }, io)
      : await useHere(id, { onProgress, announced });
    if (outcome === undefined) return 130;
    return printOutcome(args, io, outcome.final, outcome.vectors);
  },
};

interface Followers {
  onProgress(p: IndexProgress): void;
  announced(s: ModelSwitch): void;
}

type Outcome = { final: ModelSwitch; vectors: ModelVectors[] };

async function useHere(id: string, followers: Followers): Promise<Outcome> {
  // Loaded here: the engine (SQLite, onnxruntime) is not needed beside a holder.
  const { switchModelHere } = await import('../../service/switch-model-here.ts');
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await switchModelHere(
      dataDir(),
      id,
      { indexProgress: followers.onProgress, modelSwitch: followers.announced },
      controller.signal,
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Asks the holder to switch and follows it to the end; undefined when Ctrl-C stopped the following (the switch goes on). */
async function useThroughHolder(
  holder: HolderConnection,
  id: string,
  followers: Followers,
  io: Io,
): Promise<Outcome | undefined> {
  const name = holderName(holder.holder);
  let finished = (_s: ModelSwitch | undefined): void => {};
  const end = new Promise<ModelSwitch | undefined>((resolve) => (finished = resolve));
  let following = false;
  // Listening before asking: the switch's first run may report before the reply arrives.
  const stopListening = holder.onEvent((event) => {
    if (event.name === 'indexProgress' && following) followers.onProgress(event.payload);
    if (event.name === 'modelSwitch' && event.payload.to === id && event.payload.state !== 'indexing')
      finished(event.payload);
  });
  const detach = (): void => {
    io.err(
      `stopped following: the switch goes on in ${name} ('eidos status' shows it; 'eidos models use <current>' stops it).`,
    );
    finished(undefined);
  };
  process.once('SIGINT', detach);
  process.once('SIGTERM', detach);
  try {
    following = true;
    const started = await holder.call('useModel', { id });
    followers.announced(started);
    void holder.closed.then(() =>
      finished({
        ...started,
        state: 'failed',
        error: `${name} stopped during the switch; it resumes when it starts again.`,
      }),
    );
    const final = started.state === 'indexing' ? await end : started;
    if (final === undefined) return undefined;
    const status = await holder.call('status', {}).catch(() => undefined);
    return { final, vectors: status?.vectors ?? [] };
  } finally {
    stopListening();
    process.off('SIGINT', detach);
    process.off('SIGTERM', detach);
    holder.close();
  }
}

function printOutcome(args: ParsedArgs, io: Io, final: ModelSwitch, vectors: ModelVectors[]): number {
  if (io.isTTY) io.progress('');
  if (args.json) {
    io.out(JSON.stringify({ ...final, vectors }, null, 2));
  } else if (final.state === 'switched') {
    io.out(`searches now use ${final.to} (${final.covered} of ${final.photos} photos have its vectors).`);
    for (const v of vectors)
      io.out(
        `vectors    ${v.modelId}: ${v.vectors} (${formatBytes(v.bytes)})${v.active ? ', in use' : ", kept: 'eidos compare-models' compares them"}`,
      );
  }
  if (final.state === 'switched') return 0;
  if (final.state === 'cancelled') {
    io.err(
      `${final.error ?? 'stopped'}; searches stay on ${final.from}, and what ${final.to} embedded is kept: 'eidos models use ${final.to}' resumes.`,
    );
    return 130;
  }
  io.err(`the switch to ${final.to} failed: ${final.error ?? 'unknown error'}; searches stay on ${final.from}.`);
  return 1;
}
