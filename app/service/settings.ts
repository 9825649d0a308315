/** User settings in `<data dir>/settings.json`: read leniently (unknown or bad fields fall back), written atomically. */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TOP } from '../contract/api.ts';
import type { Settings } from '../contract/types.ts';
import { ensureDataDir } from '../paths.ts';
import { PRIVATE_FILE_MODE } from '../util/private-fs.ts';

export const DEFAULT_SETTINGS: Settings = {
  model: '',
  executionProvider: 'auto',
  // The app keeps the index in step with the folders unless the user turns it off (Settings).
  watchFolders: true,
  defaultTop: DEFAULT_TOP,
  theme: 'system',
};

export function settingsPath(home: string): string {
  return join(home, 'settings.json');
}

export function readSettings(home: string): Settings {
  const file = settingsPath(home);
  if (!existsSync(file)) return { ...DEFAULT_SETTINGS };
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<Settings>;
    const merged = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>) {
      if (typeof raw[key] === typeof DEFAULT_SETTINGS[key]) (merged as Record<string, unknown>)[key] = raw[key];
    }
    return merged;
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function writeSettings(home: string, settings: Settings): void {
  ensureDataDir(home);
  const file = settingsPath(home);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(settings, null, 2), { mode: PRIVATE_FILE_MODE });
  renameSync(temporary, file);
}
