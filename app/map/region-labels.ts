/**
 * Names for the map's regions: the concepts that carry the most information about whether a photo is in
 * the region, chosen by the same selection as "why these results" (app/explain: equal-frequency bins,
 * Miller–Madow MI, greedy CMIM, stopping at the first pick that is not significant). A region plays the
 * part of a query's top results: its photos are labelled Y = 1 and a seeded sample of the rest Y = 0.
 * The regions' samples overlap (the background draws are alike), so the concept scores of all their rows
 * are computed in one pass and every region's explanation reads its rows from there.
 */
import { explainRanking } from '../explain/explain.ts';
import { conceptScores } from '../explain/feature-values.ts';
import { labelledSample } from '../explain/labelled-sample.ts';
import type { ConceptScores } from '../explain/types.ts';
import type { EmbeddingMatrix, Kernels } from '../kernels/contract.ts';
import { kernels as defaultKernels } from '../kernels/index.ts';
import { mulberry32 } from '../util/mulberry32.ts';

export interface RegionConcept {
  name: string;
  /** What the concept added to the information about membership when picked (its CMIM gain), bits. */
  bits: number;
}

export interface Concepts {
  names: string[];
  /** C×d, row c the prompt of names[c]. */
  embeddings: Float32Array;
}

/**
 * Positives per region: a region may hold tens of thousands of photos; a seeded sample of 200 is
 * plenty for 8-bin tables (25 positives a bin) and keeps each region's count one pass over ~1,200 rows.
 */
const MAX_POSITIVES = 200;
const BACKGROUND = 1000;
/** A region's name is read at a glance: at most three concepts. */
const MAX_CONCEPTS = 3;
/** Fewer photos than this cannot show that any concept is more than chance. */
const MIN_REGION = 5;

export function labelRegions(
  matrix: EmbeddingMatrix,
  assignment: Uint16Array,
  regionCount: number,
  concepts: Concepts,
  tau: number,
  seed: number,
  kernels?: Kernels,
): RegionConcept[][] {
  const sizes = new Uint32Array(regionCount);
  for (const region of assignment) sizes[region]!++;
  const labelled = (size: number): boolean => size >= MIN_REGION && size < matrix.n;
  // Members score 1 + u (u uniform, seeded) and the rest 0, so the top-k is a uniform sample of the region.
  const regionScores = (region: number): Float32Array => {
    const random = mulberry32(seed + region);
    return Float32Array.from(assignment, (r) => (r === region ? 1 + random() : 0));
  };
  const positives = (region: number): number => Math.min(sizes[region]!, MAX_POSITIVES);
  const scored = sharedScores(
    matrix,
    concepts,
    (visit) => {
      for (let region = 0; region < regionCount; region++) {
        if (!labelled(sizes[region]!)) continue;
        const sample = labelledSample(
          regionScores(region),
          positives(region),
          BACKGROUND,
          seed,
          kernels ?? defaultKernels,
        );
        visit(sample.rows);
      }
    },
    kernels ?? defaultKernels,
  );
  return Array.from({ length: regionCount }, (_, region) => {
    if (!labelled(sizes[region]!)) return [];
    const result = explainRanking(
      {
        matrix,
        rowScores: regionScores(region),
        scoreKind: 'cosine',
        features: { kind: 'concepts', names: concepts.names, embeddings: concepts.embeddings, scored },
        k: positives(region),
        background: BACKGROUND,
        maxFeatures: MAX_CONCEPTS,
        tau,
        seed,
      },
      kernels,
    );
    // A concept rarer in the region than elsewhere says what the region is not: not a name for it.
    return result.selected.filter((f) => f.direction === 'higher').map((f) => ({ name: f.name, bits: f.gainBits }));
  });
}

/** The concept scores of every row some region's sample holds (the same samples explainRanking draws), once. */
function sharedScores(
  matrix: EmbeddingMatrix,
  concepts: Concepts,
  samples: (visit: (rows: Uint32Array) => void) => void,
  kernels: Pick<Kernels, 'scores'>,
): ConceptScores | undefined {
  const used = new Uint8Array(matrix.n);
  samples((rows) => rows.forEach((row) => (used[row] = 1)));
  const rows = Uint32Array.from(used.keys()).filter((row) => used[row] === 1);
  if (rows.length === 0) return undefined;
  return { rows, values: conceptScores(matrix, rows, concepts.names, concepts.embeddings, kernels) };
}
