/**
 * What `eidos index` prints while it runs and when it ends, whether it indexes itself or through the
 * process that holds the index (./beside-holder.ts): one format, so both print the same.
 */
import type { IndexRunSummary } from '../contract/types.ts';
import type { Io, ParsedArgs } from './command.ts';
import { formatDuration, progressBar } from './format.ts';

export interface ProgressPoint {
  stage: 'scanning' | 'indexing' | 'done';
  done: number;
  total: number;
  /** Photos per second over the last few seconds. */
  rate: number;
  etaSeconds: number | undefined;
  skipped: number;
}

/** Reports progress: a self-overwriting line on a terminal, else a line every 2 s and the last one (not with --json). */
export function progressReporter(args: ParsedArgs, io: Io): (point: ProgressPoint) => void {
  let lastLine = 0;
  return (p) => {
    if (p.stage === 'scanning') return io.progress('scanning…');
    const line = `${progressBar(p.done, p.total)} ${p.done}/${p.total}  ${p.rate.toFixed(1)} photos/s  ETA ${formatDuration(p.etaSeconds)}  skipped ${p.skipped}`;
    if (io.isTTY) io.progress(line);
    else if (!args.json && (performance.now() - lastLine > 2000 || p.stage === 'done')) {
      lastLine = performance.now();
      io.err(line);
    }
  };
}

/** The run's summary: one JSON object with --json, else a sentence and the scan's problems. */
export function printSummary(
  args: ParsedArgs,
  io: Io,
  model: string,
  summary: IndexRunSummary,
  extra: Record<string, unknown> = {},
): void {
  if (io.isTTY) io.progress('');
  if (args.json) {
    io.out(JSON.stringify({ model, ...summary, ...extra }));
    return;
  }
  io.out(
    `indexed with ${model}: ${summary.encoded} embedded, ${summary.reused} reused, ${summary.unchanged} unchanged, ${summary.moved} moved, ${summary.deleted} removed, ${summary.skipped} skipped in ${summary.seconds.toFixed(1)} s`,
  );
  if (summary.text)
    io.out(
      `  words read in ${summary.text.read} photo(s) in ${summary.text.seconds.toFixed(1)} s${summary.text.failed > 0 ? `; ${summary.text.failed} could not be read ('eidos text <photo>' says why)` : ''}`,
    );
  for (const problem of summary.problems.slice(0, 20)) io.out(`  not scanned: ${problem.reason}`);
  if (summary.skipped > 0) io.out("  run 'eidos status' to see skipped files and their reasons");
}
