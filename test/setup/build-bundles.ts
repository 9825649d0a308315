// Tests that spawn `eidos` run the built CLI (bin/eidos.js → dist/cli), as a user does: rebuild the
// code bundles once before the run so they are never older than the source under test (about a second).
// The UI is built by `npm test` (npm run build) before vitest starts.
import { buildCode } from '../../scripts/build.ts';

export default async function setup(): Promise<void> {
  await buildCode();
}
