/**
 * Where the map's region names go so that no two overlap, shared by both pictures of the map (the PNG,
 * app/map/map-picture.ts, and the Map view, renderer/src/lib/map-draw.ts). Greedy, most photos first:
 * each name tries spots around its region's centre (above, below, right, left, the corners, then the
 * same ring twice and three times as far) and takes the first that stays inside the picture and clear
 * of every name already placed; a name with no such spot is left out rather than drawn over another.
 */
export interface LabelRequest {
  /** The region's centre on the picture, px. */
  x: number;
  y: number;
  /** The name's box, px (the drawn text, halo included). */
  width: number;
  height: number;
  /** How far from the centre the first spots are, px (clear of the region's heart). */
  lift: number;
  /** Larger first. */
  priority: number;
}

/** A placed name: its box's centre and size, px. */
export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Boxes at least this far apart, px, so halos do not touch. */
const GAP = 2;

export function placeLabels(
  requests: readonly LabelRequest[],
  bounds: { width: number; height: number },
): (LabelBox | undefined)[] {
  const placed: (LabelBox | undefined)[] = requests.map(() => undefined);
  const taken: LabelBox[] = [];
  const order = requests.map((_, i) => i).sort((a, b) => requests[b]!.priority - requests[a]!.priority || a - b);
  for (const i of order) {
    const r = requests[i]!;
    const up = r.lift + r.height / 2;
    const side = r.lift + r.width / 2;
    const ring: [number, number][] = [
      [0, -up],
      [0, up],
      [side, 0],
      [-side, 0],
      [side, -up],
      [-side, -up],
      [side, up],
      [-side, up],
    ];
    const spots = [1, 2, 3].flatMap((far) => ring.map(([dx, dy]): [number, number] => [far * dx, far * dy]));
    for (const [dx, dy] of spots) {
      const box = { x: r.x + dx, y: r.y + dy, width: r.width, height: r.height };
      if (inside(box, bounds) && taken.every((other) => !overlaps(box, other))) {
        placed[i] = box;
        taken.push(box);
        break;
      }
    }
  }
  return placed;
}

function inside(box: LabelBox, bounds: { width: number; height: number }): boolean {
  return (
    box.x - box.width / 2 >= 0 &&
    box.x + box.width / 2 <= bounds.width &&
    box.y - box.height / 2 >= 0 &&
    box.y + box.height / 2 <= bounds.height
  );
}

export function overlaps(a: LabelBox, b: LabelBox): boolean {
  return (
    Math.abs(a.x - b.x) * 2 < a.width + b.width + 2 * GAP && Math.abs(a.y - b.y) * 2 < a.height + b.height + 2 * GAP
  );
}
