/**
 * One model's encoder outside a library (`eidos embed`, `eidos doctor`): which model and execution
 * provider a command asked for, and the towers opened for it, closed whatever happens.
 */
import { availableParallelism, arch, platform, totalmem } from 'node:os';
import { existsSync } from 'node:fs';
import { describeError } from '../contract/errors.ts';
import { Encoder } from '../encoders/encoder.ts';
import { onnxRuntimeVersion } from '../encoders/onnx-session.ts';
import { preprocessForModel } from '../image/preprocess.ts';
import { probeKernels } from '../kernels/probe.ts';
import { defaultProvider, type DefaultChoice, type ProviderName } from '../models/platform-default.ts';
import { defaultModelOf } from '../models/store.ts';
import { indexPath, modelsDir } from '../paths.ts';
import { chooseModel } from './active-model.ts';
import type { ModelChoice } from './model-choice.ts';
import { measurePlacements } from './session-placement.ts';
import { readSettings } from './settings.ts';

export type { ModelChoice };

const describeDefault = (choice: DefaultChoice): string =>
  `${choice.id} (${choice.files.join(' + ')}) for ${choice.provider === 'coreml' ? 'Core ML' : 'the CPU'}, because ${choice.reason}`;

async function withEncoder<T>(
  choice: ModelChoice,
  towers: Array<'vision' | 'text'>,
  work: (encoder: Encoder, dir: string) => Promise<T>,
): Promise<T> {
  const settings = readSettings(choice.home);
  const { model, dir } = chooseModel([choice.model, settings.model || undefined], {
    modelsDir: modelsDir(choice.home),
  });
  const encoder = await Encoder.open({
    model,
    modelDir: dir,
    towers,
    ...(choice.provider ? { provider: choice.provider } : {}),
  });
  try {
    return await work(encoder, dir);
  } finally {
    await encoder.close();
  }
}

export interface Embedding {
  model: string;
  provider: ProviderName;
  embedding: Float32Array;
}

export function embedText(choice: ModelChoice, text: string): Promise<Embedding> {
  return withEncoder(choice, ['text'], async (encoder) => ({
    model: encoder.model.id,
    provider: encoder.provider,
    embedding: (await encoder.embedTexts([text])).data,
  }));
}

export function embedImage(choice: ModelChoice, file: string): Promise<Embedding> {
  return withEncoder(choice, ['vision'], async (encoder) => {
    const pixels = await preprocessForModel(file, encoder.model.preprocess);
    return {
      model: encoder.model.id,
      provider: encoder.provider,
      embedding: (await encoder.embedImages(pixels, 1)).data,
    };
  });
}

/**
 * What runs where on this machine, measured rather than assumed: the model is opened for real (both
 * towers), so the provider reported is the one that ran, fallbacks included. `ok` is false when the
 * model could not be opened (the report says why).
 */
export async function doctorReport(choice: ModelChoice): Promise<{ ok: boolean; report: Record<string, unknown> }> {
  const report: Record<string, unknown> = {
    platform: `${platform()}-${arch()}`,
    node: process.versions.node,
    cores: availableParallelism(),
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    onnxruntime: onnxRuntimeVersion(),
    requestedProvider: choice.provider ?? `auto (${defaultProvider()})`,
    defaultModel: describeDefault(
      defaultModelOf({ modelsDir: modelsDir(choice.home) }, choice.provider ?? defaultProvider()),
    ),
    // Each kernel operation run once here, so the report names the backend that ran it, not one assumed.
    kernels: await probeKernels(),
    dataDir: choice.home,
    index: existsSync(indexPath(choice.home)) ? indexPath(choice.home) : 'none yet',
  };
  try {
    const started = performance.now();
    report.model = await withEncoder(choice, ['vision', 'text'], async (encoder, dir) => {
      const openMs = Math.round(performance.now() - started);
      // Where each tower's nodes went, as onnxruntime says when it creates the same session.
      const placed = await measurePlacements(dir, encoder.sessions, encoder.model.coreMlFlags);
      return {
        id: encoder.model.id,
        dir,
        sessions: encoder.sessions.map((s) => ({
          ...s,
          nodes: placed.find((p) => p.tower === s.tower)?.summary ?? 'not measured',
        })),
        openMs,
      };
    });
    const sessions = (report.model as { sessions: Array<{ tower: string; nodes: string }> }).sessions;
    for (const s of sessions) report[`${s.tower}Nodes`] = s.nodes;
    return { ok: true, report };
  } catch (error) {
    report.model = { error: describeError(error) };
    return { ok: false, report };
  }
}
