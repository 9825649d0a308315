/**
 * Which restrictive model licences the user has accepted, per model, in `<models>/licence-acceptances.json`
 * (private, 0600, written atomically). A model whose manifest entry has `requiresLicenceAcceptance`
 * downloads only once its licence is recorded here: `eidos models fetch --accept-licence` or the app's
 * checkbox records it; the record names the licence and its link as they read when it was accepted, so a
 * later manifest that changes the licence asks again.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../util/private-fs.ts';
import type { ModelSpec } from './manifest-types.ts';

export interface LicenceAcceptance {
  licence: string;
  licenceUrl: string;
  /** ISO time of acceptance. */
  acceptedAt: string;
}

type Acceptances = Record<string, LicenceAcceptance>;

export const acceptancesPath = (modelsDir: string): string => join(modelsDir, 'licence-acceptances.json');

/** The recorded acceptances; a missing file is none, a damaged one is none too (the user is asked again). */
function readAcceptances(modelsDir: string): Acceptances {
  const file = acceptancesPath(modelsDir);
  if (!existsSync(file)) return {};
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
    const out: Acceptances = {};
    for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
      const v = value as Partial<LicenceAcceptance> | null;
      if (v && typeof v.licence === 'string' && typeof v.licenceUrl === 'string' && typeof v.acceptedAt === 'string')
        out[id] = { licence: v.licence, licenceUrl: v.licenceUrl, acceptedAt: v.acceptedAt };
    }
    return out;
  } catch {
    return {};
  }
}

/** True when `model` needs no acceptance, or its current licence (name and link) was accepted. */
export function licenceAccepted(modelsDir: string, model: ModelSpec): boolean {
  if (!model.requiresLicenceAcceptance) return true;
  const record = readAcceptances(modelsDir)[model.id];
  return record !== undefined && record.licence === model.licence && record.licenceUrl === model.licenceUrl;
}

/** Records that the user accepted `model`'s licence (as the manifest states it now). */
export function recordLicenceAcceptance(modelsDir: string, model: ModelSpec, now: Date = new Date()): void {
  mkdirSync(modelsDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const all = readAcceptances(modelsDir);
  all[model.id] = { licence: model.licence, licenceUrl: model.licenceUrl ?? '', acceptedAt: now.toISOString() };
  const file = acceptancesPath(modelsDir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  renameSync(temporary, file);
}

/** The refusal when a fetch would download weights whose licence the user has not accepted. */
export function licenceRefusal(model: ModelSpec): EidosError {
  return new EidosError(
    'FORBIDDEN',
    `${model.id}: its weights are under ${model.licence} (${model.licenceUrl}). Read it; to accept it and download, ` +
      `run 'eidos models fetch ${model.id} --accept-licence' (in the app: tick "I accept the licence" beside the model). ` +
      'Eidos remembers the acceptance for this model.',
  );
}
