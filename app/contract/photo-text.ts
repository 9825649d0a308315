/**
 * The words read in a photo (issue 23, "Words in photos"): what the reader found, where and how sure it
 * is, as the index stores it (`photo_text`, migration 7) and as the API and the UI see it. Boxes are in
 * the pixels of the photo as displayed (EXIF orientation applied), so the UI can draw them over the
 * image it shows; a quadrilateral because text in photos is rarely axis-aligned.
 */

/** A point in the displayed photo's pixels (x to the right, y down). */
export interface TextPoint {
  x: number;
  y: number;
}

/** Four corners, clockwise from the top left of the text as read. */
export type TextQuad = readonly [TextPoint, TextPoint, TextPoint, TextPoint];

export interface RecognisedWord {
  text: string;
  /** 0..1, the recogniser's own confidence. */
  confidence: number;
  quad: TextQuad;
}

export interface RecognisedLine {
  text: string;
  confidence: number;
  quad: TextQuad;
  words: RecognisedWord[];
}

export interface RecognisedText {
  /** Which reader and version read it (e.g. `ppocr-v4/1`, `vision/1`): a newer one re-reads in the background. */
  reader: string;
  /** The displayed photo's size the boxes refer to. */
  width: number;
  height: number;
  lines: RecognisedLine[];
}
