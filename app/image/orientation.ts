/**
 * EXIF orientation (TIFF tag 0x0112, values 1–8): how stored pixels must be turned to be displayed.
 * Only needed where the decoder cannot read the tag itself (RAW previews carry it in the RAW's IFD0,
 * not in the embedded JPEG) and to report displayed dimensions.
 */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export function asOrientation(value: unknown): Orientation | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 8
    ? (value as Orientation)
    : undefined;
}

/** Orientations 5–8 turn the image a quarter, so displayed width and height are swapped. */
export const swapsAxes = (orientation: Orientation | undefined): boolean => (orientation ?? 1) >= 5;

/**
 * The sharp operations that display an image stored with `orientation`. sharp mirrors (`flop`)
 * before it rotates, whatever the call order, so 5 (transpose) is a mirror then 270° and
 * 7 (transverse) a mirror then 90°.
 */
export function orientationOps(orientation: Orientation): { rotate: 0 | 90 | 180 | 270; flop: boolean } {
  switch (orientation) {
    case 1:
      return { rotate: 0, flop: false };
    case 2:
      return { rotate: 0, flop: true };
    case 3:
      return { rotate: 180, flop: false };
    case 4:
      return { rotate: 180, flop: true };
    case 5:
      return { rotate: 270, flop: true };
    case 6:
      return { rotate: 90, flop: false };
    case 7:
      return { rotate: 90, flop: true };
    case 8:
      return { rotate: 270, flop: false };
  }
}
