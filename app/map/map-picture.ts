/**
 * The map as a picture (`eidos map --png`): every photo a dot coloured by its region, drawn straight
 * into an RGB buffer (100k dots as SVG elements would take librsvg seconds), a region named by a colour
 * in that colour, and the region names composited on top from a small SVG, the way the map view shows
 * them zoomed out, placed so that no two overlap (label-placement.ts). Rendered with sharp.
 */
import sharp from 'sharp';
import { placeLabels, type LabelBox } from '../contract/label-placement.ts';
import { NO_CONCEPT_LABEL, regionDotColour } from '../contract/region-colours.ts';
import type { LibraryMap } from '../contract/types.ts';

const BACKGROUND = [250, 250, 248] as const;
const MARGIN = 0.04;

export async function mapPicture(map: LibraryMap, size = 1600): Promise<Buffer> {
  const pixels = Buffer.alloc(size * size * 3);
  for (let i = 0; i < pixels.length; i += 3) pixels.set(BACKGROUND, i);
  const n = map.ids.length;
  // Dots shrink as the map fills: about the size a point's share of the area allows, 1.5 to 6 px.
  const radius = Math.max(1.5, Math.min(6, (0.35 * size) / Math.sqrt(Math.max(n, 1))));
  const toPixel = (v: number): number => (MARGIN + (1 - 2 * MARGIN) * v) * size;
  const colours = map.regions.map((region) => rgbOf(regionDotColour(region)));
  for (let i = 0; i < n; i++) {
    const colour = colours[map.region[i] ?? 0] ?? [136, 136, 136];
    disc(pixels, size, toPixel(map.xy[2 * i]!), toPixel(map.xy[2 * i + 1]!), radius, colour);
  }
  const fontSize = Math.round(size / 55);
  const labels = pictureLabels(map, size)
    .map(({ text, box, named }) => {
      const x = box.x.toFixed(1);
      const y = box.y.toFixed(1);
      const kind = named ? '' : ' chance';
      return `<text x="${x}" y="${y}" class="halo${kind}">${escapeXml(text)}</text><text x="${x}" y="${y}" class="${kind.trim()}">${escapeXml(text)}</text>`;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
<style>text{font:600 ${fontSize}px sans-serif;text-anchor:middle;dominant-baseline:middle;fill:#1d1d1f}
.chance{font-style:italic;font-weight:400;fill:#6e6e73}
.halo{stroke:#fff;stroke-width:${halo(fontSize)}px;stroke-linejoin:round;fill:#fff}</style>${labels}</svg>`;
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}

const halo = (fontSize: number): number => Math.max(3, fontSize / 4);

/**
 * The region names as the picture draws them, each with its box: concepts joined by " · ", or "no concept
 * beyond chance" for a region with photos and no name. The boxes are the text's at a generous 0.62 em a
 * character (wider than sans-serif's letters; test/unit/map/map-picture.test.ts holds the drawn glyphs
 * to them) plus the halo, and never overlap; a name with no free spot is left out.
 */
export function pictureLabels(map: LibraryMap, size: number): { text: string; box: LabelBox; named: boolean }[] {
  const fontSize = Math.round(size / 55);
  const n = map.ids.length;
  const radius = Math.max(1.5, Math.min(6, (0.35 * size) / Math.sqrt(Math.max(n, 1))));
  const toPixel = (v: number): number => (MARGIN + (1 - 2 * MARGIN) * v) * size;
  const shown = map.regions
    .filter((r) => r.photos > 0)
    .map((r) => {
      const named = r.concepts.length > 0;
      return { region: r, named, text: named ? r.concepts.map((c) => c.name).join(' · ') : NO_CONCEPT_LABEL };
    });
  const boxes = placeLabels(
    shown.map(({ region, text, named }) => ({
      x: toPixel(region.x),
      y: toPixel(region.y),
      width: text.length * fontSize * 0.62 + 2 * halo(fontSize),
      height: fontSize * 1.3 + 2 * halo(fontSize),
      // Above the region's centre first, so the name does not cover its photos.
      lift: 2 * radius + size / 180,
      // Named regions first, then by size.
      priority: (named ? n : 0) + region.photos,
    })),
    { width: size, height: size },
  );
  return shown.flatMap(({ text, named }, i) => (boxes[i] ? [{ text, named, box: boxes[i] }] : []));
}

function disc(pixels: Buffer, size: number, cx: number, cy: number, r: number, rgb: readonly number[]): void {
  const r2 = r * r;
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(size - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(size - 1, Math.ceil(cx + r)); x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r2) pixels.set(rgb, (y * size + x) * 3);
    }
  }
}

function rgbOf(hex: string): number[] {
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
