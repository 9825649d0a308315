import { contract, methodNames, type ApiEvent, type ApiHandlers, type MediaAccess } from '../../app/contract/api.ts';

/**
 * A handlers object written for the transport tests: every engine method answers `{ method, args }`
 * (so a test sees exactly what reached the engine), `emit` pushes an event to subscribers.
 */
export interface FakeEngine {
  handlers: ApiHandlers;
  calls: { method: string; args: unknown }[];
  emit(event: ApiEvent): void;
  subscribers(): number;
}

export function fakeEngine(media: MediaAccess): FakeEngine {
  const calls: { method: string; args: unknown }[] = [];
  const listeners = new Set<(event: ApiEvent) => void>();
  const methods = Object.fromEntries(
    methodNames
      .filter((name) => contract[name].scope === 'engine')
      .map((name) => [
        name,
        async (args: unknown) => {
          calls.push({ method: name, args });
          if (name === 'cancelIndexing') throw new Error('boom');
          return { method: name, args };
        },
      ]),
  );
  const handlers = {
    ...methods,
    media,
    subscribe(listener: (event: ApiEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as ApiHandlers;
  return {
    handlers,
    calls,
    emit: (event) => listeners.forEach((listener) => listener(event)),
    subscribers: () => listeners.size,
  };
}

/** Media access over a fixed id → path table, with the given roots. */
export function tableMedia(files: Record<string, string>, roots: string[]): MediaAccess {
  return {
    locate: async (id) => files[id],
    allowedRoots: async () => roots,
  };
}
