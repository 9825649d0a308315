/**
 * Which model the engine uses: the one asked for, else the one the settings name, else the one the
 * index already holds vectors for, else the default when installed, else the only installed one.
 * Without an installed model the error says exactly what to run.
 */
import { existsSync } from 'node:fs';
import { EidosError } from '../contract/errors.ts';
import type { ModelSpec } from '../models/manifest-types.ts';
import { defaultModelOf } from '../models/store.ts';
import { resolveStore, type StoreContext } from '../models/store-context.ts';

export interface ActiveModel {
  model: ModelSpec;
  dir: string;
}

export function chooseModel(preferences: Array<string | undefined>, context: StoreContext = {}): ActiveModel {
  const store = resolveStore(context);
  const installed = store.manifest.models.filter((m) => existsSync(store.installDir(m.id)));
  for (const id of preferences) {
    if (!id) continue;
    const model = store.model(id);
    if (existsSync(store.installDir(id))) return { model, dir: store.installDir(id) };
  }
  const explicit = preferences[0];
  if (explicit) {
    throw new EidosError(
      'MODEL_MISSING',
      `model ${explicit} is not installed: run 'eidos models fetch ${explicit}' (or 'eidos models import <folder>' on a machine without internet).`,
    );
  }
  const defaultId = defaultModelOf(context).id;
  const fallback =
    installed.find((m) => m.id === defaultId) ??
    installed.find((m) => m.id === store.manifest.defaultModel) ??
    installed[0];
  if (!fallback) {
    throw new EidosError(
      'MODEL_MISSING',
      `no model is installed: run 'eidos models fetch ${defaultId}' (needs internet once), 'eidos models import <folder>', or 'eidos models fetch synthetic-tiny' for the built-in test model.`,
    );
  }
  return { model: fallback, dir: store.installDir(fallback.id) };
}
