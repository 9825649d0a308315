import { describeError, EidosError, type ErrorCode } from './errors.ts';
import { contract, isMethodName, parseArgs, type ApiHandlers, type ApiReply, type EngineMethod } from './api.ts';

/** What a transport reports for an error: a stable code and a message for the user. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export function errorBody(error: unknown): ErrorBody {
  if (error instanceof EidosError) return { code: error.code, message: error.message };
  return {
    code: 'INTERNAL',
    message: `Internal error: ${describeError(error)}. Please report it with the steps that led here.`,
  };
}

/** Validates the untrusted argument against the contract, then calls the engine's handler. */
export async function callEngine(handlers: ApiHandlers, name: EngineMethod, arg: unknown): Promise<unknown> {
  const args = parseArgs(name, arg);
  const handler = handlers[name] as (args: unknown) => Promise<unknown>;
  return handler.call(handlers, args);
}

/**
 * The engine method an untrusted name (a URL path, a socket message) asks for: an unknown name is
 * NOT_FOUND, and a shell method (Finder, the default app) is refused, since only Electron main answers those.
 */
export function engineMethodNamed(name: string): EngineMethod {
  if (!isMethodName(name)) throw new EidosError('NOT_FOUND', `There is no API method '${name.slice(0, 100)}'.`);
  if (contract[name].scope !== 'engine') {
    throw new EidosError('BAD_ARGUMENT', `${name} works only in the desktop app (it needs the system's file manager).`);
  }
  return name as EngineMethod;
}

/** Runs `work` and wraps its outcome for a transport that cannot carry exceptions (IPC, MessagePort). */
export async function toReply<T>(work: () => Promise<T>): Promise<ApiReply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: errorBody(error) };
  }
}
