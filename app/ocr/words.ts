/**
 * A recognised line cut into words at its spaces, each with its own quad: the recogniser's time steps
 * span its input evenly, so a character's frame says how far along the line it sits, and a word spans
 * from halfway to the previous character to halfway to the next one.
 */
import type { RecognisedLine, RecognisedWord, TextQuad } from '../contract/photo-text.ts';
import type { DecodedLine } from './ctc.ts';
import { lerp } from './geometry.ts';

/**
 * `contentFraction`: the share of the recogniser's input width the line's pixels fill (the rest of a
 * batch's input is padding); `quad` is in reading order.
 */
export function lineWithWords(
  decoded: DecodedLine,
  quad: TextQuad,
  contentFraction: number,
  confidence: number,
): RecognisedLine {
  const chars = decoded.chars;
  // Where a frame sits along the line's content, 0 (start) to 1 (end).
  const along = (frame: number): number =>
    Math.min(1, Math.max(0, (frame + 0.5) / decoded.frames / Math.max(contentFraction, 1e-6)));
  const words: RecognisedWord[] = [];
  let i = 0;
  while (i < chars.length) {
    if (chars[i]!.char === ' ') {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && chars[j]!.char !== ' ') j++;
    const first = chars[i]!;
    const last = chars[j - 1]!;
    const before = i > 0 ? (along(chars[i - 1]!.frame) + along(first.frame)) / 2 : 0;
    const after = j < chars.length ? (along(last.frame) + along(chars[j]!.frame)) / 2 : 1;
    const members = chars.slice(i, j);
    words.push({
      text: members.map((c) => c.char).join(''),
      confidence: members.reduce((sum, c) => sum + c.probability, 0) / members.length,
      quad: [
        lerp(quad[0], quad[1], before),
        lerp(quad[0], quad[1], after),
        lerp(quad[3], quad[2], after),
        lerp(quad[3], quad[2], before),
      ],
    });
    i = j;
  }
  return { text: words.map((w) => w.text).join(' '), confidence, quad, words };
}
