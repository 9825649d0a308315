import { spawn } from 'node:child_process';

/**
 * Another process holding the writer lock of `file` (test/helpers/lock-holder.ts), once it says so.
 * `kill` ends it with SIGKILL, as a crash would: the kernel drops its lock; its row stays behind.
 */
export async function holdLock(file: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['bin/run-ts.js', 'test/helpers/lock-holder.ts', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    await new Promise<void>((ready, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && ready());
      child.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    pid: child.pid as number,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
