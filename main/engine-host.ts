import { MessageChannelMain, utilityProcess, type UtilityProcess } from 'electron';
import type { ApiHandlers } from '../app/contract/api.ts';
import type { KernelStatus } from '../app/service/kernels-in-use.ts';
import { portOf, type EngineInit } from './engine-port.ts';
import { remoteHandlers } from './engine-protocol.ts';

/**
 * Runs the engine (index store, onnxruntime inference, scoring) in an Electron utility process, so
 * a blocking `session.run` or a long scan never freezes the window. The main process talks to it
 * through `handlers`, a proxy with the same type as the engine's own.
 */
export interface EngineHost {
  handlers: ApiHandlers;
  /** The kernels the engine process loaded: the native addon, or the TypeScript fallback and why. */
  kernels(): Promise<KernelStatus>;
  stop(): void;
}

export function startEngineHost(options: {
  entry: string;
  dataDir: string;
  resourceRoot: string;
  onExit?: (code: number) => void;
}): EngineHost {
  const child: UtilityProcess = utilityProcess.fork(options.entry, [], {
    serviceName: 'Eidos Engine',
    stdio: 'inherit',
  });
  const { port1, port2 } = new MessageChannelMain();
  const remote = remoteHandlers(portOf(port1));
  child.postMessage(
    { type: 'init', dataDir: options.dataDir, resourceRoot: options.resourceRoot } satisfies EngineInit,
    [port2],
  );
  child.on('exit', (code) => {
    remote.failAll(
      `The engine process stopped (exit code ${code}). Restart Eidos; if it keeps happening, run \`eidos status\` in a terminal to see why.`,
    );
    port1.close();
    options.onExit?.(code);
  });
  return {
    handlers: remote.handlers,
    kernels: remote.kernels,
    stop: () => {
      child.kill();
    },
  };
}
