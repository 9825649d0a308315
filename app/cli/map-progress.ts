/** `eidos map`'s progress line for a layout running in the background (MapProgress events). */
import type { MapProgress } from '../contract/types.ts';
import type { Io } from './command.ts';
import { formatDuration, progressBar } from './format.ts';

const PHASES: Record<MapProgress['phase'], string> = {
  neighbours: 'finding neighbours',
  layout: 'laying out',
  regions: 'naming regions',
};
/** Without a terminal, a line every few seconds is enough to show it moves. */
const LOG_EVERY_MS = 3000;

export function mapProgressReporter(io: Io, json: boolean): (progress: MapProgress) => void {
  let lastLine = 0;
  return (p) => {
    if (p.state !== 'running') {
      if (io.isTTY) io.progress('');
      return;
    }
    const percent = Math.round(100 * p.fraction);
    const eta = p.etaSeconds === undefined ? '' : `  ETA ${formatDuration(p.etaSeconds)}`;
    const line = `map of ${p.photos} photos: ${PHASES[p.phase]} ${progressBar(percent, 100)} ${percent} %${eta}  (Ctrl-C cancels)`;
    if (io.isTTY) io.progress(line);
    else if (!json && performance.now() - lastLine > LOG_EVERY_MS) {
      lastLine = performance.now();
      io.err(line);
    }
  };
}
