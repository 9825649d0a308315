/**
 * User settings in `<data dir>/settings.json`: changes checked against the contract (and a model id
 * against the manifest), read leniently (unknown or bad fields fall back), written atomically.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TOP, settingsFields } from '../contract/api.ts';
import { describeError, EidosError } from '../contract/errors.ts';
import { loadManifest } from '../models/manifest.ts';
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

/** The ids of the models this Eidos knows (its manifest), read once. */
let knownModels: readonly string[] | undefined;
function knownModelIds(): readonly string[] {
  knownModels ??= loadManifest().models.map((model) => model.id);
  return knownModels;
}

/**
 * Why `value` cannot be the setting `key` (the contract's type and range, and for a model, an id
 * the manifest knows), or undefined when it can. `path` names the field in the message.
 */
function settingProblem<K extends keyof Settings>(key: K, value: unknown, path: string): string | undefined {
  try {
    settingsFields[key].parse(value, path);
  } catch (error) {
    return describeError(error);
  }
  if (key === 'model' && !knownModelIds().includes(value as string)) {
    return `${path} must be the id of a model Eidos knows: ${knownModelIds().join(', ')} (got ${JSON.stringify(value)}; 'eidos models list').`;
  }
  return undefined;
}

/**
 * Refuses a settings change whose fields do not hold (BAD_ARGUMENT, 400 over HTTP), before anything
 * is written: a stored bad model id would stop the engine from opening at every start.
 */
export function assertSettingsPatch(patch: Partial<Settings>, method = 'setSettings'): void {
  for (const [key, value] of Object.entries(patch) as Array<[keyof Settings, unknown]>) {
    if (value === undefined) continue;
    const problem = settingProblem(key, value, `${method}.${key}`);
    if (problem) throw new EidosError('BAD_ARGUMENT', problem);
  }
}

/** The settings; a field the file lacks or holds wrong (edited by hand, an older Eidos) reads as its default. */
export function readSettings(home: string): Settings {
  const file = settingsPath(home);
  if (!existsSync(file)) return { ...DEFAULT_SETTINGS };
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<Settings>;
    const merged = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>) {
      if (settingProblem(key, raw[key], key) === undefined) (merged as Record<string, unknown>)[key] = raw[key];
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
