/**
 * The concept vocabulary (models/concepts/concepts.txt) and the text prompts built from it. The prompts
 * serve as the reference query bank for the image prior and as interpretable MI features.
 */
import { readFileSync } from 'node:fs';
import { EidosError } from '../contract/errors.ts';
import { resources } from '../resources.ts';

export interface ConceptGroup {
  /** The `# header` above the group, e.g. "colours". */
  name: string;
  concepts: string[];
}

export const COLOUR_GROUP = 'colours';

export const conceptsFile = (): string => resources.concepts();

/**
 * Parses the vocabulary: a `# name` line names the group of the concepts below it (only the last `#`
 * line before a concept counts, so the file's opening comment is harmless), blank lines are skipped,
 * every other line is one concept. Duplicates are an error, case-insensitively.
 */
export function parseConcepts(text: string, file = '<concepts>'): ConceptGroup[] {
  const groups: ConceptGroup[] = [];
  const seen = new Map<string, number>();
  let header: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      header = line.slice(1).trim();
      return;
    }
    const lineNumber = index + 1;
    if (header === undefined) {
      throw new EidosError(
        'MODEL_INVALID',
        `${file}:${lineNumber}: concept "${line}" comes before any "# group" header; add one above it.`,
        { file },
      );
    }
    const key = line.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new EidosError(
        'MODEL_INVALID',
        `${file}:${lineNumber}: concept "${line}" duplicates line ${earlier}; remove one of them.`,
        { file },
      );
    }
    seen.set(key, lineNumber);
    const last = groups.at(-1);
    if (last?.name === header) last.concepts.push(line);
    else groups.push({ name: header, concepts: [line] });
  });
  return groups;
}

let bundled: ConceptGroup[] | undefined;

/** The bundled vocabulary by group (read once). */
export function loadConceptGroups(): ConceptGroup[] {
  if (bundled === undefined) {
    const file = conceptsFile();
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new EidosError(
        'NOT_FOUND',
        `Cannot read the concept vocabulary ${file}; reinstall Eidos or restore the file.`,
        { file, cause },
      );
    }
    bundled = parseConcepts(text, file);
  }
  return bundled;
}

/** Every concept of the bundled vocabulary, in file order. */
export function loadConcepts(): string[] {
  return loadConceptGroups().flatMap((group) => group.concepts);
}

let colours: Set<string> | undefined;

/**
 * The CLIP prompt for a concept: "a photo of {c}" (the zero-shot template of Radford et al. 2021), except
 * colours, which get "a photo in {c}". CLIP reads text inside images (Goh et al., "Multimodal Neurons in
 * Artificial Neural Networks", Distill 2021), so "a photo of red" sits near pictures of the printed word
 * "red"; captions use colours as the look of a picture ("a street in red and gold"), and the "in" form
 * also reads right for "pastel colours" or "monochrome".
 */
export function conceptPrompt(concept: string): string {
  colours ??= new Set(loadConceptGroups().find((group) => group.name === COLOUR_GROUP)?.concepts ?? []);
  return colours.has(concept) ? `a photo in ${concept}` : `a photo of ${concept}`;
}
