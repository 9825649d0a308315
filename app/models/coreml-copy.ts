/**
 * The Core ML copy of a model's vision tower: the installed graph with its symbolic batch dimension fixed
 * (onnx-fix-batch.ts), beside the original in the model's folder, so that onnxruntime's Core ML provider,
 * which Eidos lets take only nodes with static input shapes, can take the whole graph (docs/coreml.md).
 *
 * It is written at install time on a Mac (the service asks for it), or when a Core ML session first needs
 * it (a model installed before copies existed). Like an install it is checked before use: its outline
 * must be the manifest's vision tower with the fixed batch and no symbolic dimension left in its inputs,
 * outputs or value_info; its sha256, size and time are recorded, and a copy whose size, time or original
 * changed since is written again.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { hashFile } from './hash-file.ts';
import type { ModelSpec } from './manifest-types.ts';
import { writeFixedBatch } from './onnx-fix-batch.ts';
import type { OnnxOutline } from './onnx-inspect.ts';
import { checkOnnxTower } from './onnx-signature.ts';

/** Photos per vision run under Core ML: the batch written into the copy (and the engine's vision batch). */
export const CORE_ML_BATCH = 8;

const RECORD_FILE = '.eidos-coreml-copy.json';

export interface CoreMlCopyRecord {
  /** The copy, relative to the model's folder. */
  file: string;
  batch: number;
  /** The symbolic dimension that was fixed (the first dimension of pixel_values). */
  dimName: string;
  sha256: string;
  bytes: number;
  mtimeMs: number;
  /** The original it was derived from, as it was then. */
  source: { file: string; bytes: number; mtimeMs: number };
}

function visionFile(model: ModelSpec): string {
  const file = model.files.find((f) => f.role === 'vision');
  if (!file) throw new EidosError('MODEL_INVALID', `the manifest entry of ${model.id} has no vision file`);
  return file.path;
}

/** Where the copy lives, relative to the model's folder: `onnx/vision_model.coreml-b8.onnx`. */
export function coreMlCopyFile(model: ModelSpec, batch = CORE_ML_BATCH): string {
  const original = visionFile(model);
  return join(dirname(original), `${basename(original, '.onnx')}.coreml-b${batch}.onnx`);
}

/** Every dimension of the graph's inputs, outputs and value_info that is not a number. */
export function symbolicDims(outline: OnnxOutline): string[] {
  const found: string[] = [];
  for (const [kind, list] of [
    ['input', outline.inputs],
    ['output', outline.outputs],
    ['value_info', outline.valueInfo],
  ] as const) {
    for (const v of list) {
      v.dims.forEach((dim, i) => {
        if (typeof dim !== 'number') found.push(`${kind} '${v.name}' dim ${i} (${dim ?? 'unknown'})`);
      });
    }
  }
  return found;
}

/** Writes the copy into `dir` (an install or a partial install) and records it. */
export async function writeCoreMlCopy(model: ModelSpec, dir: string, batch = CORE_ML_BATCH): Promise<CoreMlCopyRecord> {
  const sourceFile = visionFile(model);
  const source = join(dir, sourceFile);
  const outline = checkOnnxTower(model, 'vision', source);
  const batchDim = outline.inputs.find((v) => v.name === 'pixel_values')?.dims[0];
  if (typeof batchDim !== 'string')
    throw new EidosError('MODEL_INVALID', `${source}: pixel_values has no named batch dimension to fix.`, {
      file: source,
    });
  const file = coreMlCopyFile(model, batch);
  const dest = join(dir, file);
  const partial = `${dest}.partial-${process.pid}`;
  try {
    writeFixedBatch(source, partial, batchDim, batch);
    const left = symbolicDims(checkOnnxTower(model, 'vision', partial, batch));
    if (left.length > 0)
      throw new EidosError(
        'MODEL_INVALID',
        `${source}: fixing '${batchDim}' to ${batch} leaves symbolic dimensions Core ML cannot take: ${left.join('; ')}.`,
        { file: source },
      );
    const digest = await hashFile(partial);
    renameSync(partial, dest);
    const copied = statSync(dest);
    const original = statSync(source);
    const record: CoreMlCopyRecord = {
      file,
      batch,
      dimName: batchDim,
      sha256: digest.sha256,
      bytes: copied.size,
      mtimeMs: copied.mtimeMs,
      source: { file: sourceFile, bytes: original.size, mtimeMs: original.mtimeMs },
    };
    await writeFile(join(dir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    return record;
  } finally {
    rmSync(partial, { force: true });
  }
}

/** The recorded copy, when it is still the one derived from the installed original (sizes and times). */
export async function currentCoreMlCopy(
  model: ModelSpec,
  dir: string,
  batch = CORE_ML_BATCH,
): Promise<CoreMlCopyRecord | undefined> {
  let record: CoreMlCopyRecord;
  try {
    record = JSON.parse(await readFile(join(dir, RECORD_FILE), 'utf8')) as CoreMlCopyRecord;
  } catch {
    return undefined;
  }
  if (record.batch !== batch || record.file !== coreMlCopyFile(model, batch)) return undefined;
  if (record.source?.file !== visionFile(model)) return undefined;
  const same = (path: string, bytes: number, mtimeMs: number): boolean => {
    if (!existsSync(path)) return false;
    const info = statSync(path);
    return info.size === bytes && info.mtimeMs === mtimeMs;
  };
  if (!same(join(dir, record.source.file), record.source.bytes, record.source.mtimeMs)) return undefined;
  return same(join(dir, record.file), record.bytes, record.mtimeMs) ? record : undefined;
}

/** The copy's absolute path, written first when there is none or it is stale. */
export async function coreMlVisionPath(model: ModelSpec, dir: string, batch = CORE_ML_BATCH): Promise<string> {
  const record = (await currentCoreMlCopy(model, dir, batch)) ?? (await writeCoreMlCopy(model, dir, batch));
  return join(dir, record.file);
}

/** Re-hashes a recorded copy: `ok`, `rewritten` (it had changed: it is derived, so it is written again), or `none`. */
export async function verifyCoreMlCopy(
  model: ModelSpec,
  dir: string,
  batch = CORE_ML_BATCH,
): Promise<'ok' | 'rewritten' | 'none'> {
  let record: CoreMlCopyRecord;
  try {
    record = JSON.parse(await readFile(join(dir, RECORD_FILE), 'utf8')) as CoreMlCopyRecord;
  } catch {
    return 'none';
  }
  const path = join(dir, record.file);
  if (
    existsSync(path) &&
    (await currentCoreMlCopy(model, dir, batch)) &&
    (await hashFile(path)).sha256 === record.sha256
  )
    return 'ok';
  await writeCoreMlCopy(model, dir, batch);
  return 'rewritten';
}
