import { EidosError } from '../app/contract/errors.ts';
import type { ApiEvent, ApiHandlers, ApiReply, EngineMethod, MediaAccess } from '../app/contract/api.ts';
import { contract, methodNames } from '../app/contract/api.ts';
import { toReply } from '../app/contract/dispatch.ts';
import type { MediaVariant, PhotoId } from '../app/contract/types.ts';
import type { KernelStatus } from '../app/service/kernels-in-use.ts';

/**
 * Request/response between the main process and the engine's utility process over one MessagePort:
 * `{ id, call, args }` → `{ id, reply }`, plus `{ event }` pushed by the engine. Main has already
 * validated every argument against the contract, so the engine side trusts what arrives.
 * Kept apart from Electron so the round trip is tested with Node's own MessageChannel.
 */
export interface PortLike {
  postMessage(message: unknown): void;
  onMessage(listener: (data: unknown) => void): void;
}

/**
 * Calls the engine can answer: every engine method, the two media look-ups, and which kernels it loaded
 * (main's own question, asked by the smoke test; the renderer and the bridge cannot reach it).
 */
type Call = EngineMethod | 'media.locate' | 'media.allowedRoots' | 'engine.kernels';

interface Request {
  id: number;
  call: Call;
  args: unknown;
}
type Message = { id: number; reply: ApiReply<unknown> } | { event: ApiEvent };

const engineMethods = methodNames.filter((name): name is EngineMethod => contract[name].scope === 'engine');

/** The engine side: answers requests with `handlers` and forwards its events; `kernels` says what it loaded. */
export function serveEngine(
  port: PortLike,
  handlers: ApiHandlers,
  kernels: () => KernelStatus = () => {
    throw new EidosError('NOT_FOUND', 'This engine does not report its kernels.');
  },
): () => void {
  const unsubscribe = handlers.subscribe((event) => port.postMessage({ event } satisfies Message));
  port.onMessage((data) => {
    const { id, call, args } = data as Request;
    void toReply(() => dispatch(handlers, kernels, call, args)).then((reply) =>
      port.postMessage({ id, reply } satisfies Message),
    );
  });
  return unsubscribe;
}

async function dispatch(
  handlers: ApiHandlers,
  kernels: () => KernelStatus,
  call: Call,
  args: unknown,
): Promise<unknown> {
  if (call === 'engine.kernels') return kernels();
  if (call === 'media.locate') {
    const { id, variant, timeMs } = args as { id: PhotoId; variant: MediaVariant; timeMs?: number };
    return handlers.media.locate(id, variant, timeMs);
  }
  if (call === 'media.allowedRoots') return handlers.media.allowedRoots();
  if (!engineMethods.includes(call))
    return Promise.reject(new EidosError('NOT_FOUND', `The engine has no method '${String(call)}'.`));
  return (handlers[call] as (args: unknown) => Promise<unknown>).call(handlers, args);
}

/** The main side: an `ApiHandlers` whose every call is a round trip to the engine. */
export function remoteHandlers(port: PortLike): {
  handlers: ApiHandlers;
  /** The kernels the engine process loaded. */
  kernels(): Promise<KernelStatus>;
  failAll(reason: string): void;
} {
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const listeners = new Set<(event: ApiEvent) => void>();
  let closedReason: string | undefined;

  port.onMessage((data) => {
    const message = data as Message;
    if ('event' in message) {
      for (const listener of listeners) listener(message.event);
      return;
    }
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    const { reply } = message;
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(new EidosError(reply.error.code as EidosError['code'], reply.error.message));
  });

  const call = (name: Call, args: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (closedReason !== undefined) return reject(new EidosError('INTERNAL', closedReason));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      port.postMessage({ id, call: name, args } satisfies Request);
    });

  const methods = Object.fromEntries(engineMethods.map((name) => [name, (args: unknown) => call(name, args)]));
  const handlers = {
    ...methods,
    media: {
      locate: (id, variant, timeMs) => call('media.locate', { id, variant, timeMs }) as Promise<string | undefined>,
      allowedRoots: () => call('media.allowedRoots', undefined) as Promise<string[]>,
    } satisfies MediaAccess,
    subscribe(listener: (event: ApiEvent) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  } as ApiHandlers;

  return {
    handlers,
    kernels: () => call('engine.kernels', undefined) as Promise<KernelStatus>,
    /** Rejects every call in flight and every later one, e.g. when the engine process exits. */
    failAll(reason) {
      closedReason = reason;
      for (const waiter of pending.values()) waiter.reject(new EidosError('INTERNAL', reason));
      pending.clear();
    },
  };
}
