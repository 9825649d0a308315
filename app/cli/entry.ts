/** The built CLI's entry (dist/cli/eidos.js): bin/eidos.js passes the package folder as the resource root. */
import { setResourceRoot } from '../resources.ts';
import { PRIVATE_UMASK } from '../util/private-fs.ts';
import { main } from './main.ts';

export async function runCli(argv: string[], resourceRoot: string): Promise<number> {
  // Everything this process creates (the index and SQLite's side files, thumbnails, models, the socket)
  // is private to the user, whatever library creates it; the code asks for 0700/0600 explicitly too.
  process.umask(PRIVATE_UMASK);
  setResourceRoot(resourceRoot);
  return main(argv);
}
