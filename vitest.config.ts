import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/slow/**', 'node_modules/**'],
    setupFiles: ['test/setup/resource-root.ts'],
    globalSetup: ['test/setup/build-bundles.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native addons, onnxruntime and sharp do not like being loaded in many worker threads at once.
    pool: 'forks',
    // Tests that load onnxruntime directly (reference implementations) must not leave its telemetry
    // behind either; the app switches it off itself, and the offline test removes this variable so it
    // still proves that.
    env: { ORT_DISABLE_TELEMETRY: '1' },
    fileParallelism: true,
  },
});
