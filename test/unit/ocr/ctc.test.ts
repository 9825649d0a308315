import { describe, expect, it } from 'vitest';
import { ctcDecode, dictionaryClasses, lineConfidence, spacesAtGaps } from '../../../app/ocr/ctc.ts';
import { lineWithWords } from '../../../app/ocr/words.ts';

describe('CTC decoding over a dictionary', () => {
  const classes = dictionaryClasses('a\nb\nc\n');

  it('maps class 0 to the blank, 1…n to the dictionary lines and n + 1 to the space', () => {
    expect(classes).toEqual(['', 'a', 'b', 'c', ' ']);
  });

  /** One-hot rows with probability p for each frame's class. */
  const frames = (path: number[], p = 0.9): Float32Array => {
    const scores = new Float32Array(path.length * classes.length).fill((1 - p) / (classes.length - 1));
    path.forEach((c, t) => (scores[t * classes.length + c] = p));
    return scores;
  };

  it('collapses repeats, keeps a letter doubled across a blank, and drops blanks', () => {
    // a a _ a b b _ space c
    const decoded = ctcDecode(frames([1, 1, 0, 1, 2, 2, 0, 4, 3]), 9, classes);
    expect(decoded.chars.map((c) => c.char).join('')).toBe('aab c');
    expect(decoded.chars.map((c) => c.frame)).toEqual([0, 3, 4, 7, 8]);
    expect(lineConfidence(decoded)).toBeCloseTo(0.9, 6);
  });

  it('cuts a line into words whose boxes follow the characters along the line', () => {
    // 10 frames over a line whose pixels fill all of the input: "ab" at frames 1–2, "c" at frame 8.
    const decoded = ctcDecode(frames([0, 1, 2, 0, 0, 4, 0, 0, 3, 0]), 10, classes);
    const quad = [
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 100, y: 10 },
      { x: 0, y: 10 },
    ] as const;
    const line = lineWithWords(decoded, quad, 1, lineConfidence(decoded));
    expect(line.text).toBe('ab c');
    expect(line.words.map((w) => w.text)).toEqual(['ab', 'c']);
    // Frame t sits at (t + 0.5) / 10 of the width: "ab" ends halfway between frames 2 and 5 (40 px),
    // "c" starts halfway between frames 5 and 8 (70 px) and runs to the end.
    expect(line.words[0]!.quad[0].x).toBeCloseTo(0, 6);
    expect(line.words[0]!.quad[1].x).toBeCloseTo(40, 6);
    expect(line.words[1]!.quad[0].x).toBeCloseTo(70, 6);
    expect(line.words[1]!.quad[2]).toEqual({ x: 100, y: 10 });
  });

  it("puts a space where two characters are much further apart than the line's usual spacing", () => {
    // "ab" then "cab" with a 6-frame gap, where characters are otherwise 2 frames apart.
    const path = [1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 1, 0, 2];
    const decoded = ctcDecode(frames(path), path.length, classes);
    expect(decoded.chars.map((c) => c.char).join('')).toBe('abcab');
    expect(
      spacesAtGaps(decoded, 2.5)
        .chars.map((c) => c.char)
        .join(''),
    ).toBe('ab cab');
    // A gap below the factor, or no factor, leaves the line as read.
    expect(
      spacesAtGaps(decoded, 4)
        .chars.map((c) => c.char)
        .join(''),
    ).toBe('abcab');
    expect(spacesAtGaps(decoded, Infinity)).toBe(decoded);
  });

  it('puts a space where the space class came close between two characters, though blank won the frame', () => {
    // "ab" then "c" one usual spacing apart; at the blank frame before "c" the space class has 0.3.
    const path = [1, 0, 2, 0, 3];
    const scores = frames(path);
    scores[3 * classes.length + 4] = 0.3;
    const decoded = ctcDecode(scores, path.length, classes);
    const hints = decoded.chars.map((c) => c.spaceBefore);
    [0, 0.025, 0.3].forEach((hint, i) => expect(hints[i]).toBeCloseTo(hint, 6));
    const text = (threshold: number): string =>
      spacesAtGaps(decoded, Infinity, 3, threshold)
        .chars.map((c) => c.char)
        .join('');
    expect(text(0.2)).toBe('ab c');
    expect(text(0.5)).toBe('abc');
    // The space class on a character's own frame is that character's, not a gap's: "a" at 0.3 there adds nothing.
    const own = frames(path);
    own[0 * classes.length + 4] = 0.3;
    expect(
      spacesAtGaps(ctcDecode(own, path.length, classes), Infinity, 3, 0.2)
        .chars.map((c) => c.char)
        .join(''),
    ).toBe('abc');
  });
});
