/**
 * Draws a scene as raw RGB pixels. Objects live in the central square (what CLIP's resize-shortest-edge
 * + centre-crop keeps); the rest of a non-square photo is background. A soft brightness gradient and
 * per-pixel noise make the photo less trivially flat; JPEG encoding (photos.ts) adds its own artefacts.
 * Hard edges on purpose: resizing and JPEG blur them as they would a real photo's.
 */
import type { Rng } from './random.ts';
import { colourSpec, type Rgb, type Scene } from './world.ts';

/** ± change of brightness across the photo, and ± per-pixel noise in 0..255 levels. Both stay well
 * under half the smallest palette distance (80), so every pixel keeps its colour. */
const GRADIENT_AMPLITUDE = 0.06;
const NOISE_LEVELS = 7;

export interface RawImage {
  width: number;
  height: number;
  /** RGB, 3 bytes a pixel, row-major. */
  pixels: Uint8Array;
}

export function renderScene(scene: Scene, width: number, height: number, rng: Rng): RawImage {
  const pixels = new Uint8Array(width * height * 3);
  paintBackground(pixels, width, height, colourSpec(scene.background).rgb, rng);
  const side = Math.min(width, height);
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  for (const object of scene.objects) {
    const rgb = colourSpec(object.colour).rgb;
    const cx = left + object.centreX * side;
    const cy = top + object.centreY * side;
    const hw = object.halfWidth * side;
    const hh = object.halfHeight * side;
    for (let y = Math.max(0, Math.floor(cy - hh)); y < Math.min(height, Math.ceil(cy + hh)); y++) {
      for (let x = Math.max(0, Math.floor(cx - hw)); x < Math.min(width, Math.ceil(cx + hw)); x++) {
        const dx = (x + 0.5 - cx) / hw;
        const dy = (y + 0.5 - cy) / hh;
        const inside = object.shape === 'disc' ? dx * dx + dy * dy <= 1 : Math.abs(dx) <= 1 && Math.abs(dy) <= 1;
        if (inside) pixels.set(rgb, (y * width + x) * 3);
      }
    }
  }
  addNoise(pixels, rng);
  return { width, height, pixels };
}

function paintBackground(pixels: Uint8Array, width: number, height: number, rgb: Rgb, rng: Rng): void {
  // A ramp in a random direction; |(x/w − ½)·gx + (y/h − ½)·gy| ≤ (|gx| + |gy|)/2 ≤ GRADIENT_AMPLITUDE.
  // (No sin/cos: libm differences must not change a photo's bytes.)
  const gx = rng.uniform(-GRADIENT_AMPLITUDE, GRADIENT_AMPLITUDE);
  const gy = rng.uniform(-GRADIENT_AMPLITUDE, GRADIENT_AMPLITUDE);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const brightness = 1 + (x / width - 0.5) * gx + (y / height - 0.5) * gy;
      const at = (y * width + x) * 3;
      pixels[at] = Math.min(255, Math.round(rgb[0] * brightness));
      pixels[at + 1] = Math.min(255, Math.round(rgb[1] * brightness));
      pixels[at + 2] = Math.min(255, Math.round(rgb[2] * brightness));
    }
  }
}

/** The same luminance noise on the three channels of a pixel (sensor-like grain). */
function addNoise(pixels: Uint8Array, rng: Rng): void {
  for (let at = 0; at < pixels.length; at += 3) {
    const n = Math.round(rng.uniform(-NOISE_LEVELS, NOISE_LEVELS));
    for (let c = 0; c < 3; c++) pixels[at + c] = Math.max(0, Math.min(255, pixels[at + c]! + n));
  }
}
