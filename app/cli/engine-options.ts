import { stringOption, type OptionSpec, type ParsedArgs } from './command.ts';
import type { Engine, EngineOptions } from '../service/engine.ts';
import { providerOption, type ModelChoice } from '../service/model-choice.ts';
import { dataDir } from '../paths.ts';

/** The options every engine command shares. */
export const engineOptionSpec: OptionSpec = {
  model: { type: 'string' },
  ep: { type: 'string' },
};

export const engineOptionHelp = [
  '  --model <id>   model to use (default: the one the index was built with, else the default installed model)',
  '  --ep <name>    execution provider: auto (default), cpu, coreml',
];

/** The data folder, model and execution provider a command's flags ask for. */
export function modelChoice(args: ParsedArgs): ModelChoice {
  const provider = providerOption(stringOption(args, 'ep'));
  const model = stringOption(args, 'model');
  return {
    home: dataDir(),
    ...(model !== undefined ? { model } : {}),
    ...(provider ? { provider } : {}),
  };
}

/** Opens the engine, runs `work`, and always closes it (workers, the database). */
export async function withEngine<T>(
  args: ParsedArgs,
  work: (engine: Engine) => Promise<T>,
  extra: Partial<EngineOptions> = {},
): Promise<T> {
  // Imported here, not at the top: a command's --help must not load the engine (SQLite, the addon…).
  const { Engine } = await import('../service/engine.ts');
  const engine = Engine.open({ ...modelChoice(args), ...extra });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}
