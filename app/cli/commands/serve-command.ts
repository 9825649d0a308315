import { existsSync } from 'node:fs';
import type { Command } from '../command.ts';
import { describeError, EidosError } from '../../contract/errors.ts';
import { dataDir } from '../../paths.ts';
import { resources } from '../../resources.ts';
import type { ApiHandlers } from '../../contract/api.ts';
import { createEngineHandlers } from '../../service/api-handlers.ts';
import { startBridge } from '../../server/bridge.ts';
import { listenLocalSocket, type LocalSocket, type LocalSocketOptions } from '../../server/local-socket.ts';

/** `eidos serve [--port N]`: the UI and API in a local browser, through the loopback bridge. */
export interface ServeDeps {
  createHandlers(dataDir: string): Promise<ApiHandlers>;
  /** Resolves when the server should stop (Ctrl-C by default). */
  untilStopped(): Promise<void>;
  /** Opens the local socket that `eidos index`, `status` and `search` in a terminal work through meanwhile. */
  listenForCli(options: LocalSocketOptions): Promise<LocalSocket | undefined>;
}

const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

export function makeServeCommand(
  deps: ServeDeps = {
    createHandlers: createEngineHandlers,
    untilStopped: untilSignal,
    listenForCli: listenLocalSocket,
  },
): Command {
  return {
    usage: '[--port N]',
    help: [
      'options:',
      '  --port N   port on 127.0.0.1 (default: a free one)',
      '  --json     print {"url","port"} instead of the sentence',
      '',
      'Open the printed address; it carries a one-time token that the page then keeps in a cookie.',
      'Nothing listens on other interfaces, and no request leaves this machine.',
    ].join('\n'),
    options: { port: { type: 'string' } },
    async run(args, io) {
      const port = parsePort(args.values.port);
      const staticDir = resources.ui();
      const handlers = await deps.createHandlers(dataDir());
      const bridge = await startBridge({ handlers, port, staticDir: existsSync(staticDir) ? staticDir : undefined });
      // `eidos index`, `status` and `search` in a terminal work through this process while it holds the index.
      const local = await deps
        .listenForCli({
          home: dataDir(),
          handlers,
          kind: 'serve',
          token: bridge.token,
          warn: (message) => io.err(message),
        })
        .catch((error: unknown) => {
          io.err(`(eidos in another terminal cannot work through this one: ${describeError(error)})`);
          return undefined;
        });
      if (args.json) io.out(JSON.stringify({ url: bridge.url, port: bridge.port }));
      else io.out(`Eidos is at ${bridge.url}\n(only this machine can reach it; Ctrl-C stops it)`);
      if (!existsSync(staticDir) && !args.json)
        io.err(`No built UI in ${staticDir}; run 'npm run build'. The API still answers.`);
      // A damaged index no longer stops serve: the page offers the rebuild. The terminal hears of it too.
      const { damagedIndex, notice } = await handlers.status({});
      if (damagedIndex && notice) io.err(notice);
      await deps.untilStopped();
      await local?.close();
      await bridge.close();
      await handlers.close?.();
      return 0;
    },
  };
}

function parsePort(value: unknown): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65535) {
    throw new EidosError('BAD_ARGUMENT', `--port must be a whole number from 0 to 65535 (got '${String(value)}').`);
  }
  return port;
}

export const serveCommand = makeServeCommand();
