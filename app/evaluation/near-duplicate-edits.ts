/**
 * The edits that make a near-duplicate of a photo, for choosing and checking the near-duplicate
 * threshold (test/bench/duplicates.ts): what a photo goes through between a camera and a second copy in
 * a library. Each edit is drawn from a seeded generator, so a run is reproducible, and writes one new
 * file; the HEIC round trip goes through Debian's `heif-enc` (libheif-examples, x265) and is read back
 * by Eidos's own HEIF decoder.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp, { type Sharp } from 'sharp';

const run = promisify(execFile);

export const EDIT_KINDS = ['resize', 'jpeg', 'crop', 'rotate', 'colour', 'heic'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

export interface Edit {
  kind: EditKind;
  /** What was drawn, in words, e.g. "JPEG quality 43" (shown when a pair is missed). */
  detail: string;
}

const between = (random: () => number, low: number, high: number): number => low + (high - low) * random();

/** Writes `kind` applied to `source` as `<out>/<stem>.<ext>`; returns the file and what was done. */
export async function writeEdit(
  source: string,
  kind: EditKind,
  out: string,
  stem: string,
  random: () => number,
): Promise<{ file: string; edit: Edit }> {
  // The photo as displayed: the edits work on what the user sees, as an editor would.
  const image = sharp(source, { failOn: 'truncated' }).rotate();
  const { width, height } = await image
    .clone()
    .toBuffer({ resolveWithObject: true })
    .then((r) => r.info);
  const jpeg = (file: string, quality: number) => ({ file, save: (s: Sharp) => s.jpeg({ quality }).toFile(file) });
  const target = jpeg(join(out, `${stem}.jpg`), 90);
  switch (kind) {
    case 'resize': {
      const scale = between(random, 0.25, 0.75);
      await target.save(image.resize(Math.max(8, Math.round(width * scale)), Math.max(8, Math.round(height * scale))));
      return { file: target.file, edit: { kind, detail: `resized to ${(scale * 100).toFixed(0)} %` } };
    }
    case 'jpeg': {
      const quality = Math.round(between(random, 40, 95));
      await jpeg(target.file, quality).save(image);
      return { file: target.file, edit: { kind, detail: `JPEG quality ${quality}` } };
    }
    case 'crop': {
      // Up to 10 % of each side's length removed, shared at random between its two ends.
      const cutX = Math.round(width * between(random, 0.02, 0.1));
      const cutY = Math.round(height * between(random, 0.02, 0.1));
      const left = Math.round(cutX * random());
      const top = Math.round(cutY * random());
      await target.save(image.extract({ left, top, width: width - cutX, height: height - cutY }));
      return {
        file: target.file,
        edit: {
          kind,
          detail: `cropped ${((cutX / width) * 100).toFixed(1)} % × ${((cutY / height) * 100).toFixed(1)} %`,
        },
      };
    }
    case 'rotate': {
      // Straightened by up to 3°, then cut to the rectangle inside the turned photo, as editors do.
      const degrees = between(random, 0.5, 3) * (random() < 0.5 ? -1 : 1);
      const turned = await image.rotate(degrees, { background: '#000' }).toBuffer({ resolveWithObject: true });
      const s = Math.abs(Math.sin((degrees * Math.PI) / 180));
      const c = Math.cos((degrees * Math.PI) / 180);
      const innerW = Math.floor(width * c - height * s);
      const innerH = Math.floor(height * c - width * s);
      const w = Math.max(8, Math.min(innerW, turned.info.width));
      const h = Math.max(8, Math.min(innerH, turned.info.height));
      const left = Math.floor((turned.info.width - w) / 2);
      const top = Math.floor((turned.info.height - h) / 2);
      await target.save(sharp(turned.data).extract({ left, top, width: w, height: h }));
      return { file: target.file, edit: { kind, detail: `rotated ${degrees.toFixed(1)}°` } };
    }
    case 'colour': {
      const brightness = between(random, 0.85, 1.15);
      const saturation = between(random, 0.6, 1.4);
      const hue = Math.round(between(random, -20, 20));
      const contrast = between(random, 0.85, 1.15);
      await target.save(image.modulate({ brightness, saturation, hue }).linear(contrast, 128 * (1 - contrast)));
      return {
        file: target.file,
        edit: {
          kind,
          detail: `brightness ×${brightness.toFixed(2)}, saturation ×${saturation.toFixed(2)}, hue ${hue}°, contrast ×${contrast.toFixed(2)}`,
        },
      };
    }
    case 'heic': {
      const quality = Math.round(between(random, 50, 90));
      const png = join(out, `${stem}.png`);
      const heic = join(out, `${stem}.heic`);
      await image.png().toFile(png);
      await run('heif-enc', ['-q', String(quality), '-o', heic, png]);
      await rm(png);
      return { file: heic, edit: { kind, detail: `HEIC round trip, heif-enc quality ${quality}` } };
    }
  }
}
