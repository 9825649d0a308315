/**
 * Checks a packaged Mac app (`node bin/run-ts.js scripts/macos/check-mac-app.ts release/mac-arm64/Eidos.app`),
 * from its files alone: no ELF or PE file anywhere in it; every binary of app.asar.unpacked has an arm64
 * slice, finds the libraries it links and is loaded by something; and Info.plist's LSMinimumSystemVersion
 * is exactly the highest minimum macOS that any of its Mach-O files declares (lower and macOS would start an
 * app whose libraries then refuse to load; higher and it would turn away Macs that can run it).
 * Prints one line per problem and exits 1, or one summary line and exits 0.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify, lowestMacOSAccepted, machOSlices, missingLibraries, unloadedLibraries } from './mac-binaries.ts';

const app = process.argv[2];
if (app === undefined) {
  console.error('usage: check-mac-app.ts <path to the .app>');
  process.exit(2);
}

const files = readdirSync(app, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath, entry.name).slice(app.length + 1));
const kinds = classify(app, files);
const problems: string[] = [];

for (const { file, kind } of kinds)
  if (kind === 'elf' || kind === 'pe') problems.push(`${file}: ${kind.toUpperCase()} file, not for a Mac`);

const machO = machOSlices(
  app,
  kinds.filter((entry) => entry.kind === 'mach-o').map((entry) => entry.file),
);
const unpackedDir = 'Contents/Resources/app.asar.unpacked/';
const unpacked = new Map([...machO].filter(([file]) => file.startsWith(unpackedDir)));
for (const [file, slices] of unpacked)
  if (!slices.some((slice) => slice.cpu === 'arm64'))
    problems.push(`${file}: no arm64 code (${slices.map((s) => s.cpu).join(', ')})`);
for (const file of unloadedLibraries(unpacked)) problems.push(`${file}: a library that nothing loads`);
for (const { loader, name } of missingLibraries(unpacked))
  problems.push(`${loader}: loads ${name}, which is not in the app`);

const plist = readFileSync(join(app, 'Contents', 'Info.plist'), 'utf8');
const declared = /<key>LSMinimumSystemVersion<\/key>\s*<string>([^<]+)<\/string>/.exec(plist)?.[1];
const needed = lowestMacOSAccepted(machO);
if (declared === undefined) problems.push('Contents/Info.plist: no LSMinimumSystemVersion');
else if (declared !== needed.version)
  problems.push(
    `Contents/Info.plist: LSMinimumSystemVersion ${declared}, but the binaries need macOS ${needed.version} ` +
      `(${needed.files.slice(0, 3).join(', ')}); set mac.minimumSystemVersion in electron-builder.yml to it`,
  );

if (problems.length > 0) {
  for (const problem of problems) console.error(`${app}/${problem}`);
  process.exit(1);
}
console.log(
  `${app}: ${files.length} files, ${machO.size} Mach-O (${unpacked.size} unpacked, all arm64 and loaded), no ELF or PE; ` +
    `LSMinimumSystemVersion ${declared} = the highest minimum of its binaries (${needed.files[0]})`,
);
