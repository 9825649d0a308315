/** Eidos vs transformers.js on the CLIP architecture twins, everything: test/integration/encoders/twin-parity.ts. */
import { vi } from 'vitest';
import { FULL_SCOPE, parityTests } from '../integration/encoders/twin-parity.ts';

vi.setConfig({ testTimeout: 3_600_000, hookTimeout: 600_000 });
parityTests(FULL_SCOPE);
