import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { app } from 'electron';
import { resources } from '../app/resources.ts';
import { startEngineHost } from './engine-host.ts';
import { describeSmokeReport, runSmokeTest } from './smoke-test.ts';

/** Longer than any smoke library needs on a loaded CI Mac; past it the step in progress is named. */
const SMOKE_DEADLINE_MS = 10 * 60_000;

/**
 * main.ts's start-up under `--smoke-test <folder>`: no window, no single-instance lock (it touches none of
 * the user's data: the index, models and Chromium's profile live in a fresh private temporary folder,
 * removed when the test passes and kept, named, when it fails), the engine in its utility process exactly
 * as the app starts it, then `runSmokeTest` and `app.exit` with 0 or 1.
 */
export function runSmokeApp(library: string): void {
  const home = mkdtempSync(join(tmpdir(), 'eidos-smoke-'));
  app.setPath('userData', join(home, 'electron'));
  app.dock?.hide();
  let step = 'starting Electron';
  let ended = false;
  const end = (code: number, message: string, stop?: () => void): void => {
    if (ended) return;
    ended = true;
    stop?.();
    if (code === 0) {
      console.log(message);
      rmSync(home, { recursive: true, force: true });
    } else console.error(`eidos smoke test failed while ${step}: ${message} (its data: ${home})`);
    app.exit(code);
  };
  const deadline = setTimeout(
    () => end(1, `no answer within ${SMOKE_DEADLINE_MS / 60_000} minutes`),
    SMOKE_DEADLINE_MS,
  );
  void app.whenReady().then(async () => {
    step = 'starting the engine process';
    const engine = startEngineHost({
      entry: resources.bundle('engine/engine-process.js'),
      dataDir: home,
      resourceRoot: app.getAppPath(),
      onExit: (code) => end(1, `the engine process exited with code ${code}`),
    });
    try {
      const report = await runSmokeTest(engine, resolve(library), (next) => (step = next));
      clearTimeout(deadline);
      end(0, describeSmokeReport(report), engine.stop);
    } catch (error) {
      clearTimeout(deadline);
      end(1, error instanceof Error ? error.message : String(error), engine.stop);
    }
  });
}
