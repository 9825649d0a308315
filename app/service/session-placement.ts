/**
 * Where each tower's nodes ran, measured (app/encoders/placement-probe.ts) and kept in the model's
 * folder, so `eidos models list` and the Settings panel can say it without opening a session. `eidos
 * doctor` measures afresh every time; a Core ML engine session measures once per graph file and provider.
 * A reinstall replaces the folder and with it what was measured.
 */
import { readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onnxRuntimeVersion } from '../encoders/onnx-session.ts';
import { describePlacement, type SessionPlacement } from '../encoders/ort-log.ts';
import { probePlacement } from '../encoders/placement-probe.ts';
import { modelsDir } from '../paths.ts';
import type { SessionReport } from '../encoders/protocol.ts';

const RECORD_FILE = '.eidos-placement.json';

export interface TowerPlacement {
  tower: 'vision' | 'text';
  provider: 'cpu' | 'coreml';
  /** "Core ML took N of M nodes in K partitions (the whole graph)", or why not. */
  summary: string;
  /** The graph file measured, its size and time then, and the onnxruntime that measured it. */
  file: string;
  bytes: number;
  mtimeMs: number;
  onnxruntime: string;
  measuredAt: string;
  placement: SessionPlacement;
  /** The session's fixed batch, when its graph has one. */
  fixedBatch?: number;
}

function readRecord(modelDir: string): TowerPlacement[] {
  try {
    const parsed = JSON.parse(readFileSync(join(modelDir, RECORD_FILE), 'utf8')) as { towers?: TowerPlacement[] };
    return Array.isArray(parsed.towers) ? parsed.towers : [];
  } catch {
    return [];
  }
}

/** The measurements still true of the files in the folder (same file, size, time, onnxruntime). */
export function recordedPlacements(modelDir: string): TowerPlacement[] {
  return readRecord(modelDir).filter((t) => {
    try {
      const info = statSync(t.file);
      return info.size === t.bytes && info.mtimeMs === t.mtimeMs && t.onnxruntime === onnxRuntimeVersion();
    } catch {
      return false;
    }
  });
}

/** Measures each session as the engine opened it, keeps the result, and returns it. */
export async function measurePlacements(
  modelDir: string,
  sessions: SessionReport[],
  coreMlFlags: number | undefined,
): Promise<TowerPlacement[]> {
  const measured: TowerPlacement[] = [];
  for (const s of sessions) {
    const placement = await probePlacement({
      path: s.file,
      provider: s.provider,
      threads: 1,
      ...(s.provider === 'coreml' && coreMlFlags !== undefined ? { coreMlFlags } : {}),
    });
    let summary = describePlacement(placement, s.provider);
    if (s.graphProblem) summary += ` (${s.graphProblem})`;
    if (s.fallbackReason) summary += ` (${s.fallbackReason})`;
    const info = statSync(s.file);
    measured.push({
      tower: s.tower,
      provider: s.provider,
      summary,
      file: s.file,
      bytes: info.size,
      mtimeMs: info.mtimeMs,
      onnxruntime: onnxRuntimeVersion(),
      measuredAt: new Date().toISOString(),
      placement,
      ...(s.fixedBatch === undefined ? {} : { fixedBatch: s.fixedBatch }),
    });
  }
  const kept = readRecord(modelDir).filter((old) => !measured.some((m) => m.tower === old.tower));
  await writeFile(join(modelDir, RECORD_FILE), `${JSON.stringify({ towers: [...kept, ...measured] }, null, 2)}\n`, {
    mode: 0o600,
  }).catch(() => undefined); // a read-only model folder only loses the record, not the answer
  return measured;
}

/** What was last measured for an installed model in the default models folder (`eidos models list`). */
export function placementsOfModel(id: string): TowerPlacement[] {
  return recordedPlacements(join(modelsDir(), id));
}
