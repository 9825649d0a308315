import type { BrowserWindow, Clipboard, Dialog, OpenDialogOptions, Shell } from 'electron';
import { describeError, EidosError } from '../app/contract/errors.ts';
import type { ArgsOf, MediaAccess, ShellMethod, ResultOf } from '../app/contract/api.ts';
import { openMedia } from '../app/service/media-files.ts';

/**
 * The methods only the desktop shell can answer. A photo is resolved through the same containment
 * and image-type checks as media, so a renderer can only ever reveal, open, copy or preview an
 * indexed photo inside the library's folders: never hand an arbitrary path or an executable to the OS.
 * The folder dialog returns what the user chose; adding it is an engine call of its own.
 */
export type ShellActions = { [M in ShellMethod]: (args: ArgsOf<M>) => Promise<ResultOf<M>> };

export interface ShellDeps {
  shell: Pick<Shell, 'showItemInFolder' | 'openPath' | 'trashItem'>;
  clipboard: Pick<Clipboard, 'writeText'>;
  dialog: Pick<Dialog, 'showOpenDialog'>;
  /** The window the dialog and Quick Look belong to (undefined while none is open). */
  window: () => BrowserWindow | undefined;
  platform: NodeJS.Platform;
}

export function createShellActions(deps: ShellDeps, media: MediaAccess): ShellActions {
  const original = async (id: string): Promise<string> => (await openMedia(media, id, 'original')).path;
  return {
    async revealPhoto({ id }) {
      deps.shell.showItemInFolder(await original(id));
      return { ok: true };
    },
    async openPhoto({ id }) {
      const path = await original(id);
      const failure = await deps.shell.openPath(path);
      if (failure) throw new EidosError('UNREADABLE', `Could not open '${path}': ${failure}.`, { file: path });
      return { ok: true };
    },
    async copyPhotoPath({ id }) {
      deps.clipboard.writeText(await original(id));
      return { ok: true };
    },
    async quickLookPhoto({ id }) {
      if (deps.platform !== 'darwin')
        throw new EidosError('BAD_ARGUMENT', 'Quick Look exists only on macOS; use Open to view the photo.');
      const path = await original(id);
      const window = deps.window();
      if (!window) throw new EidosError('BAD_ARGUMENT', 'Quick Look needs the Eidos window to be open.');
      window.previewFile(path);
      return { ok: true };
    },
    async systemTrashPhotos({ ids }) {
      if (ids.length === 0) throw new EidosError('BAD_ARGUMENT', 'systemTrashPhotos needs at least one photo id.');
      // Every photo is resolved (and checked) before the first one moves.
      const paths = await Promise.all(ids.map(original));
      const moved: { id: string; path: string }[] = [];
      for (const [i, path] of paths.entries()) {
        try {
          await deps.shell.trashItem(path);
        } catch (error) {
          const done = moved.length ? ` (${moved.length} already moved: restore them from the trash)` : '';
          throw new EidosError('UNREADABLE', `Could not move '${path}' to the trash: ${describeError(error)}${done}.`, {
            file: path,
          });
        }
        moved.push({ id: ids[i]!, path });
      }
      return { batch: '', moved, place: 'system-trash' };
    },
    async chooseFolders() {
      const window = deps.window();
      const options: OpenDialogOptions = {
        title: 'Add folders to Eidos',
        buttonLabel: 'Add',
        properties: ['openDirectory', 'multiSelections', 'createDirectory'],
      };
      // Attached to the window (a sheet on macOS) when there is one.
      const result = await (window ? deps.dialog.showOpenDialog(window, options) : deps.dialog.showOpenDialog(options));
      return { folders: result.canceled ? [] : result.filePaths };
    },
  };
}
