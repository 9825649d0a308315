import type { IpcMain, WebContents } from 'electron';
import { EidosError } from '../app/contract/errors.ts';
import {
  contract,
  eventNames,
  methodNames,
  parseArgs,
  type ApiHandlers,
  type EngineMethod,
  type ShellMethod,
} from '../app/contract/api.ts';
import { callEngine, toReply } from '../app/contract/dispatch.ts';
import { eventChannel, methodChannel } from './channels.ts';
import { isAppUrl, validateSender } from './security.ts';
import type { ShellActions } from './shell-actions.ts';

/**
 * One `ipcMain.handle` per contract method — nothing else is listened to. Every handler first checks
 * that the sender is the top frame of our own UI, then validates the argument against the contract,
 * then answers with an `ApiReply` (IPC would drop an error's code, so errors travel as data).
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, handlers: ApiHandlers, shellActions: ShellActions): void {
  for (const name of methodNames) {
    ipcMain.handle(methodChannel(name), (event, arg: unknown) =>
      toReply(async () => {
        if (!validateSender(event.senderFrame)) {
          throw new EidosError(
            'FORBIDDEN',
            `Refused ${name} from '${event.senderFrame?.url ?? 'an unknown frame'}': only the Eidos window may call the API.`,
          );
        }
        if (contract[name].scope === 'shell') {
          const shellName = name as ShellMethod;
          // The action and its validated argument belong to the same method; TypeScript cannot pair them in a union.
          const action = shellActions[shellName] as (args: unknown) => Promise<unknown>;
          return action(parseArgs(shellName, arg));
        }
        return callEngine(handlers, name as EngineMethod, arg);
      }),
    );
  }
}

/** Sends every engine event to the pages of our UI (and nowhere else); returns the unsubscribe. */
export function forwardEvents(handlers: Pick<ApiHandlers, 'subscribe'>, pages: () => WebContents[]): () => void {
  return handlers.subscribe((event) => {
    if (!eventNames.includes(event.name)) return;
    for (const contents of pages()) {
      if (!contents.isDestroyed() && isAppUrl(contents.getURL()))
        contents.send(eventChannel(event.name), event.payload);
    }
  });
}
