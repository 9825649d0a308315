/** What a command asks for when it needs a model: the data folder, a model id and an execution provider. */
import { EidosError, describeError } from '../contract/errors.ts';
import { parseProvider } from '../encoders/execution-providers.ts';
import type { ProviderName } from '../models/platform-default.ts';

export type { ProviderName };

/** What a command asked for: the data folder, and optionally a model id and an execution provider. */
export interface ModelChoice {
  home: string;
  model?: string;
  provider?: ProviderName;
}

/** `--ep` as a provider; a wrong name is a BAD_ARGUMENT that lists the right ones. */
export function providerOption(value: string | undefined): ProviderName | undefined {
  try {
    return parseProvider(value);
  } catch (error) {
    throw new EidosError('BAD_ARGUMENT', describeError(error));
  }
}
