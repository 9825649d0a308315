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
  const chars: DecodedChar[] = [];
  let previous = 0;
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
    if (best !== 0 && best !== previous) chars.push({ char: classes[best] ?? '', frame: t, probability: bestScore });
    previous = best;
  }
  return { chars, frames };
}

/** The mean probability of the characters read (0 when none was). */
export function lineConfidence(line: DecodedLine): number {
  const read = line.chars.filter((c) => c.char !== ' ');
  return read.length === 0 ? 0 : read.reduce((sum, c) => sum + c.probability, 0) / read.length;
}
