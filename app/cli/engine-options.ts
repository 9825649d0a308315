import type { OptionSpec, ParsedArgs } from './command.ts';
import { parseProvider } from '../encoders/execution-providers.ts';
import { Engine, type EngineOptions } from '../service/engine.ts';
import { EidosError } from '../contract/errors.ts';
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

export function engineOptions(args: ParsedArgs, extra: Partial<EngineOptions> = {}): EngineOptions {
  let provider;
  try {
    provider = parseProvider(args.values.ep as string | undefined);
  } catch (error) {
    throw new EidosError('BAD_ARGUMENT', (error as Error).message);
  }
  return {
    home: dataDir(),
    ...(typeof args.values.model === 'string' ? { model: args.values.model } : {}),
    ...(provider ? { provider } : {}),
    ...extra,
  };
}

/** Opens the engine, runs `work`, and always closes it (workers, the database). */
export async function withEngine<T>(args: ParsedArgs, work: (engine: Engine) => Promise<T>, extra: Partial<EngineOptions> = {}): Promise<T> {
  const engine = Engine.open(engineOptions(args, extra));
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}
