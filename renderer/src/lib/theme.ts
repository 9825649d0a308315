import type { Settings } from '../../../app/contract/types.ts';

/**
 * Applies a theme: `light`/`dark` pin the palette (data-theme on <html>); `system` removes the pin so
 * the stylesheet follows prefers-color-scheme. Kept in localStorage too, so the first paint of the
 * next start already has the right colours, before the settings arrive.
 */
const KEY = 'eidos.theme';

export function applyTheme(theme: Settings['theme']): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Storage can be off (private windows); the theme still applies for this session.
  }
}

export function rememberedTheme(): Settings['theme'] {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'light' || saved === 'dark' || saved === 'system') return saved;
  } catch {
    // As above: no storage means the default.
  }
  return 'system';
}
