// Lint: typescript-eslint's recommended rules on every TypeScript file; Svelte files are checked by the
// Svelte compiler during the UI build.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'native/build/', 'dist/', 'dist-electron/', 'release/', 'renderer/dist/', '**/*.svelte'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
