/**
 * Which backend ran each kernel operation last, recorded by the call that ran it (never assumed from
 * what is available): `eidos doctor` reports it. An operation's async twin counts as the operation.
 */
import type { KernelBackend, KernelOperation, Kernels } from './contract.ts';

const lastRun = new Map<KernelOperation, KernelBackend>();

export function recordRun(operation: KernelOperation, backend: KernelBackend): void {
  lastRun.set(operation, backend);
}

/** Per operation, the backend of its last completed call in this process; absent when none completed. */
export function lastBackends(): Partial<Record<KernelOperation, KernelBackend>> {
  return Object.fromEntries(lastRun);
}

/** The operation a contract method belongs to (`searchPassAsync` → `searchPass`). */
export function operationOf(method: keyof Kernels): KernelOperation {
  return method.replace(/Async$/, '') as KernelOperation;
}

/**
 * `kernels` with each method recording `backend` when its call returns or its promise resolves (a call
 * that throws ran nothing worth reporting).
 */
export function recordingRuns(kernels: Kernels, backend: KernelBackend): Kernels {
  const wrapped: Record<string, unknown> = {};
  for (const [method, call] of Object.entries(kernels) as Array<[keyof Kernels, (...args: unknown[]) => unknown]>) {
    const operation = operationOf(method);
    wrapped[method] = (...args: unknown[]) => {
      const result = call(...args);
      if (result instanceof Promise)
        return result.then((value: unknown) => {
          recordRun(operation, backend);
          return value;
        });
      recordRun(operation, backend);
      return result;
    };
  }
  return wrapped as unknown as Kernels;
}
