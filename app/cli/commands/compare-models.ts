import { stringOption, type Command } from '../command.ts';
import { EidosError } from '../../contract/errors.ts';
import type { ModelComparison } from '../../contract/types.ts';
import { dataDir } from '../../paths.ts';

/** The comparison as lines of text: the figures, then the photos the models disagree on most. */
function comparisonLines(c: ModelComparison, shown: number): string[] {
  const { interval: ci } = c;
  const lines = [
    `${c.a.id} (${c.a.dim}-d) vs ${c.b.id} (${c.b.dim}-d)`,
    c.sample.seed === null
      ? `N = ${c.photos.toLocaleString('en')} photos: every distinct photo both have indexed`
      : `N = ${c.photos.toLocaleString('en')} photos sampled (seed ${c.sample.seed}) of the ${c.sample.of.toLocaleString('en')} both have indexed; the score depends on N (--all: every photo)`,
    `mutual ${c.k}-NN alignment  ${c.mutualKnn.toFixed(4)}   ${Math.round(ci.level * 100)} % interval ${ci.low.toFixed(4)}–${ci.high.toFixed(4)} (percentile bootstrap, ${ci.resamples} resamples of the photos, seed ${ci.seed})`,
    `chance level              ${c.chance.toFixed(4)}   (k/(n − 1): two unrelated models)`,
    `linear CKA                ${c.cka.toFixed(4)}`,
    `neighbours shared         ${c.overlapHistogram.map((count, shared) => `${shared}: ${count}`).join(', ')}`,
  ];
  const missing = Math.max(c.a.photos, c.b.photos) - c.photos;
  if (c.a.photos !== c.b.photos)
    lines.push(
      `(${missing} photos are indexed by only one model: run 'eidos index --model ${c.a.photos < c.b.photos ? c.a.id : c.b.id}' to compare on all of them)`,
    );
  if (shown > 0 && c.disagreements.length > 0) {
    lines.push('', 'photos on which the neighbourhoods disagree most, with their 3 nearest under each model:');
    for (const d of c.disagreements.slice(0, shown)) {
      lines.push(`  ${d.photo.path}   ${d.overlap} of ${c.k} shared`);
      lines.push(
        `    ${c.a.id}: ${d.neighboursA
          .slice(0, 3)
          .map((p) => p.path)
          .join(', ')}, …`,
      );
      lines.push(
        `    ${c.b.id}: ${d.neighboursB
          .slice(0, 3)
          .map((p) => p.path)
          .join(', ')}, …`,
      );
    }
  }
  return lines;
}

export const compareModelsCommand: Command = {
  usage: '<model A> <model B> [--k N] [--sample N | --all] [--show N] [--json]',
  help: [
    'How closely two models that have both indexed this library arrange the same photos. Mutual k-nearest-',
    "neighbour alignment (Huh et al. 2024, 'The Platonic Representation Hypothesis'): the mean over photos of",
    'the share of their k nearest neighbours the two models have in common; 1 = the same neighbourhoods,',
    'k/(n − 1) = chance. With a 95 % percentile bootstrap interval (1000 resamples of the photos, seed 1) and',
    'linear CKA (Kornblith et al. 2019) beside it, then the photos whose neighbourhoods differ most. Index',
    "with a second model first: 'eidos index --model <id>'. A model compared with itself gives exactly 1.",
    '',
    'options:',
    '  --k N      neighbours per photo (default 10, as in the paper)',
    '  --sample N measure on N photos drawn with a fixed seed (default 1024, as in the paper: the score',
    '             depends on N, so it is stated with it); a library with fewer photos uses them all',
    '  --all      measure on every photo both models have indexed',
    '  --show N   list the N photos the models disagree on most (default 5)',
    '  --json     everything as one JSON object (disagreements with their neighbours on both sides)',
  ].join('\n'),
  options: { k: { type: 'string' }, show: { type: 'string' }, sample: { type: 'string' }, all: { type: 'boolean' } },
  async run(args, io) {
    const [a, b, ...rest] = args.positionals;
    if (a === undefined || b === undefined || rest.length > 0)
      throw new EidosError(
        'BAD_ARGUMENT',
        'eidos compare-models needs exactly two model ids, e.g. synthetic-tiny synthetic-tiny-left.',
      );
    const whole = (name: string, fallback: number, min: number): number => {
      const text = stringOption(args, name);
      const value = text === undefined ? fallback : Number(text);
      if (!Number.isInteger(value) || value < min)
        throw new EidosError('BAD_ARGUMENT', `--${name} takes a whole number of at least ${min}, got '${text}'.`);
      return value;
    };
    const { compareModelsIn, DEFAULT_SAMPLE } = await import('../../service/compare-models.ts');
    const k = whole('k', 10, 1);
    const show = whole('show', 5, 0);
    const all = args.values.all === true;
    if (all && stringOption(args, 'sample') !== undefined)
      throw new EidosError('BAD_ARGUMENT', '--sample N and --all cannot be used together: --all takes every photo.');
    const sample = whole('sample', DEFAULT_SAMPLE, k + 2);
    const comparison = await compareModelsIn(dataDir(), { a, b, k, ...(all ? { all } : { sample }) });
    if (args.json) io.out(JSON.stringify(comparison));
    else for (const line of comparisonLines(comparison, show)) io.out(line);
    return 0;
  },
};
