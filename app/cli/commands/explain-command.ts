import type { Command } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, withEngine } from '../engine-options.ts';
import { EidosError } from '../../contract/errors.ts';

export const explainCommand: Command = {
  usage: '"<query>" [--features concepts|dims] [--k m] [--json]',
  help: [
    'Labels the top results of the query against a background sample of the library, estimates the mutual',
    'information I(feature; top) of every concept (or raw embedding dimension), and selects the m most',
    'informative greedily by conditional MI (CMIM), so features that repeat an earlier one drop out.',
    '',
    'options:',
    '  --features concepts|dims   concept prompts (default, readable) or raw embedding dimensions',
    '  --k m                      how many features to select (default 8)',
    ...engineOptionHelp,
  ].join('\n'),
  options: { ...engineOptionSpec, features: { type: 'string' }, k: { type: 'string' } },
  async run(args, io) {
    const query = args.positionals.join(' ').trim();
    if (!query) throw new EidosError('BAD_ARGUMENT', 'give a query, e.g. eidos explain "red top left"');
    const features = args.values.features ?? 'concepts';
    if (features !== 'concepts' && features !== 'dims')
      throw new EidosError('BAD_ARGUMENT', '--features takes concepts or dims');
    const k = args.values.k === undefined ? undefined : Number(args.values.k);
    if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > 50))
      throw new EidosError('BAD_ARGUMENT', '--k takes a whole number from 1 to 50');
    // Read-only while another process indexes: the explanation covers what it has committed.
    return withEngine(
      args,
      async (engine) => {
        const result = await engine.explain({ query, features, ...(k ? { k } : {}) });
        if (args.json) {
          io.out(JSON.stringify(result, null, 2));
          return 0;
        }
        io.out(
          `"${query}": ${result.queryBits.toFixed(2)} bits of query information; top ${result.positives} vs ${result.background} background photos (H(Y) = ${result.labelEntropyBits.toFixed(3)} bits)`,
        );
        io.out(`InfoNCE bound on the top results: ${result.infoNceBits.toFixed(2)} bits`);
        io.out('');
        const width = Math.max(8, ...result.features.map((f) => f.name.length));
        io.out(`  ${'feature'.padEnd(width)}   I(F;Y)   gain  cumulative        p  in top results`);
        for (const f of result.features) {
          io.out(
            `  ${f.name.padEnd(width)}  ${f.bits.toFixed(3).padStart(6)}  ${f.gainBits.toFixed(3).padStart(5)}  ${f.cumulativeBits.toFixed(3).padStart(10)}  ${f.pValue.toExponential(1).padStart(7)}  ${f.direction}`,
          );
        }
        if (result.features.length === 0)
          io.out('  (no feature separates the top results from the rest beyond chance)');
        io.out(`\n${result.estimator}; ${result.elapsedMs.toFixed(0)} ms`);
        return 0;
      },
      { readonly: 'if-locked', inference: 'this-thread' },
    );
  },
};
