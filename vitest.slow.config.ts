import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// `npm run test:slow`: only test/slow, which the normal run excludes. A separate config because a CLI
// filter (`vitest run test/slow`) only narrows the base config's files and can never re-include them.
// (Spread, not mergeConfig: that would append to the base include and exclude lists.)
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/slow/**/*.test.ts'],
    exclude: ['node_modules/**'],
    // The slow suites are long loops over real processes: one file at a time; tests set their own timeouts.
    fileParallelism: false,
  },
});
