/**
 * The image prior's reference query bank: the concept vocabulary as CLIP prompts (app/mi/concept-prompts.ts),
 * embedded once with the model's text tower and cached in the index (`concept_embeddings`, keyed by
 * concept), where the explanation feature finds the same vectors.
 *
 * The concept prompts alone, not also the user's recent queries: on the Flickr8k dev split (bench
 * test/bench/quality.ts, a 300-caption stand-in for the concepts, R@1 over 500 new queries) adding the
 * 30 or 100 past queries a user's history typically holds changed the gain by +0.2 and +0.1 points (noise
 * for 500 queries), and only 300 to 500 past queries added +1.0 to +1.5. That does not pay for keeping
 * a record of what the user searched for, nor for a prior that changes with every search (a repeated
 * query would also sit in its own bank and push its own photo down).
 */
import { conceptPrompt, loadConcepts } from '../mi/concept-prompts.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { QueryBank } from './image-prior.ts';

export type EmbedTexts = (texts: string[]) => Promise<{ data: Float32Array; n: number; d: number }>;

export async function conceptBank(
  store: IndexStore,
  modelId: string,
  embedTexts: EmbedTexts,
): Promise<QueryBank & { concepts: string[] }> {
  const concepts = loadConcepts();
  const cached = store.getConceptEmbeddings(modelId, concepts);
  const missing = concepts.filter((c) => !cached.has(c));
  if (missing.length > 0) {
    const { data, d } = await embedTexts(missing.map(conceptPrompt));
    const fresh = new Map(missing.map((concept, k) => [concept, data.slice(k * d, k * d + d)]));
    if (!store.readonly) store.putConceptEmbeddings(modelId, fresh);
    for (const [concept, vector] of fresh) cached.set(concept, vector);
  }
  const d = cached.get(concepts[0]!)!.length;
  const vectors = new Float32Array(concepts.length * d);
  concepts.forEach((concept, k) => vectors.set(cached.get(concept)!, k * d));
  return { vectors, nb: concepts.length, concepts };
}
