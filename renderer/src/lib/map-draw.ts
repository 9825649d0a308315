/**
 * Draws one frame of the Map view on a canvas: every photo as a dot written straight into pixels (one
 * putImageData for 100k photos, no path per dot), the thumbnails of the photos in view once they are big
 * enough to read (found through the spatial index, never by scanning), the query's stand-out photos lit
 * by their bits, the region names fading in by zoom (never over one another: label-placement.ts), and the
 * hovered photo. A region named by a colour is drawn in that colour.
 */
import type KDBush from 'kdbush';
import { placeLabels, type LabelBox } from '../../../app/contract/label-placement.ts';
import { NO_CONCEPT_LABEL, regionDotColour } from '../../../app/contract/region-colours.ts';
import type { MapRegion } from '../../../app/contract/types.ts';
import { pixelsPerUnit, toScreen, visibleBounds, type Camera, type Viewport } from './map-camera.ts';
import type { ThumbnailCache } from './map-thumbnails.ts';

export interface MapScene {
  ids: readonly string[];
  xy: Float32Array;
  region: Uint16Array;
  regions: readonly MapRegion[];
  index: KDBush;
  /** Photo index → its stand-out strength 0..1 (bits over the best photo's), for the current query. */
  lit: ReadonlyMap<number, number>;
  hover: number | undefined;
}

export interface FrameStyle {
  background: string;
  text: string;
  accent: string;
}

/** Thumbnail side as a share of the map's width: about one photo's share of a 100-photo map's area. */
const THUMB_SHARE = 0.01;
/** Thumbnails appear at this side in CSS px, and are never drawn larger than the maximum. */
const MIN_THUMB_PX = 22;
const MAX_THUMB_PX = 128;
/** Above this many photos in view, thumbnails would be too many to load: dots only. */
const MAX_THUMBS = 900;

/** Side of a photo's thumbnail at this zoom, CSS px (0: dots). */
export function thumbnailSide(camera: Camera, view: Viewport): number {
  const side = pixelsPerUnit(camera, view) * THUMB_SHARE;
  return side < MIN_THUMB_PX ? 0 : Math.min(MAX_THUMB_PX, side);
}

export function drawFrame(
  context: CanvasRenderingContext2D,
  scene: MapScene,
  camera: Camera,
  view: Viewport,
  ratio: number,
  style: FrameStyle,
  thumbnails: ThumbnailCache,
): void {
  drawDots(context, scene, camera, view, ratio, style.background);
  context.save();
  context.scale(ratio, ratio);
  const side = thumbnailSide(camera, view);
  if (side > 0) drawThumbnails(context, scene, camera, view, side, thumbnails);
  drawLit(context, scene, camera, view, style.accent, side);
  drawLabels(context, scene.regions, camera, view, style, side);
  if (scene.hover !== undefined) {
    const [sx, sy] = toScreen(camera, view, scene.xy[2 * scene.hover]!, scene.xy[2 * scene.hover + 1]!);
    context.strokeStyle = style.accent;
    context.lineWidth = 2;
    const r = Math.max(6, side / 2 + 3);
    context.strokeRect(sx - r, sy - r, 2 * r, 2 * r);
  }
  context.restore();
}

/** Packs a #rrggbb colour as the little-endian RGBA word ImageData's Uint32 view holds. */
function packed(hex: string, alpha = 255): number {
  const value = parseInt(hex.slice(1, 7), 16);
  return ((alpha << 24) | ((value & 0xff) << 16) | (value & 0xff00) | ((value >> 16) & 0xff)) >>> 0;
}

/** Mixes a colour toward the background: photos that do not stand out recede while a query is lit. */
function faded(hex: string, background: string, amount: number): string {
  const a = parseInt(hex.slice(1, 7), 16);
  const b = parseInt(background.slice(1, 7), 16);
  const mix = (shift: number) => Math.round(((a >> shift) & 0xff) * (1 - amount) + ((b >> shift) & 0xff) * amount);
  return `#${((mix(16) << 16) | (mix(8) << 8) | mix(0)).toString(16).padStart(6, '0')}`;
}

function drawDots(
  context: CanvasRenderingContext2D,
  scene: MapScene,
  camera: Camera,
  view: Viewport,
  ratio: number,
  background: string,
): void {
  const width = Math.round(view.width * ratio);
  const height = Math.round(view.height * ratio);
  const { image, pixels } = frameBuffer(context, width, height);
  pixels.fill(packed(background));
  const dimmed = scene.lit.size > 0;
  const colours = scene.regions.map((r) =>
    packed(dimmed ? faded(regionDotColour(r), background, 0.7) : regionDotColour(r)),
  );
  const k = pixelsPerUnit(camera, view) * ratio;
  // About the side a photo's share of the map's area allows (as in the PNG), from 2 to 8 device pixels.
  const dot = Math.max(2, Math.min(8, Math.round((0.35 * k) / Math.sqrt(Math.max(1, scene.region.length)))));
  const ox = (view.width / 2) * ratio - camera.x * k;
  const oy = (view.height / 2) * ratio - camera.y * k;
  const { xy, region } = scene;
  for (let i = 0; i < region.length; i++) {
    const px = Math.round(xy[2 * i]! * k + ox);
    const py = Math.round(xy[2 * i + 1]! * k + oy);
    if (px < 0 || py < 0 || px + dot > width || py + dot > height) continue;
    const colour = colours[region[i]!] ?? 0xff888888;
    for (let dy = 0; dy < dot; dy++) pixels.fill(colour, (py + dy) * width + px, (py + dy) * width + px + dot);
  }
  context.putImageData(image, 0, 0);
}

/** One pixel buffer per canvas size, reused frame after frame (a fresh one a frame is megabytes of garbage). */
let buffer: { image: ImageData; pixels: Uint32Array } | undefined;

function frameBuffer(context: CanvasRenderingContext2D, width: number, height: number) {
  if (buffer?.image.width !== width || buffer.image.height !== height) {
    const image = context.createImageData(width, height);
    buffer = { image, pixels: new Uint32Array(image.data.buffer) };
  }
  return buffer;
}

function drawThumbnails(
  context: CanvasRenderingContext2D,
  scene: MapScene,
  camera: Camera,
  view: Viewport,
  side: number,
  thumbnails: ThumbnailCache,
): void {
  const [minX, minY, maxX, maxY] = visibleBounds(camera, view);
  const pad = side / pixelsPerUnit(camera, view);
  const inView = scene.index.range(minX - pad, minY - pad, maxX + pad, maxY + pad);
  if (inView.length > MAX_THUMBS) return;
  for (const i of inView) {
    const image = thumbnails.get(scene.ids[i]!);
    if (!image) continue;
    const [sx, sy] = toScreen(camera, view, scene.xy[2 * i]!, scene.xy[2 * i + 1]!);
    // Centre-crop to a square, as the result grid shows thumbnails.
    const crop = Math.min(image.naturalWidth, image.naturalHeight);
    context.drawImage(
      image,
      (image.naturalWidth - crop) / 2,
      (image.naturalHeight - crop) / 2,
      crop,
      crop,
      sx - side / 2,
      sy - side / 2,
      side,
      side,
    );
    const region = scene.regions[scene.region[i]!];
    context.strokeStyle = region ? regionDotColour(region) : '#888888';
    context.lineWidth = 2;
    context.strokeRect(sx - side / 2, sy - side / 2, side, side);
  }
}

function drawLit(
  context: CanvasRenderingContext2D,
  scene: MapScene,
  camera: Camera,
  view: Viewport,
  accent: string,
  side: number,
): void {
  context.strokeStyle = accent;
  context.fillStyle = accent;
  for (const [i, strength] of scene.lit) {
    const [sx, sy] = toScreen(camera, view, scene.xy[2 * i]!, scene.xy[2 * i + 1]!);
    if (sx < -50 || sy < -50 || sx > view.width + 50 || sy > view.height + 50) continue;
    // The more bits, the brighter and larger the glow.
    const r = side > 0 ? side / 2 + 2 + 4 * strength : 3 + 6 * strength;
    context.globalAlpha = 0.35 + 0.65 * strength;
    context.lineWidth = 1.5 + 2 * strength;
    if (side > 0) context.strokeRect(sx - r, sy - r, 2 * r, 2 * r);
    else {
      context.beginPath();
      context.arc(sx, sy, r, 0, 2 * Math.PI);
      context.stroke();
      context.beginPath();
      context.arc(sx, sy, 2, 0, 2 * Math.PI);
      context.fill();
    }
  }
  context.globalAlpha = 1;
}

/** One region name as the view draws it: its text, whether it is a name or "no concept beyond chance", its box and opacity. */
export interface ViewLabel {
  text: string;
  named: boolean;
  box: LabelBox;
  alpha: number;
}

const LABEL_FONT = '600 13px system-ui, sans-serif';
const CHANCE_FONT = 'italic 400 13px system-ui, sans-serif';
const LABEL_HEIGHT = 13 * 1.3 + 8;

/**
 * Region names fade in as their region grows on screen (a name for an island too small to see would
 * only clutter), and fade back when thumbnails take over and the photos speak for themselves. Of the
 * names visible, none overlaps another (label-placement.ts, the largest regions first); a region with
 * photos and no concept beyond chance says so. `measure` gives a text's width in CSS px.
 */
export function viewLabels(
  regions: readonly MapRegion[],
  camera: Camera,
  view: Viewport,
  side: number,
  measure: (text: string, named: boolean) => number,
): ViewLabel[] {
  const k = pixelsPerUnit(camera, view);
  const total = totalPhotos(regions);
  const shown = regions.flatMap((region) => {
    if (region.photos === 0) return [];
    // A region's rough on-screen size: its share of the map's photos as an area.
    const extent = k * Math.sqrt(region.photos / Math.max(1, total)) * 0.5;
    const fadeIn = smoothstep(25, 70, extent);
    const fadeOut = side > 0 ? 1 - 0.6 * smoothstep(MIN_THUMB_PX, 2 * MIN_THUMB_PX, side) : 1;
    const alpha = fadeIn * fadeOut;
    if (alpha < 0.02) return [];
    const named = region.concepts.length > 0;
    const text = named ? region.concepts.map((c) => c.name).join(' · ') : NO_CONCEPT_LABEL;
    const [x, y] = toScreen(camera, view, region.x, region.y);
    return [{ region, named, text, alpha, x, y, extent }];
  });
  const boxes = placeLabels(
    shown.map(({ region, named, text, x, y, extent }) => ({
      x,
      y,
      width: measure(text, named) + 8, // the 4 px halo each side
      height: LABEL_HEIGHT,
      // Above the region's centre first, so the name does not cover the photos at its heart.
      lift: Math.min(extent, 40) * 0.5 + 4,
      priority: (named ? total : 0) + region.photos,
    })),
    view,
  );
  return shown.flatMap(({ text, named, alpha }, i) => (boxes[i] ? [{ text, named, alpha, box: boxes[i] }] : []));
}

function drawLabels(
  context: CanvasRenderingContext2D,
  regions: readonly MapRegion[],
  camera: Camera,
  view: Viewport,
  style: FrameStyle,
  side: number,
): void {
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.lineJoin = 'round';
  const measure = (text: string, named: boolean): number => {
    context.font = named ? LABEL_FONT : CHANCE_FONT;
    return context.measureText(text).width;
  };
  for (const label of viewLabels(regions, camera, view, side, measure)) {
    context.font = label.named ? LABEL_FONT : CHANCE_FONT;
    context.globalAlpha = label.named ? label.alpha : 0.7 * label.alpha;
    context.lineWidth = 4;
    context.strokeStyle = style.background;
    context.strokeText(label.text, label.box.x, label.box.y);
    context.fillStyle = style.text;
    context.fillText(label.text, label.box.x, label.box.y);
  }
  context.globalAlpha = 1;
}

const totalPhotos = (regions: readonly MapRegion[]): number => regions.reduce((sum, r) => sum + r.photos, 0);

function smoothstep(from: number, to: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - from) / (to - from)));
  return t * t * (3 - 2 * t);
}
