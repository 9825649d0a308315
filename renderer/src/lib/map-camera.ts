/**
 * The Map view's camera: map coordinates (the unit square of LibraryMap) to CSS pixels and back. The
 * map is fitted into the canvas at zoom 1; `zoom` multiplies that, and `x`, `y` are the map point at
 * the canvas centre.
 */
export interface Camera {
  /** Map point shown at the centre of the canvas. */
  x: number;
  y: number;
  zoom: number;
}

export interface Viewport {
  width: number;
  height: number;
}

export const MIN_ZOOM = 0.5;
export const MAX_ZOOM = 400;
/** A margin around the map at zoom 1, so edge photos are not cut. */
const FIT_MARGIN = 0.92;

export const fittedCamera = (): Camera => ({ x: 0.5, y: 0.5, zoom: 1 });

/** CSS pixels per map unit. */
export const pixelsPerUnit = (camera: Camera, view: Viewport): number =>
  Math.min(view.width, view.height) * FIT_MARGIN * camera.zoom;

export function toScreen(camera: Camera, view: Viewport, x: number, y: number): [number, number] {
  const k = pixelsPerUnit(camera, view);
  return [(x - camera.x) * k + view.width / 2, (y - camera.y) * k + view.height / 2];
}

export function toMap(camera: Camera, view: Viewport, sx: number, sy: number): [number, number] {
  const k = pixelsPerUnit(camera, view);
  return [(sx - view.width / 2) / k + camera.x, (sy - view.height / 2) / k + camera.y];
}

/** The map rectangle on screen: [minX, minY, maxX, maxY] in map units. */
export function visibleBounds(camera: Camera, view: Viewport): [number, number, number, number] {
  const [minX, minY] = toMap(camera, view, 0, 0);
  const [maxX, maxY] = toMap(camera, view, view.width, view.height);
  return [minX, minY, maxX, maxY];
}

/** Zooms by `factor` keeping the map point under (sx, sy) where it is. */
export function zoomAt(camera: Camera, view: Viewport, sx: number, sy: number, factor: number): Camera {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, camera.zoom * factor));
  const [mx, my] = toMap(camera, view, sx, sy);
  const k = pixelsPerUnit({ ...camera, zoom }, view);
  return { zoom, x: mx - (sx - view.width / 2) / k, y: my - (sy - view.height / 2) / k };
}

/** Moves the view by a drag of (dx, dy) CSS pixels. */
export function panBy(camera: Camera, view: Viewport, dx: number, dy: number): Camera {
  const k = pixelsPerUnit(camera, view);
  return { ...camera, x: camera.x - dx / k, y: camera.y - dy / k };
}
