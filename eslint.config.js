// Lint: typescript-eslint's recommended rules on every TypeScript file; Svelte files are checked by the
// Svelte compiler during the UI build.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // .svelte files: their TypeScript is checked by svelte-check (npm run check:svelte). .scratch/: local experiments, never committed.
  { ignores: ['node_modules/', 'native/build/', 'dist/', 'release/', '.scratch/', '**/*.svelte'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
