/**
 * scripts/macos/check-mac-app.ts, the check the macOS workflow runs on the packaged app, on app folders
 * made here: one as a Mac release should be, and one with each fault it must name.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ARM64,
  command,
  LC_BUILD_VERSION,
  LC_LOAD_DYLIB,
  LC_RPATH,
  thin,
  version,
  X86_64,
} from '../../helpers/macho-fixtures.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'eidos-check-mac-app-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const UNPACKED = 'Contents/Resources/app.asar.unpacked/node_modules/ort';
const plist = (minimum: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>\n  <key>LSMinimumSystemVersion</key>\n  <string>${minimum}</string>\n</dict></plist>\n`;
const macOS = (major: number, minor = 0): Buffer =>
  command(LC_BUILD_VERSION, [1, version(major, minor), version(15, 0), 0]);

function makeApp(name: string, files: Record<string, Buffer | string>): string {
  const app = join(work, `${name}.app`);
  for (const [file, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(app, file)), { recursive: true });
    writeFileSync(join(app, file), bytes);
  }
  return app;
}

function check(app: string): { status: number | null; out: string; err: string } {
  const run = spawnSync(process.execPath, ['bin/run-ts.js', 'scripts/macos/check-mac-app.ts', app], {
    cwd: REPO,
    encoding: 'utf8',
  });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

const addon = (cpu = ARM64, minimum = 14): Buffer =>
  thin(cpu, [
    macOS(minimum),
    command(LC_LOAD_DYLIB, [24, 2, 0, 0], '@rpath/libort.1.dylib'),
    command(LC_RPATH, [12], '@loader_path'),
  ]);
const library = thin(ARM64, [macOS(14)]);
const executable = thin(ARM64, [macOS(12)]);

describe('the packaged Mac app check', () => {
  it('passes an app of arm64 binaries that load each other, declaring the highest minimum they need', () => {
    const app = makeApp('good', {
      'Contents/Info.plist': plist('14.0'),
      'Contents/MacOS/Eidos': executable,
      [`${UNPACKED}/binding.node`]: addon(),
      [`${UNPACKED}/libort.1.dylib`]: library,
      'Contents/Resources/app.asar': 'not a binary',
    });
    const { status, out, err } = check(app);
    expect(err).toBe('');
    expect(status).toBe(0);
    expect(out).toContain('LSMinimumSystemVersion 14.0');
  });

  it('names a foreign binary, an x86-only addon, an unloaded or missing library and a too low minimum', () => {
    const app = makeApp('bad', {
      'Contents/Info.plist': plist('12.0'),
      'Contents/MacOS/Eidos': executable,
      [`${UNPACKED}/binding.node`]: addon(ARM64),
      [`${UNPACKED}/libort.1.dylib`]: library,
      [`${UNPACKED}/libort.1.30.0.dylib`]: library,
      [`${UNPACKED}/intel/binding.node`]: addon(X86_64),
      [`${UNPACKED}/linux/binding.node`]: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
      [`${UNPACKED}/win32/onnxruntime.dll`]: Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'),
    });
    const { status, err } = check(app);
    expect(status).toBe(1);
    expect(err).toContain(`${UNPACKED}/linux/binding.node: ELF file, not for a Mac`);
    expect(err).toContain(`${UNPACKED}/win32/onnxruntime.dll: PE file, not for a Mac`);
    expect(err).toContain(`${UNPACKED}/intel/binding.node: no arm64 code (x86_64)`);
    expect(err).toContain(`${UNPACKED}/intel/binding.node: loads @rpath/libort.1.dylib, which is not in the app`);
    expect(err).toContain(`${UNPACKED}/libort.1.30.0.dylib: a library that nothing loads`);
    expect(err).toMatch(/LSMinimumSystemVersion 12\.0, but the binaries need macOS 14\.0/);
  });
});
