import type { ApiHandlers } from './contract.ts';

/**
 * The engine behind the API: builds the handlers (index, search, explain, models, settings, media)
 * over the data folder `dataDir`. Used by `eidos serve` and by the Electron engine process.
 */
export async function createEngineHandlers(dataDir: string): Promise<ApiHandlers> {
  throw new Error(`createEngineHandlers(${dataDir}): not wired yet`);
}
