/**
 * The map as a picture (`eidos map --png`): every photo a dot coloured by its region, drawn straight
 * into an RGB buffer (100k dots as SVG elements would take librsvg seconds), and the region names
 * composited on top from a small SVG, the way the map view shows them zoomed out. Rendered with sharp.
 */
import sharp from 'sharp';
import { REGION_COLOURS } from '../contract/region-colours.ts';
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
  const colours = REGION_COLOURS.map(rgbOf);
  for (let i = 0; i < n; i++) {
    const colour = colours[(map.region[i] ?? 0) % colours.length]!;
    disc(pixels, size, toPixel(map.xy[2 * i]!), toPixel(map.xy[2 * i + 1]!), radius, colour);
  }
  const labels = map.regions
    .filter((r) => r.concepts.length > 0 && r.photos > 0)
    .map((r) => {
      const text = escapeXml(r.concepts.map((c) => c.name).join(' · '));
      const x = toPixel(r.x).toFixed(1);
      // Above the region's centre, so the name does not cover its photos.
      const y = (toPixel(r.y) - 4 * radius - size / 90).toFixed(1);
      return `<text x="${x}" y="${y}" class="halo">${text}</text><text x="${x}" y="${y}">${text}</text>`;
    })
    .join('');
  const fontSize = Math.round(size / 55);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
<style>text{font:600 ${fontSize}px sans-serif;text-anchor:middle;dominant-baseline:middle;fill:#1d1d1f}
.halo{stroke:#fff;stroke-width:${Math.max(3, fontSize / 4)}px;stroke-linejoin:round;fill:#fff}</style>${labels}</svg>`;
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
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
