import { resolve } from 'node:path';
import type { Command, Io, ParsedArgs } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, modelChoice } from '../engine-options.ts';
import { EidosError } from '../../contract/errors.ts';
import { embedImage, embedText, type Embedding } from '../../service/model-encoder.ts';

function print(args: ParsedArgs, io: Io, input: string, result: Embedding): void {
  const vector = Array.from(result.embedding, (v) => Number(v.toPrecision(7)));
  if (args.json) {
    io.out(
      JSON.stringify({ model: result.model, provider: result.provider, input, dim: vector.length, embedding: vector }),
    );
  } else {
    const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0));
    io.out(`${result.model} (${result.provider}): ${vector.length}-d, norm ${norm.toFixed(4)}`);
    io.out(
      `[${vector
        .slice(0, 8)
        .map((v) => v.toFixed(4))
        .join(', ')}, …]`,
    );
  }
}

export const embedTextCommand: Command = {
  usage: '"<text>" [--json] [--model <id>]',
  help: ['options:', ...engineOptionHelp, '  --json         {"model","provider","input","dim","embedding":[…]}'].join(
    '\n',
  ),
  options: { ...engineOptionSpec },
  async run(args, io) {
    const text = args.positionals.join(' ');
    if (args.positionals.length === 0)
      throw new EidosError('BAD_ARGUMENT', 'give the text to embed, e.g. eidos embed text "a red car"');
    print(args, io, text, await embedText(modelChoice(args), text));
    return 0;
  },
};

export const embedImageCommand: Command = {
  usage: '<file> [--json] [--model <id>]',
  help: ['options:', ...engineOptionHelp, '  --json         {"model","provider","input","dim","embedding":[…]}'].join(
    '\n',
  ),
  options: { ...engineOptionSpec },
  async run(args, io) {
    const [file] = args.positionals;
    if (!file || args.positionals.length > 1)
      throw new EidosError('BAD_ARGUMENT', 'give exactly one photo file, e.g. eidos embed image photo.jpg');
    const path = resolve(file);
    print(args, io, path, await embedImage(modelChoice(args), path));
    return 0;
  },
};
