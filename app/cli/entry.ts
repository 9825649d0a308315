/** The built CLI's entry (dist/cli/eidos.js): bin/eidos.js passes the package folder as the resource root. */
import { setResourceRoot } from '../resources.ts';
import { main } from './main.ts';

export async function runCli(argv: string[], resourceRoot: string): Promise<number> {
  setResourceRoot(resourceRoot);
  return main(argv);
}
