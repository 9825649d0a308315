import type { Command } from '../command.ts';
import { EidosError } from '../../contract/errors.ts';
import { evaluateDataset, RECALL_AT } from '../../service/evaluate-dataset.ts';
import { engineOptionHelp, engineOptionSpec, modelChoice } from '../engine-options.ts';

export const evalCommand: Command = {
  usage: '--dataset <folder with labels.csv> [--model <id>] [--json]',
  help: [
    'Queries come from labels.csv: the description column (synthetic sets), else "a photo of a {label}"',
    "(ImageNet-style). A folder already in the library is scored in place; otherwise it is indexed",
    'into a temporary data folder that is deleted afterwards (the installed models are shared).',
    '',
    'options:',
    '  --dataset <folder>  the labelled photo folder',
    ...engineOptionHelp,
    '  --json              the report as JSON',
  ].join('\n'),
  options: { ...engineOptionSpec, dataset: { type: 'string' } },
  async run(args, io) {
    const dataset = typeof args.values.dataset === 'string' ? args.values.dataset : args.positionals[0];
    if (!dataset) throw new EidosError('BAD_ARGUMENT', 'eidos eval needs --dataset <folder with labels.csv>.');
    const report = await evaluateDataset(modelChoice(args), dataset, {
      onStart: (what) => {
        if (!args.json) io.err(`evaluating ${what.photos} photos, ${what.queries} queries (${what.queryColumn} column) in ${what.where}`);
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
      io.out(`${(ranking === 'pmi' ? 'full PMI' : 'cosine').padEnd(12)}${RECALL_AT.map((k) => report[ranking][k]!.toFixed(3).padStart(7)).join('')}`);
    }
    return 0;
  },
};
