import { app, BrowserWindow, clipboard, dialog, ipcMain, session, shell } from 'electron';
import { dataDir } from '../app/paths.ts';
import { resources, setResourceRoot } from '../app/resources.ts';
import { PRIVATE_UMASK } from '../app/util/private-fs.ts';
import { startEngineHost } from './engine-host.ts';
import { forwardEvents, registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { handleAppProtocol, registerAppScheme } from './protocol.ts';
import { hardenApp, hardenSession } from './security.ts';
import { createShellActions } from './shell-actions.ts';
import { runSmokeApp } from './smoke-app.ts';
import { smokeTestLibrary } from './smoke-test.ts';
import { createMainWindow } from './windows.ts';

/**
 * The Electron main process: one instance, one window, the engine in a utility process, and the
 * wiring between them. Bundled by scripts/build.ts into dist/main/main.js. Resources are found below
 * the app folder: the project folder in development, `<process.resourcesPath>/app.asar` when packaged
 * (electron-builder unpacks the native binaries and workers beside it, and Electron reads those through).
 * With `--smoke-test <folder>` it runs the packaged app's smoke test instead (main/smoke-app.ts).
 */

export function startApp(): void {
  // Chromium keeps the window's profile (caches, storage) beside the data on macOS: private like the rest.
  process.umask(PRIVATE_UMASK);
  setResourceRoot(app.getAppPath());
  const smokeLibrary = smokeTestLibrary(process.argv);
  if (smokeLibrary !== undefined) {
    runSmokeApp(smokeLibrary);
    return;
  }
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
      window = createMainWindow(resources.bundle('preload/preload.cjs'));
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
    const engine = startEngineHost({
      entry: resources.bundle('engine/engine-process.js'),
      dataDir: dataDir(),
      resourceRoot: app.getAppPath(),
    });
    const { handlers } = engine;
    handleAppProtocol(session.defaultSession.protocol, { staticDir: resources.ui(), media: handlers.media });
    const shellDeps = {
      shell,
      clipboard,
      dialog,
      window: () => (window === undefined || window.isDestroyed() ? undefined : window),
      platform: process.platform,
    };
    registerIpc(ipcMain, handlers, createShellActions(shellDeps, handlers.media));
    forwardEvents(handlers, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
    installMenu({ isMac: process.platform === 'darwin', isPackaged: app.isPackaged });
    showWindow();
    app.on('activate', showWindow);
    app.on('before-quit', () => engine.stop());
  });
}

startApp();
