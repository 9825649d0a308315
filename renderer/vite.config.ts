import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The UI build. `base: './'` keeps every asset URL relative, so the same `dist/` works from the
 * loopback bridge (`http://127.0.0.1:<port>/`) and from Electron's `eidos://app/`. The CSP allows no
 * inline script or style, so nothing may be inlined into index.html.
 */
export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
