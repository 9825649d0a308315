/**
 * The lowest macOS the app declares (electron-builder.yml's mac.minimumSystemVersion, which becomes
 * LSMinimumSystemVersion) and the one our addon is compiled for (binding.gyp's MACOSX_DEPLOYMENT_TARGET)
 * are the highest minimum any of onnxruntime-node's Mac binaries declares, read from their load commands:
 * an onnxruntime upgrade that raises it fails here, not at a user's launch. The Mach-O reader is checked on
 * files built byte by byte from Apple's <mach-o/loader.h> layouts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { binaryKind, compareVersions, readMachO } from '../../../scripts/macos/macho.ts';
import { lowestMacOSAccepted, machOSlices } from '../../../scripts/macos/mac-binaries.ts';
import {
  ARM64,
  command,
  fat,
  LC_BUILD_VERSION,
  LC_LOAD_DYLIB,
  LC_RPATH,
  LC_VERSION_MIN_MACOSX,
  thin,
  version,
  X86_64,
} from '../../helpers/macho-fixtures.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');

describe('the Mach-O reader', () => {
  it('reads the minimum macOS of LC_BUILD_VERSION, the libraries and rpaths of a thin arm64 library', () => {
    const bytes = thin(ARM64, [
      command(LC_BUILD_VERSION, [1, version(13, 3, 1), version(14, 0), 0]),
      command(LC_LOAD_DYLIB, [24, 2, 0x10000, 0x10000], '@rpath/libfoo.1.dylib'),
      command(LC_RPATH, [12], '@loader_path'),
    ]);
    expect(binaryKind(bytes)).toBe('mach-o');
    expect(readMachO(bytes, 'lib.dylib')).toEqual([
      { cpu: 'arm64', minMacOS: '13.3.1', loads: ['@rpath/libfoo.1.dylib'], rpaths: ['@loader_path'] },
    ]);
  });

  it('reads LC_VERSION_MIN_MACOSX, ignores another platform, and reads each slice of a universal binary', () => {
    const intel = thin(X86_64, [command(LC_VERSION_MIN_MACOSX, [version(10, 13), version(10, 15)])]);
    const arm = thin(ARM64, [command(LC_BUILD_VERSION, [1, version(11, 0), version(14, 0), 0])]);
    const ios = thin(ARM64, [command(LC_BUILD_VERSION, [2, version(17, 0), version(17, 0), 0])]);
    const universal = fat([
      { cpu: X86_64, bytes: intel },
      { cpu: ARM64, bytes: arm },
    ]);
    expect(binaryKind(universal)).toBe('mach-o');
    expect(readMachO(universal, 'app').map((s) => [s.cpu, s.minMacOS])).toEqual([
      ['x86_64', '10.13'],
      ['arm64', '11.0'],
    ]);
    expect(readMachO(ios, 'ios')[0]!.minMacOS).toBeUndefined();
  });

  it('names the file and says it is truncated when a command runs past its end', () => {
    const bytes = thin(ARM64, [command(LC_BUILD_VERSION, [1, version(14, 0), version(14, 0), 0])]);
    expect(() => readMachO(bytes.subarray(0, 40), 'cut.dylib')).toThrow(/cut\.dylib: .*truncated/);
    expect(() => readMachO(Buffer.from('#!/bin/sh\necho hi\n'), 'script')).toThrow(/script: not a Mach-O file/);
  });

  it('tells ELF, PE, Java classes and text apart by their magic bytes', () => {
    expect(binaryKind(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]))).toBe('elf');
    expect(binaryKind(Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'))).toBe('pe');
    // A class file shares the universal binary's magic; its next word is the class version (52 = Java 8).
    expect(binaryKind(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]))).toBe('other');
    expect(binaryKind(Buffer.from('{"name":"x"}'))).toBe('other');
    expect(compareVersions('14.0', '12.0')).toBeGreaterThan(0);
    expect(compareVersions('10.15', '10.9')).toBeGreaterThan(0);
    expect(compareVersions('14', '14.0.0')).toBe(0);
  });
});

describe('the lowest macOS Eidos declares', () => {
  const ortBin = join(REPO, 'node_modules', 'onnxruntime-node', 'bin');
  const darwinFiles = readdirSync(ortBin, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.split(/[/\\]/)[1] === 'darwin' && /\.(node|dylib)$/.test(file),
  );
  const needed = lowestMacOSAccepted(machOSlices(ortBin, darwinFiles));

  it("is the highest minimum of onnxruntime-node's Mac binaries, each of which declares one", () => {
    expect(darwinFiles.length).toBeGreaterThanOrEqual(2);
    for (const [file, slices] of machOSlices(ortBin, darwinFiles))
      for (const slice of slices) expect(slice.minMacOS, file).toMatch(/^\d+\.\d+/);
    const config = load(readFileSync(join(REPO, 'electron-builder.yml'), 'utf8')) as {
      mac: { minimumSystemVersion: string };
    };
    expect(config.mac.minimumSystemVersion, `declared by ${needed.files.join(', ')}`).toBe(needed.version);
  });

  it('is the deployment target the addon is compiled for', () => {
    const gyp = readFileSync(join(REPO, 'native', 'binding.gyp'), 'utf8');
    const targets = [...gyp.matchAll(/"MACOSX_DEPLOYMENT_TARGET":\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(targets).toEqual([needed.version]);
  });
});
