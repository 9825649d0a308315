import { existsSync } from 'node:fs';
import { arch, availableParallelism, platform, totalmem } from 'node:os';
import type { Command } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, engineOptions } from '../engine-options.ts';
import { Encoder } from '../../encoders/encoder.ts';
import { defaultProvider } from '../../encoders/execution-providers.ts';
import { onnxRuntimeVersion } from '../../encoders/onnx-session.ts';
import { chooseModel } from '../../engine/active-model.ts';
import { readSettings } from '../../engine/settings.ts';
import { describeError } from '../../errors.ts';
import { kernelStatus } from '../../kernels/index.ts';
import { loadManifest } from '../../models/manifest.ts';
import { defaultModelFor, type DefaultChoice } from '../../models/platform-default.ts';
import { indexPath, modelsDir } from '../../paths.ts';

const describeDefault = (choice: DefaultChoice): string => `${choice.id} for ${choice.provider === 'coreml' ? 'Core ML' : 'the CPU'} (${choice.reason})`;

/** What runs where on this machine: the facts a bug report needs, measured rather than assumed. */
export const doctorCommand: Command = {
  path: ['doctor'],
  summary: 'Report the platform, the execution provider that actually runs the model, the scoring kernels and the data folder.',
  usage: '[--json] [--model <id>] [--ep <name>]',
  help: ['Opens the model for real (both towers), so the provider shown is the one that ran, including any fallback.', '', 'options:', ...engineOptionHelp].join('\n'),
  options: { ...engineOptionSpec },
  async run(args, io) {
    const options = engineOptions(args);
    const report: Record<string, unknown> = {
      platform: `${platform()}-${arch()}`,
      node: process.versions.node,
      cores: availableParallelism(),
      memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
      onnxruntime: onnxRuntimeVersion(),
      requestedProvider: options.provider ?? `auto (${defaultProvider()})`,
      defaultModel: describeDefault(defaultModelFor(loadManifest(), options.provider ?? defaultProvider())),
      kernels: kernelStatus(),
      dataDir: options.home,
      index: existsSync(indexPath(options.home)) ? indexPath(options.home) : 'none yet',
    };
    let ok = true;
    try {
      const settings = readSettings(options.home);
      const { model, dir } = chooseModel([options.model, settings.model || undefined], { modelsDir: modelsDir(options.home) });
      const started = performance.now();
      const encoder = await Encoder.open({ model, modelDir: dir, towers: ['vision', 'text'], ...(options.provider ? { provider: options.provider } : {}) });
      report.model = { id: model.id, dir, sessions: encoder.sessions, openMs: Math.round(performance.now() - started) };
      await encoder.close();
    } catch (error) {
      ok = false;
      report.model = { error: describeError(error) };
    }
    if (args.json) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      for (const [key, value] of Object.entries(report)) io.out(`${key.padEnd(18)} ${typeof value === 'string' || typeof value === 'number' ? value : JSON.stringify(value)}`);
    }
    return ok ? 0 : 1;
  },
};
