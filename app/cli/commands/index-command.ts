import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { Command } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, withEngine } from '../engine-options.ts';
import { formatDuration, progressBar } from '../format.ts';
import { describeError, EidosError } from '../../contract/errors.ts';
import type { Engine } from '../../service/engine.ts';
import { setAsideForRebuild, type RebuildStart } from '../../service/rebuild.ts';
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
    for (const folder of folders) {
      let isDir = false;
      try {
        isDir = statSync(folder).isDirectory();
      } catch {
        throw new EidosError('NOT_FOUND', `${folder}: no such folder.`, { file: folder });
      }
      if (!isDir) throw new EidosError('BAD_ARGUMENT', `${folder} is not a folder.`, { file: folder });
    }
    let rebuild: RebuildStart | undefined;
    if (args.values.rebuild) {
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
        let lastLine = 0;
        const summary = await engine.index({
          onProgress: (p) => {
            if (p.phase === 'scanning') return io.progress('scanning…');
            const line = `${progressBar(p.done, p.total)} ${p.done}/${p.total}  ${p.rate.toFixed(1)} photos/s  ETA ${formatDuration(p.etaSeconds)}  skipped ${p.skipped}`;
            if (io.isTTY) io.progress(line);
            else if (!args.json && (performance.now() - lastLine > 2000 || p.phase === 'done')) {
              lastLine = performance.now();
              io.err(line);
            }
          },
        });
        if (io.isTTY) io.progress('');
        if (args.json) {
          io.out(
            JSON.stringify({
              model: engine.model.id,
              ...summary,
              ...(rebuild ? { rebuild: { aside: rebuild.aside, folders: rebuild.folders } } : {}),
            }),
          );
        } else {
          io.out(
            `indexed with ${engine.model.id}: ${summary.encoded} embedded, ${summary.reused} reused, ${summary.unchanged} unchanged, ${summary.moved} moved, ${summary.deleted} removed, ${summary.skipped} skipped in ${summary.seconds.toFixed(1)} s`,
          );
          for (const problem of summary.problems.slice(0, 20)) io.out(`  not scanned: ${problem.reason}`);
          if (summary.skipped > 0) io.out("  run 'eidos status' to see skipped files and their reasons");
        }
        if (args.values.watch) await watchAndIndex(engine, io);
        return 0;
      },
      rebuild ? { fallbackModels: rebuild.models } : {},
    );
  },
};
