import type { ApiClient, DesktopShell } from '../../../app/contract/api.ts';
import type { PhotoId } from '../../../app/contract/types.ts';

export type PhotoActionId = 'quickLook' | 'reveal' | 'open' | 'copyPath';

export interface PhotoAction {
  id: PhotoActionId;
  label: string;
  /** Shown beside the label, e.g. `Space`. */
  shortcut?: string;
  run(photo: { id: PhotoId; path: string }): Promise<unknown>;
}

/** What the file manager is called where the app runs. */
export function revealLabel(platform: string): string {
  if (platform === 'darwin') return 'Reveal in Finder';
  if (platform === 'win32') return 'Show in Explorer';
  return 'Show in folder';
}

/**
 * The actions a photo offers. In the desktop shell they go through the contract's shell methods (the
 * main process checks the photo is an indexed one inside the library's folders); in a browser only
 * copying the path is possible, and the page does it itself.
 */
export function photoActions(
  api: ApiClient,
  desktop: DesktopShell | undefined,
  clipboard: Pick<Clipboard, 'writeText'> | undefined,
): PhotoAction[] {
  const ok = async (reply: ReturnType<ApiClient['revealPhoto']>): Promise<void> => {
    const answer = await reply;
    if (!answer.ok) throw new Error(answer.error.message);
  };
  if (!desktop) {
    return clipboard ? [{ id: 'copyPath', label: 'Copy path', run: (photo) => clipboard.writeText(photo.path) }] : [];
  }
  const actions: PhotoAction[] = [];
  if (desktop.platform === 'darwin')
    actions.push({
      id: 'quickLook',
      label: 'Quick Look',
      shortcut: 'Space',
      run: (photo) => ok(api.quickLookPhoto({ id: photo.id })),
    });
  actions.push(
    { id: 'reveal', label: revealLabel(desktop.platform), run: (photo) => ok(api.revealPhoto({ id: photo.id })) },
    { id: 'open', label: 'Open with default app', run: (photo) => ok(api.openPhoto({ id: photo.id })) },
    { id: 'copyPath', label: 'Copy path', run: (photo) => ok(api.copyPhotoPath({ id: photo.id })) },
  );
  return actions;
}
