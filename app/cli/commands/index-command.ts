import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, withEngine } from '../engine-options.ts';
import { printSummary, progressReporter } from '../index-report.ts';
import { indexThroughHolder } from '../beside-holder.ts';
import { connectHolder } from '../../server/local-socket-client.ts';
import { describeError } from '../../contract/errors.ts';
import { assertFolder, protectedFolders } from '../../service/folder-check.ts';
import type { Engine } from '../../service/engine.ts';
import type { RebuildStart } from '../../service/rebuild.ts';
import { dataDir } from '../../paths.ts';
import type { Io } from '../command.ts';

/** Re-indexes whenever the watcher reports changes (debounced), one run at a time, until Ctrl-C. */
async function watchAndIndex(engine: Engine, io: Io): Promise<void> {
  const stop = await engine.watch({
    onRun: (changes, summary) =>
      io.out(
        `${changes} change(s): ${summary.encoded} embedded, ${summary.moved} moved, ${summary.deleted} removed, ${summary.skipped} skipped`,
      ),
    onError: (error) => io.err(`indexing after a change failed: ${describeError(error)}`),
  });
  io.out(`watching ${engine.folders().length} folder(s); Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
}

export const indexCommand: Command = {
  usage: '[<folder>…] [--watch] [--rebuild] [--model <id>] [--ep cpu|coreml|auto]',
  help: [
    'Scans the folders recursively (jpg png webp avif gif tiff heic heif and RAW previews), skips',
    'unchanged files cheaply, recognises moved or renamed files by content, prunes deleted ones, and',
    'records every unreadable file with its reason. Without folders, re-indexes the library.',
    'Killing it loses at most the batch in flight; the next run resumes.',
    'While the app or `eidos serve` holds the index, the run happens there and this terminal shows it.',
    '',
    'options:',
    '  --watch        keep running: watch the library folders (native file watcher) and index changes',
    '  --rebuild      for a damaged index: move it (and its -wal/-shm) aside as index.sqlite.damaged-<time>,',
    '                 never deleting it, and index the folders it named (plus any given) into a fresh one',
    ...engineOptionHelp,
    '  --json         print the summary as JSON',
  ].join('\n'),
  options: { ...engineOptionSpec, watch: { type: 'boolean' }, rebuild: { type: 'boolean' } },
  async run(args, io) {
    const folders = args.positionals.map((folder) => resolve(folder));
    // Checked here too, before a holder or an engine is reached: a refused folder costs nothing.
    const guard = protectedFolders(dataDir());
    for (const folder of folders) assertFolder(folder, guard);
    // The process that holds the index (the app, `eidos serve`) indexes for us. A rebuild is not
    // its to do from here: alone, it is refused with that process's pid, as it should be.
    if (!args.values.rebuild) {
      const holder = await connectHolder(dataDir(), { events: true, warn: (message) => io.err(message) });
      if (holder) return indexThroughHolder(holder, folders, args, io);
    }
    let rebuild: RebuildStart | undefined;
    if (args.values.rebuild) {
      // Loaded here: setting an index aside opens SQLite, which indexing through a holder never needs.
      const { setAsideForRebuild } = await import('../../service/rebuild.ts');
      rebuild = setAsideForRebuild(dataDir(), folders);
      io.err(
        `moved the old index aside: ${rebuild.aside.join(', ') || '(there was none)'}\nrebuilding ${rebuild.folders.length} folder(s): ${rebuild.folders.join(', ')}`,
      );
    }
    const wanted = rebuild?.folders ?? folders;
    return withEngine(
      args,
      async (engine) => {
        engine.addFolders(wanted);
        const report = progressReporter(args, io);
        const summary = await engine.index({
          // Without --watch nothing embeds a photo after this run: the vision tower goes before the text tower loads.
          oneShot: !args.values.watch,
          onProgress: (p) =>
            report({ ...p, stage: p.phase === 'scanning' ? 'scanning' : p.phase === 'done' ? 'done' : 'indexing' }),
        });
        printSummary(
          args,
          io,
          engine.model.id,
          summary,
          rebuild ? { rebuild: { aside: rebuild.aside, folders: rebuild.folders } } : {},
        );
        if (args.values.watch) await watchAndIndex(engine, io);
        return 0;
      },
      rebuild ? { fallbackModels: rebuild.models } : {},
    );
  },
};
