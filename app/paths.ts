import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePrivateDir } from './util/private-fs.ts';

/**
 * Where Eidos keeps its index, models and caches: `EIDOS_HOME` when set, else the platform's
 * application-data folder (the same one Electron's `app.getPath('userData')` would pick).
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  // Absolute, so that what is stored or compared later (media containment, the socket's address) does
  // not depend on the folder a process happens to run in.
  if (env.EIDOS_HOME) return resolve(env.EIDOS_HOME);
  switch (platform()) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Eidos');
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Eidos');
    default:
      return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'eidos');
  }
}

export const modelsDir = (home = dataDir()): string => join(home, 'models');
export const indexPath = (home = dataDir()): string => join(home, 'index.sqlite');
export const thumbnailsDir = (home = dataDir()): string => join(home, 'thumbnails');

/**
 * Makes the data folder ready to write: created 0700 (with any missing parents), narrowed with
 * everything in it when an older Eidos or the user left it wider, refused (FORBIDDEN) when it is
 * another user's. A link to a folder elsewhere is fine when both are this user's.
 */
export function ensureDataDir(home: string): void {
  // run/ stays as it is: a run/ others could write to is set aside whole by the holder (app/server/local-socket.ts).
  ensurePrivateDir(home, { what: 'The data folder', allowLink: true, narrowContents: { except: ['run'] } });
}
