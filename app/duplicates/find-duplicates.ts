/**
 * The three tiers of duplicates of a library (app/contract/duplicates.ts), from its file rows, the
 * contents' pixel fingerprints and capture times: exact copies by content hash, near-duplicates by
 * fingerprint (near-duplicates.ts, candidates from the native kNN kernel), bursts by capture time
 * (bursts.ts). Each tier works on what the one before keeps, so a pair is never in two tiers.
 */
import type { DuplicateTier } from '../contract/duplicates.ts';
import type { Kernels } from '../kernels/contract.ts';
import { burstPairs } from './bursts.ts';
import { suggestKeep, type KeepCandidate } from './keep.ts';
import { NEAR_DUPLICATE_MIN_SIMILARITY, similarPairs } from './near-duplicates.ts';
import { groupsOfPairs } from './union-find.ts';

export interface LibraryFile {
  id: number;
  path: string;
  contentHash: string;
  size: number;
  format: string;
  width: number | null;
  height: number | null;
  /** EXIF capture time (ISO), if any. */
  takenAt: string | null;
  mtimeMs: number;
  make: string | null;
  model: string | null;
}

export interface ContentSignature {
  fingerprint: Float32Array | undefined;
  sharpness: number | undefined;
}

export interface FoundGroup {
  tier: DuplicateTier;
  /** File ids, the suggested keep first. */
  files: number[];
  reasons: string[];
  evidence: string;
}

/** An ISO capture time without a zone is local wall-clock time; read as UTC it still orders and spaces photos correctly. */
function takenAtMs(takenAt: string | null): number | undefined {
  if (!takenAt) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(takenAt) || takenAt.length <= 10 ? takenAt : `${takenAt}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

function candidate(file: LibraryFile, signature: ContentSignature | undefined): KeepCandidate {
  const taken = takenAtMs(file.takenAt);
  return {
    width: file.width ?? undefined,
    height: file.height ?? undefined,
    sharpness: signature?.sharpness,
    format: file.format,
    fromCamera: Boolean(file.make || file.model),
    timeMs: taken ?? file.mtimeMs,
    path: file.path,
  };
}

const range = (values: number[], digits: number) => {
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return low.toFixed(digits) === high.toFixed(digits)
    ? low.toFixed(digits)
    : `${low.toFixed(digits)}–${high.toFixed(digits)}`;
};

export async function findDuplicates(
  files: readonly LibraryFile[],
  signatures: ReadonlyMap<string, ContentSignature>,
  kernels: Pick<Kernels, 'knnAsync'>,
  options: {
    /** Cosine of two contents' embeddings, when the model's embeddings mean something (bursts use it). */
    embeddingCosine?: (contentA: string, contentB: string) => number | undefined;
  } = {},
): Promise<FoundGroup[]> {
  const groups: FoundGroup[] = [];
  const keepOf = (members: readonly LibraryFile[]) =>
    suggestKeep(members.map((f) => candidate(f, signatures.get(f.contentHash))));
  const ordered = (members: readonly LibraryFile[], tier: DuplicateTier, evidence: string) => {
    const { keep, reasons } = keepOf(members);
    const order = [keep, ...members.keys()].filter((i, at, all) => all.indexOf(i) === at);
    groups.push({ tier, files: order.map((i) => members[i]!.id), reasons: order.map((i) => reasons[i]!), evidence });
    return members[keep]!;
  };

  // Exact: one content at several paths; the kept path stands for the content from here on.
  const byContent = new Map<string, LibraryFile[]>();
  for (const file of files) {
    const same = byContent.get(file.contentHash);
    if (same) same.push(file);
    else byContent.set(file.contentHash, [file]);
  }
  const contents: LibraryFile[] = [];
  for (const same of byContent.values())
    contents.push(same.length > 1 ? ordered(same, 'exact', 'identical bytes (the same content hash)') : same[0]!);

  // Near-duplicates: distinct contents whose fingerprints are alike, unless they were taken at two
  // different moments (a copy keeps its capture time or has none): those are frames of a burst.
  const near = (
    await similarPairs(
      contents.map((c) => signatures.get(c.contentHash)?.fingerprint),
      kernels,
      NEAR_DUPLICATE_MIN_SIMILARITY,
    )
  ).filter((p) => {
    const [ta, tb] = [takenAtMs(contents[p.a]!.takenAt), takenAtMs(contents[p.b]!.takenAt)];
    return ta === undefined || tb === undefined || ta === tb;
  });
  const nearGroups = groupsOfPairs(contents.length, near);
  const grouped = new Set<number>();
  const photos: LibraryFile[] = [];
  for (const group of nearGroups) {
    const similarities = near.filter((p) => group.includes(p.a)).map((p) => p.similarity);
    photos.push(
      ordered(
        group.map((i) => contents[i]!),
        'near',
        `the same picture: fingerprints ${range(similarities, 3)} alike (copies from ${NEAR_DUPLICATE_MIN_SIMILARITY})`,
      ),
    );
    for (const i of group) grouped.add(i);
  }
  contents.forEach((c, i) => {
    if (!grouped.has(i)) photos.push(c);
  });

  // Bursts: what is left, one photo per picture, by capture time.
  const bursts = burstPairs(
    photos.map((p) => ({
      takenAtMs: takenAtMs(p.takenAt),
      camera: p.make || p.model ? `${p.make ?? ''} ${p.model ?? ''}`.trim() : undefined,
      fingerprint: signatures.get(p.contentHash)?.fingerprint,
    })),
    options.embeddingCosine
      ? (a, b) => options.embeddingCosine!(photos[a]!.contentHash, photos[b]!.contentHash)
      : undefined,
  );
  for (const group of groupsOfPairs(photos.length, bursts)) {
    const gaps = bursts.filter((p) => group.includes(p.a)).map((p) => p.seconds);
    const members = group.map((i) => photos[i]!);
    const times = members.map((m) => takenAtMs(m.takenAt)!);
    const span = (Math.max(...times) - Math.min(...times)) / 1000;
    ordered(
      members,
      'burst',
      `one scene: ${members.length} photos taken within ${span.toFixed(span < 10 ? 1 : 0)} s (gaps ${range(gaps, 1)} s)`,
    );
  }
  return groups;
}
