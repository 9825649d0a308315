/**
 * Eidos vs transformers.js on the CLIP architecture twins (twin-parity.ts), on a subset sized for CI
 * (each photo costs ~4.4 GFLOP per side and precision, each 77-token text ~6); the slow suite
 * (test/slow/clip-twin-parity.test.ts) runs all 500 photos and all 200 texts at every batch size.
 */
import { vi } from 'vitest';
import { parityTests } from './twin-parity.ts';

// Minutes, not seconds, on a loaded 2-core machine.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

parityTests({
  photosAtBatch32: 40,
  photosAtBatch7: 14,
  photosAtBatch1: 2,
  photosPadded: 9,
  textStride: 5,
  textsAtBatch1: 4,
});
