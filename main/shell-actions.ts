import type { Shell } from 'electron';
import { EidosError } from '../app/contract/errors.ts';
import type { ArgsOf, MediaAccess, ShellMethod, ResultOf } from '../app/contract/api.ts';
import { openMedia } from '../app/service/media-files.ts';

/**
 * The two methods only the desktop shell can answer. The photo is resolved through the same
 * containment and image-type checks as media, so a renderer can only ever reveal or open an indexed
 * photo — never hand an arbitrary path or an executable to the OS.
 */
export type ShellActions = { [M in ShellMethod]: (args: ArgsOf<M>) => Promise<ResultOf<M>> };

export function createShellActions(
  shell: Pick<Shell, 'showItemInFolder' | 'openPath'>,
  media: MediaAccess,
): ShellActions {
  return {
    async revealPhoto({ id }) {
      const { path } = await openMedia(media, id, 'original');
      shell.showItemInFolder(path);
      return { ok: true };
    },
    async openPhoto({ id }) {
      const { path } = await openMedia(media, id, 'original');
      const failure = await shell.openPath(path);
      if (failure) throw new EidosError('UNREADABLE', `Could not open '${path}': ${failure}.`, { file: path });
      return { ok: true };
    },
  };
}
