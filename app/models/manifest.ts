import { readFileSync } from 'node:fs';
import { EidosError } from '../contract/errors.ts';
import { resources } from '../resources.ts';
import { GENERATOR_NAMES, type GeneratorName } from './generators.ts';
import type {
  Manifest,
  ModelCard,
  ModelFile,
  ModelFileRole,
  ModelSpec,
  OutputNames,
  PreprocessSpec,
  TextSpec,
} from './manifest-types.ts';

/** The manifest shipped with the app. */
export const defaultManifestPath = (): string => resources.manifest();

/** A `sha256` value starting with this marks a pin still to be filled in; it loads as unpinned (null). */
export const PLACEHOLDER_PREFIX = 'PLACEHOLDER';

const ROLES: readonly ModelFileRole[] = ['vision', 'text', 'tokenizer', 'tokenizer-config', 'preprocessor', 'config'];
const REQUIRED_ROLES: readonly ModelFileRole[] = ['vision', 'text', 'tokenizer'];
const SHA256 = /^[0-9a-f]{64}$/;
const MODEL_ID = /^[a-z0-9][a-z0-9-]*$/;

type Json = Record<string, unknown>;

/** Validates untrusted JSON field by field; every error names the file and the field path. */
class Reader {
  constructor(private readonly file: string) {}

  fail(field: string, reason: string): never {
    throw new EidosError(
      'MODEL_INVALID',
      `${this.file}: ${field} ${reason}. Fix the model manifest (or reinstall Eidos if you did not edit it).`,
      {
        file: this.file,
      },
    );
  }

  object(value: unknown, field: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be an object');
    return value as Json;
  }

  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, 'must be a list');
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string' || value === '') this.fail(field, 'must be a non-empty string');
    return value;
  }

  optionalString(value: unknown, field: string): string | undefined {
    return value === undefined ? undefined : this.string(value, field);
  }

  number(value: unknown, field: string, check: { integer?: boolean; min?: number } = {}): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(field, 'must be a number');
    if (check.integer && !Number.isInteger(value)) this.fail(field, `must be an integer (got ${value})`);
    if (check.min !== undefined && value < check.min) this.fail(field, `must be ≥ ${check.min} (got ${value})`);
    return value;
  }

  triple(value: unknown, field: string): [number, number, number] {
    const list = this.array(value, field);
    if (list.length !== 3) this.fail(field, `must have 3 numbers, one per RGB channel (got ${list.length})`);
    return list.map((v, i) => this.number(v, `${field}[${i}]`)) as [number, number, number];
  }
}

function readPreprocess(r: Reader, raw: unknown, field: string): PreprocessSpec {
  const p = r.object(raw, field);
  const interpolation = p.interpolation;
  if (interpolation !== 'bicubic' && interpolation !== 'bilinear')
    r.fail(`${field}.interpolation`, "must be 'bicubic' or 'bilinear'");
  const std = r.triple(p.std, `${field}.std`);
  if (std.some((s) => s <= 0)) r.fail(`${field}.std`, 'must be positive');
  if (p.resize !== undefined && p.resize !== 'crop' && p.resize !== 'stretch')
    r.fail(`${field}.resize`, "must be 'crop' or 'stretch'");
  return {
    ...(p.resize === undefined ? {} : { resize: p.resize }),
    size: r.number(p.size, `${field}.size`, { integer: true, min: 1 }),
    shortestEdge: r.number(p.shortestEdge, `${field}.shortestEdge`, { integer: true, min: 1 }),
    interpolation,
    rescaleFactor: r.number(p.rescaleFactor, `${field}.rescaleFactor`),
    mean: r.triple(p.mean, `${field}.mean`),
    std,
  };
}

function readText(r: Reader, raw: unknown, field: string): TextSpec {
  const t = r.object(raw, field);
  if (t.tokenizer !== 'clip' && t.tokenizer !== 'gemma') r.fail(`${field}.tokenizer`, "must be 'clip' or 'gemma'");
  if (t.lowercase !== undefined && typeof t.lowercase !== 'boolean')
    r.fail(`${field}.lowercase`, 'must be true or false');
  // Gemma has no pad of its own here to fall back on; CLIP's is its end-of-text token.
  const padId =
    t.padId === undefined && t.tokenizer === 'clip'
      ? undefined
      : r.number(t.padId, `${field}.padId`, { integer: true, min: 0 });
  return {
    tokenizer: t.tokenizer,
    ...(t.lowercase === undefined ? {} : { lowercase: t.lowercase }),
    ...(padId === undefined ? {} : { padId }),
  };
}

function readOutputs(r: Reader, raw: unknown, field: string): OutputNames {
  const o = r.object(raw, field);
  return { image: r.string(o.image, `${field}.image`), text: r.string(o.text, `${field}.text`) };
}

function readFile(r: Reader, raw: unknown, field: string, source: ModelSpec['source']): ModelFile {
  const f = r.object(raw, field);
  const role = f.role as ModelFileRole;
  if (!ROLES.includes(role)) r.fail(`${field}.role`, `must be one of ${ROLES.join(', ')}`);
  const path = r.string(f.path, `${field}.path`);
  // Paths are joined onto the models folder: keep them inside it.
  if (
    path.startsWith('/') ||
    path.includes('\\') ||
    path.split('/').some((part) => part === '..' || part === '.' || part === '')
  ) {
    r.fail(`${field}.path`, `must be a relative path inside the model folder (got '${path}')`);
  }
  const bytes = f.bytes === null ? null : r.number(f.bytes, `${field}.bytes`, { integer: true, min: 0 });
  let sha256: string | null = null;
  if (typeof f.sha256 === 'string' && f.sha256.startsWith(PLACEHOLDER_PREFIX)) sha256 = null;
  else if (f.sha256 !== null) {
    if (typeof f.sha256 !== 'string' || !SHA256.test(f.sha256))
      r.fail(`${field}.sha256`, `must be 64 lower-case hex digits, null or '${PLACEHOLDER_PREFIX}…'`);
    sha256 = f.sha256;
  }
  const url = r.optionalString(f.url, `${field}.url`);
  if (source === 'download' && (url === undefined || !url.startsWith('https://')))
    r.fail(`${field}.url`, 'must be an https:// URL for a downloaded model');
  if (source === 'generated' && url !== undefined) r.fail(`${field}.url`, 'must be absent for a generated model');
  return { role, path, bytes, sha256, ...(url === undefined ? {} : { url }) };
}

function readCard(r: Reader, raw: unknown, field: string): ModelCard {
  const c = r.object(raw, field);
  let retrieval: ModelCard['retrieval'];
  if (c.retrieval !== undefined) {
    const q = r.object(c.retrieval, `${field}.retrieval`);
    const note = r.optionalString(q.note, `${field}.retrieval.note`);
    retrieval = {
      coco: r.number(q.coco, `${field}.retrieval.coco`, { min: 0 }),
      ...(q.flickr30k === undefined
        ? {}
        : { flickr30k: r.number(q.flickr30k, `${field}.retrieval.flickr30k`, { min: 0 }) }),
      ...(note === undefined ? {} : { note }),
      source: r.string(q.source, `${field}.retrieval.source`),
    };
  }
  const twin = r.optionalString(c.twin, `${field}.twin`);
  const speed = r.optionalString(c.speed, `${field}.speed`);
  return {
    languages: r.string(c.languages, `${field}.languages`),
    ...(retrieval ? { retrieval } : {}),
    ...(twin === undefined ? {} : { twin }),
    ...(c.memoryMb === undefined ? {} : { memoryMb: r.number(c.memoryMb, `${field}.memoryMb`, { min: 1 }) }),
    ...(speed === undefined ? {} : { speed }),
  };
}

function readModel(r: Reader, raw: unknown, field: string): ModelSpec {
  const m = r.object(raw, field);
  const id = r.string(m.id, `${field}.id`);
  if (!MODEL_ID.test(id)) r.fail(`${field}.id`, `must be lower-case letters, digits and dashes (got '${id}')`);
  const source = m.source;
  if (source !== 'download' && source !== 'generated') r.fail(`${field}.source`, "must be 'download' or 'generated'");
  const files = r.array(m.files, `${field}.files`).map((f, i) => readFile(r, f, `${field}.files[${i}]`, source));
  for (const role of REQUIRED_ROLES) {
    if (files.filter((f) => f.role === role).length !== 1)
      r.fail(`${field}.files`, `must have exactly one '${role}' file`);
  }
  if (new Set(files.map((f) => f.path)).size !== files.length) r.fail(`${field}.files`, 'has the same path twice');
  const generator = m.generator as GeneratorName | undefined;
  if (source === 'generated' && !GENERATOR_NAMES.includes(generator as GeneratorName))
    r.fail(`${field}.generator`, `must be one of ${GENERATOR_NAMES.join(', ')} for a generated model`);
  if (source === 'download' && generator !== undefined)
    r.fail(`${field}.generator`, 'must be absent for a downloaded model');
  const coreMlFlags =
    m.coreMlFlags === undefined
      ? undefined
      : r.number(m.coreMlFlags, `${field}.coreMlFlags`, { integer: true, min: 0 });
  const licenceUrl = r.optionalString(m.licenceUrl, `${field}.licenceUrl`);
  const notes = r.optionalString(m.notes, `${field}.notes`);
  if (m.requiresLicenceAcceptance !== undefined && typeof m.requiresLicenceAcceptance !== 'boolean')
    r.fail(`${field}.requiresLicenceAcceptance`, 'must be true or false');
  const requiresLicenceAcceptance = m.requiresLicenceAcceptance === true;
  if (requiresLicenceAcceptance && licenceUrl === undefined)
    r.fail(`${field}.licenceUrl`, 'must link the licence a user is asked to accept');
  return {
    id,
    name: r.string(m.name, `${field}.name`),
    description: r.string(m.description, `${field}.description`),
    licence: r.string(m.licence, `${field}.licence`),
    ...(licenceUrl === undefined ? {} : { licenceUrl }),
    embeddingDim: r.number(m.embeddingDim, `${field}.embeddingDim`, { integer: true, min: 1 }),
    logitScale: r.number(m.logitScale, `${field}.logitScale`, { min: Number.MIN_VALUE }),
    ...(m.logitBias === undefined ? {} : { logitBias: r.number(m.logitBias, `${field}.logitBias`) }),
    ...(m.text === undefined ? {} : { text: readText(r, m.text, `${field}.text`) }),
    ...(m.outputs === undefined ? {} : { outputs: readOutputs(r, m.outputs, `${field}.outputs`) }),
    ...(m.card === undefined ? {} : { card: readCard(r, m.card, `${field}.card`) }),
    contextLength: r.number(m.contextLength, `${field}.contextLength`, { integer: true, min: 2 }),
    preprocess: readPreprocess(r, m.preprocess, `${field}.preprocess`),
    source,
    ...(generator === undefined ? {} : { generator }),
    ...(coreMlFlags === undefined ? {} : { coreMlFlags }),
    ...(notes === undefined ? {} : { notes }),
    ...(requiresLicenceAcceptance ? { requiresLicenceAcceptance } : {}),
    files,
  };
}

/** Checks parsed manifest JSON; `file` only names the source in errors. */
export function parseManifest(raw: unknown, file: string): Manifest {
  const r = new Reader(file);
  const root = r.object(raw, '(root)');
  if (root.version !== 1)
    r.fail('version', `must be 1 (got ${JSON.stringify(root.version)}); this Eidos is too old for the manifest`);
  const models = r.array(root.models, 'models').map((m, i) => readModel(r, m, `models[${i}]`));
  const ids = models.map((m) => m.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) r.fail('models', `has the id '${duplicate}' twice`);
  const defaultModel = r.string(root.defaultModel, 'defaultModel');
  if (!ids.includes(defaultModel))
    r.fail('defaultModel', `names '${defaultModel}', which is not in models (${ids.join(', ')})`);
  const coreMlDefaultModel = r.optionalString(root.coreMlDefaultModel, 'coreMlDefaultModel');
  if (coreMlDefaultModel !== undefined && !ids.includes(coreMlDefaultModel))
    r.fail('coreMlDefaultModel', `names '${coreMlDefaultModel}', which is not in models (${ids.join(', ')})`);
  const coreMlPreferredModel = r.optionalString(root.coreMlPreferredModel, 'coreMlPreferredModel');
  if (coreMlPreferredModel !== undefined && !ids.includes(coreMlPreferredModel))
    r.fail('coreMlPreferredModel', `names '${coreMlPreferredModel}', which is not in models (${ids.join(', ')})`);
  for (const model of models) {
    if (model.card?.twin !== undefined && !ids.includes(model.card.twin))
      r.fail(`models[${ids.indexOf(model.id)}].card.twin`, `names '${model.card.twin}', which is not in models`);
  }
  return {
    version: 1,
    defaultModel,
    ...(coreMlDefaultModel === undefined ? {} : { coreMlDefaultModel }),
    ...(coreMlPreferredModel === undefined ? {} : { coreMlPreferredModel }),
    models,
  };
}

export function loadManifest(file: string = defaultManifestPath()): Manifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EidosError(
      'NOT_FOUND',
      `${file}: cannot read the model manifest (${(error as Error).message}); reinstall Eidos.`,
      { file, cause: error },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new EidosError(
      'MODEL_INVALID',
      `${file}: the model manifest is not valid JSON (${(error as Error).message}).`,
      { file, cause: error },
    );
  }
  return parseManifest(raw, file);
}

/** The model with this id, or a NOT_FOUND error listing the ids that exist. */
export function findModel(manifest: Manifest, id: string): ModelSpec {
  const model = manifest.models.find((m) => m.id === id);
  if (!model) {
    throw new EidosError(
      'NOT_FOUND',
      `unknown model '${id}'. Known models: ${manifest.models.map((m) => m.id).join(', ')} ('eidos models list').`,
    );
  }
  return model;
}

/** A file is pinned when the manifest gives the exact sha256 it must have. */
export const isPinned = (file: ModelFile): file is ModelFile & { sha256: string } => file.sha256 !== null;
