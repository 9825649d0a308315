import { kernelStatus } from '../kernels/index.ts';
import type { KernelStatus } from '../kernels/contract.ts';

export type { KernelStatus };

/**
 * Which kernels this process loaded (the native addon, or the TypeScript fallback and why) and which
 * backend ran each operation last: what the desktop app's smoke test asks its engine process.
 */
export const kernelsInUse = (): KernelStatus => kernelStatus();
