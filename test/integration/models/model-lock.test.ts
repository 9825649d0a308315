// A model's install lock (app/models/install.ts) is an OS file lock like the index's writer lock, checked
// with real processes: a live installer refuses a second one, named by pid; a killed one, or a pid that
// an unrelated program now has, never keeps the model busy.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { withModelLock } from '../../../app/models/install.ts';
import { resolveStore } from '../../../app/models/store-context.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

let dir: string;
let cleanup: () => void;
const started: ChildProcess[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir('eidos-model-lock-')));
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  cleanup();
});

const ID = 'synthetic-tiny';

/** Another process holding the install lock of ID, once it has said so. */
async function holder(modelsDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/run-ts.js', 'test/helpers/model-lock-holder.ts', modelsDir, ID], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(`locked ${child.pid}`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited early (${code})`)));
  });
  return child;
}

async function installError(modelsDir: string): Promise<unknown> {
  try {
    await withModelLock(resolveStore({ modelsDir }), ID, async () => undefined);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('the model install lock is the kernel’s', () => {
  it('a live installer in another process refuses a second one, named by pid; once it is killed the model is free', async () => {
    const modelsDir = join(dir, 'models');
    const child = await holder(modelsDir);
    const error = await installError(modelsDir);
    expect(isEidosError(error, 'MODEL_BUSY')).toBe(true);
    expect((error as Error).message).toContain(`pid ${child.pid}`);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await installError(modelsDir)).toBeUndefined();
  });

  it('a lock file naming a live, unrelated process (a reused pid) does not block', async () => {
    const modelsDir = join(dir, 'models');
    const unrelated = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)'], { stdio: 'ignore' });
    started.push(unrelated);
    await new Promise((resolve) => unrelated.once('spawn', resolve));
    // What a killed installer left: its pid, now (as if) reused by another program.
    await withModelLock(resolveStore({ modelsDir }), ID, async () => undefined);
    writeFileSync(join(modelsDir, `${ID}.lock`), String(unrelated.pid));
    expect(await installError(modelsDir)).toBeUndefined();
  });

  it('two installs of one model in one process exclude each other', async () => {
    const store = resolveStore({ modelsDir: join(dir, 'models') });
    let second: unknown;
    await withModelLock(store, ID, async () => {
      second = await installError(join(dir, 'models'));
    });
    expect(isEidosError(second, 'MODEL_BUSY')).toBe(true);
    expect((second as Error).message).toContain(`pid ${process.pid}`);
  });
});
