/**
 * Greedy CTC decoding (Graves et al. 2006) over PP-OCR's recogniser output: at each time step the most
 * likely class; repeats collapse and the blank (class 0) separates them. Classes 1…n are the dictionary's
 * lines in order and class n + 1 is the space (PaddleOCR's `use_space_char`).
 */

export interface DecodedChar {
  char: string;
  /** The time step where the character was emitted (its first frame): where it sits along the line. */
  frame: number;
  probability: number;
  /**
   * The highest probability the space class had at a frame between this character and the one before
   * (0 for the first): the recogniser's own hint of a space it did not emit.
   */
  spaceBefore: number;
}

export interface DecodedLine {
  chars: DecodedChar[];
  /** Time steps in the output (they span the recogniser's input width evenly). */
  frames: number;
}

/** The classes of a dictionary file: one character a line. */
export function dictionaryClasses(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return ['', ...lines.map((line) => line.replace(/\r$/, '')), ' '];
}

/** Decodes one line: `scores` holds `frames` × `classes` probabilities (row-major). */
export function ctcDecode(scores: Float32Array, frames: number, classes: readonly string[]): DecodedLine {
  const n = classes.length;
  const space = n - 1;
  const chars: DecodedChar[] = [];
  let previous = 0;
  let spaceSeen = 0;
  for (let t = 0; t < frames; t++) {
    let best = 0;
    let bestScore = -Infinity;
    const row = t * n;
    for (let c = 0; c < n; c++) {
      const score = scores[row + c]!;
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      chars.push({
        char: classes[best] ?? '',
        frame: t,
        probability: bestScore,
        spaceBefore: chars.length === 0 ? 0 : spaceSeen,
      });
      spaceSeen = 0;
    }
    // Only blank frames count: on a character's own frames the space class competes with that character.
    if (best === 0 && scores[row + space]! > spaceSeen) spaceSeen = scores[row + space]!;
    previous = best;
  }
  return { chars, frames };
}

/** The mean probability of the characters read (0 when none was). */
export function lineConfidence(line: DecodedLine): number {
  const read = line.chars.filter((c) => c.char !== ' ');
  return read.length === 0 ? 0 : read.reduce((sum, c) => sum + c.probability, 0) / read.length;
}

/**
 * A space where the recogniser left one out: PP-OCR's Chinese–English recogniser often runs English words
 * together ("BEWAREOF"), but the blank frames between them stay. Where two characters are further apart
 * than `factor` times the line's median spacing (and at least `minFrames`), a space is put between them;
 * so is one where the space class reached `spaceProbability` between them (though blank won the frame).
 */
export function spacesAtGaps(
  line: DecodedLine,
  factor: number,
  minFrames = 3,
  spaceProbability = Infinity,
): DecodedLine {
  const chars = line.chars;
  const gaps: number[] = [];
  for (let i = 1; i < chars.length; i++)
    if (chars[i]!.char !== ' ' && chars[i - 1]!.char !== ' ') gaps.push(chars[i]!.frame - chars[i - 1]!.frame);
  if ((gaps.length < 2 || !Number.isFinite(factor)) && !Number.isFinite(spaceProbability)) return line;
  // Too few gaps for a usual spacing: only the space class's hint counts.
  const median = gaps.length < 2 ? Infinity : [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
  const out: DecodedChar[] = [];
  chars.forEach((c, i) => {
    const previous = chars[i - 1];
    if (previous && c.char !== ' ' && previous.char !== ' ') {
      const gap = c.frame - previous.frame;
      if (gap >= Math.max(minFrames, factor * median) || c.spaceBefore >= spaceProbability)
        out.push({ char: ' ', frame: Math.floor((c.frame + previous.frame) / 2), probability: 1, spaceBefore: 0 });
    }
    out.push(c);
  });
  return { chars: out, frames: line.frames };
}
