import type { Io } from '../command.ts';
import type { ModelProgressEvent } from '../../service/models.ts';

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Turns fetch progress into a self-overwriting bar on a terminal (bytes, rate, ETA) and, elsewhere,
 * one plain line per file and stage, so logs stay readable.
 */
export function progressReporter(io: Io, now: () => number = Date.now): (event: ModelProgressEvent) => void {
  let start: { time: number; bytes: number } | undefined;
  let lastFile: string | undefined;
  let lastState: ModelProgressEvent['state'] | undefined;
  return (event) => {
    if (event.state !== lastState || event.file !== lastFile) {
      if (io.isTTY && lastState === 'downloading') io.progress('');
      if (!io.isTTY || event.state !== 'downloading') {
        io.err(event.state === 'downloading' ? `downloading ${event.file}` : `${event.state} ${event.id}`);
      }
      lastState = event.state;
      lastFile = event.file;
    }
    if (!io.isTTY || event.state !== 'downloading') return;
    start ??= { time: now(), bytes: event.receivedBytes };
    const seconds = (now() - start.time) / 1000;
    const rate = seconds > 0 ? (event.receivedBytes - start.bytes) / seconds : 0;
    const remaining = Math.max(0, event.totalBytes - event.receivedBytes);
    const fraction = event.totalBytes > 0 ? Math.min(1, event.receivedBytes / event.totalBytes) : 0;
    const width = 24;
    const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
    io.progress(
      `[${bar}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${formatBytes(event.receivedBytes)} / ${formatBytes(event.totalBytes)}  ` +
        `${formatBytes(rate)}/s  ETA ${formatDuration(rate > 0 ? remaining / rate : Infinity)}  ${event.file ?? ''}`,
    );
  };
}
