import { stringOption, type Command, type Io, type ParsedArgs } from '../command.ts';
import { EidosError } from '../../contract/errors.ts';
import {
  evaluateDataset,
  evaluateEmbeddingFiles,
  pairedAlignmentLine,
  RECALL_AT,
} from '../../service/evaluate-dataset.ts';
import { engineOptionHelp, engineOptionSpec, modelChoice } from '../engine-options.ts';

/** OpenAI CLIP's logit scale (exp of its learned temperature, 100). */
const DEFAULT_TAU = 100;

/** `--embeddings`: the product's scorer on precomputed .npy embeddings, no model or index needed. */
async function evalEmbeddings(args: ParsedArgs, io: Io): Promise<number> {
  const folder = stringOption(args, 'embeddings')!;
  const images = stringOption(args, 'images');
  const queries = stringOption(args, 'queries');
  if (images === undefined || queries === undefined)
    throw new EidosError(
      'BAD_ARGUMENT',
      'eidos eval --embeddings <folder> needs --images <file> and --queries <file> (.npy).',
    );
  const tau = Number(stringOption(args, 'tau') ?? DEFAULT_TAU);
  if (!(tau > 0) || !Number.isFinite(tau))
    throw new EidosError(
      'BAD_ARGUMENT',
      `--tau must be the model's positive logit scale, got '${stringOption(args, 'tau')}'.`,
    );
  const bank = stringOption(args, 'bank');
  const { report, files, lines } = await evaluateEmbeddingFiles(
    { folder, images, queries, ...(bank !== undefined ? { bank } : {}) },
    tau,
  );
  if (args.json) io.out(JSON.stringify({ ...report, files }));
  else for (const line of lines) io.out(line);
  return 0;
}

export const evalCommand: Command = {
  usage:
    '--dataset <folder with labels.csv> [--model <id>] [--json] | --embeddings <folder> --images <file> --queries <file> [--bank <file>] [--tau N] [--json]',
  help: [
    'With --embeddings: the scorer of eidos search (kernels, image prior, full PMI) on .npy files (float32 or',
    'float16, rows × d, any norm). Row i of --queries belongs to row i of --images; --bank stands in for the',
    "prior's concept prompts (without it the prior is uniform). Prints R@1/5/10, median and mean rank of the",
    "query's image, queries gained and lost against cosine at R@1 (McNemar, exact binomial), and hubness",
    '(skewness of the top-10 occurrence N10, images in no top 10).',
    '',
    "Both modes also report how alike the model's image and text sides arrange the pairs (each image with its",
    'query, or with the first description or label naming it): mutual 10-NN alignment (Huh et al. 2024) with',
    'its chance level k/(n − 1) and a 95 % percentile bootstrap interval (1000 resamples, seed 1), and linear CKA.',
    '',
    'Queries come from labels.csv: the description column (synthetic sets), else "a photo of a {label}"',
    '(ImageNet-style). A folder already in the library is scored in place; otherwise it is indexed',
    'into a temporary data folder that is deleted afterwards (the installed models are shared).',
    '',
    'options:',
    '  --dataset <folder>  the labelled photo folder',
    '  --embeddings <dir>  folder of .npy files (--images, --queries, --bank are relative to it)',
    `  --tau <N>           the model's logit scale for --embeddings (default ${DEFAULT_TAU})`,
    ...engineOptionHelp,
    '  --json              the report as JSON',
  ].join('\n'),
  options: {
    ...engineOptionSpec,
    dataset: { type: 'string' },
    embeddings: { type: 'string' },
    images: { type: 'string' },
    queries: { type: 'string' },
    bank: { type: 'string' },
    tau: { type: 'string' },
  },
  async run(args, io) {
    if (stringOption(args, 'embeddings') !== undefined) return evalEmbeddings(args, io);
    const dataset = stringOption(args, 'dataset') ?? args.positionals[0];
    if (!dataset)
      throw new EidosError(
        'BAD_ARGUMENT',
        'eidos eval needs --dataset <folder with labels.csv> (or --embeddings <folder>).',
      );
    const report = await evaluateDataset(modelChoice(args), dataset, {
      onStart: (what) => {
        if (!args.json)
          io.err(
            `evaluating ${what.photos} photos, ${what.queries} queries (${what.queryColumn} column) in ${what.where}`,
          );
      },
      onIndexing: (done, total) => io.progress(`indexing ${done}/${total}`),
    });
    io.progress('');
    if (args.json) {
      io.out(JSON.stringify(report));
      return 0;
    }
    io.out(`model ${report.model}, ${report.queries} queries over ${report.photos} photos (${report.index} index)`);
    io.out(`            ${RECALL_AT.map((k) => `R@${k}`.padStart(7)).join('')}`);
    for (const ranking of ['cosine', 'pmi'] as const) {
      io.out(
        `${(ranking === 'pmi' ? 'full PMI' : 'cosine').padEnd(12)}${RECALL_AT.map((k) => report[ranking][k]!.toFixed(3).padStart(7)).join('')}`,
      );
    }
    if (report.alignment) io.out(pairedAlignmentLine(report.alignment));
    return 0;
  },
};
