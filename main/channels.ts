import type { EventName, MethodName } from '../app/contract/api.ts';

/**
 * IPC channel names, derived from the contract: a closed set, one channel per method or event.
 * Shared by ipc.ts (main) and preload.ts so the two sides cannot drift apart.
 */
export const methodChannel = (name: MethodName): string => `eidos:call:${name}`;
export const eventChannel = (name: EventName): string => `eidos:event:${name}`;
