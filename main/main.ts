import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { dataDir } from '../app/paths.ts';
import { startEngineHost } from './engine-host.ts';
import { forwardEvents, registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { handleAppProtocol, registerAppScheme } from './protocol.ts';
import { hardenApp, hardenSession } from './security.ts';
import { createShellActions } from './shell-actions.ts';
import { createMainWindow } from './windows.ts';

/**
 * The Electron main process: one instance, one window, the engine in a utility process, and the
 * wiring between them. Bundled by scripts/build-electron.ts into dist-electron/main/main.js, next to
 * dist-electron/preload/preload.cjs and dist-electron/engine/engine-process.js.
 */
const bundleDir = import.meta.dirname;
const preloadPath = join(bundleDir, '..', 'preload', 'preload.cjs');
const engineEntry = join(bundleDir, '..', 'engine', 'engine-process.js');

export function startApp(): void {
  // A second copy would open the same index; hand over to the first one instead.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  registerAppScheme();
  hardenApp(app);

  let window: BrowserWindow | undefined;
  const showWindow = (): void => {
    if (window === undefined || window.isDestroyed()) {
      window = createMainWindow(preloadPath);
      return;
    }
    if (window.isMinimized()) window.restore();
    window.focus();
  };

  app.on('second-instance', showWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession);
    const engine = startEngineHost({ entry: engineEntry, dataDir: dataDir() });
    const { handlers } = engine;
    handleAppProtocol(session.defaultSession.protocol, { staticDir: join(app.getAppPath(), 'renderer', 'dist'), media: handlers.media });
    registerIpc(ipcMain, handlers, createShellActions(shell, handlers.media));
    forwardEvents(handlers, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
    installMenu({ isMac: process.platform === 'darwin', isPackaged: app.isPackaged });
    showWindow();
    app.on('activate', showWindow);
    app.on('before-quit', () => engine.stop());
  });
}

startApp();
