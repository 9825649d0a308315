/**
 * Where to draw the words read in a photo (Live Text-like): each recognised line or word as a box in the
 * photo's pixels (app/contract/photo-text.ts), turned into what an SVG text element needs to lie exactly
 * over the written text: its left end on the baseline, its length along the text, its height and angle.
 * Transparent text drawn there can be selected and copied like any text on the page.
 */
import type { RecognisedText, TextQuad } from '../../../app/contract/photo-text.ts';

export interface TextBox {
  text: string;
  /** Left end of the baseline (bottom-left corner), photo pixels. */
  x: number;
  y: number;
  /** Along the text's top edge, and across it (top-left to bottom-left). */
  width: number;
  height: number;
  /** Rotation of the text in degrees, clockwise (SVG's sense: y points down). */
  angle: number;
  /** The quad as SVG polygon points. */
  points: string;
  /** Whether the text is one of the words the search matched. */
  matched: boolean;
}

const distance = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(b.x - a.x, b.y - a.y);

/** The box of one quad (corners clockwise from the text's top left). */
export function boxOf(text: string, quad: TextQuad, matched = false): TextBox {
  const [topLeft, topRight, , bottomLeft] = quad;
  return {
    text,
    x: bottomLeft.x,
    y: bottomLeft.y,
    width: distance(topLeft, topRight),
    height: distance(topLeft, bottomLeft),
    angle: (Math.atan2(topRight.y - topLeft.y, topRight.x - topLeft.x) * 180) / Math.PI,
    points: quad.map((p) => `${p.x},${p.y}`).join(' '),
    matched,
  };
}

/** Folds case and Latin accents, as the engine compares words (app/search/text-match.ts). */
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/**
 * One box per line for the selectable text (a selection across lines then copies whole lines), and the
 * boxes of the words the search matched (`matched`: the texts as the result carries them), to highlight.
 */
export function textBoxes(
  recognised: RecognisedText,
  matched: readonly string[] = [],
): { lines: TextBox[]; highlights: TextBox[] } {
  const wanted = matched.map(fold).filter((w) => w !== '');
  const isMatched = (word: string) => {
    const folded = fold(word);
    return wanted.some((w) => folded.includes(w));
  };
  return {
    lines: recognised.lines.map((line) => boxOf(line.text, line.quad)),
    highlights: recognised.lines.flatMap((line) =>
      line.words.filter((word) => isMatched(word.text)).map((word) => boxOf(word.text, word.quad, true)),
    ),
  };
}

/** The photo's text as plain text, one recognised line a line (what "Copy text" copies). */
export function plainText(recognised: RecognisedText): string {
  return recognised.lines.map((line) => line.text).join('\n');
}
