import { resolve } from 'node:path';
import type { Command, ParsedArgs } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, engineOptions } from '../engine-options.ts';
import { Encoder } from '../../encoders/encoder.ts';
import { chooseModel } from '../../service/active-model.ts';
import { readSettings } from '../../service/settings.ts';
import { EidosError } from '../../contract/errors.ts';
import { preprocessForModel } from '../../image/preprocess.ts';
import { modelsDir } from '../../paths.ts';

async function withEncoder<T>(args: ParsedArgs, tower: 'vision' | 'text', work: (encoder: Encoder) => Promise<T>): Promise<T> {
  const options = engineOptions(args);
  const settings = readSettings(options.home);
  const { model, dir } = chooseModel([options.model, settings.model || undefined], { modelsDir: modelsDir(options.home) });
  const encoder = await Encoder.open({ model, modelDir: dir, towers: [tower], ...(options.provider ? { provider: options.provider } : {}) });
  try {
    return await work(encoder);
  } finally {
    await encoder.close();
  }
}

function print(args: ParsedArgs, io: Parameters<Command['run']>[1], encoder: Encoder, input: string, data: Float32Array): void {
  const vector = Array.from(data, (v) => Number(v.toPrecision(7)));
  if (args.json) {
    io.out(JSON.stringify({ model: encoder.model.id, provider: encoder.provider, input, dim: vector.length, embedding: vector }));
  } else {
    const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0));
    io.out(`${encoder.model.id} (${encoder.provider}): ${vector.length}-d, norm ${norm.toFixed(4)}`);
    io.out(`[${vector.slice(0, 8).map((v) => v.toFixed(4)).join(', ')}, …]`);
  }
}

export const embedTextCommand: Command = {
  path: ['embed', 'text'],
  summary: "Print a text's L2-normalised embedding.",
  usage: '"<text>" [--json] [--model <id>]',
  help: ['options:', ...engineOptionHelp, '  --json         {"model","provider","input","dim","embedding":[…]}'].join('\n'),
  options: { ...engineOptionSpec },
  async run(args, io) {
    const text = args.positionals.join(' ');
    if (args.positionals.length === 0) throw new EidosError('BAD_ARGUMENT', 'give the text to embed, e.g. eidos embed text "a red car"');
    return withEncoder(args, 'text', async (encoder) => {
      const out = await encoder.embedTexts([text]);
      print(args, io, encoder, text, out.data);
      return 0;
    });
  },
};

export const embedImageCommand: Command = {
  path: ['embed', 'image'],
  summary: "Print a photo's L2-normalised embedding.",
  usage: '<file> [--json] [--model <id>]',
  help: ['options:', ...engineOptionHelp, '  --json         {"model","provider","input","dim","embedding":[…]}'].join('\n'),
  options: { ...engineOptionSpec },
  async run(args, io) {
    const [file] = args.positionals;
    if (!file || args.positionals.length > 1) throw new EidosError('BAD_ARGUMENT', 'give exactly one photo file, e.g. eidos embed image photo.jpg');
    const path = resolve(file);
    return withEncoder(args, 'vision', async (encoder) => {
      const pixels = await preprocessForModel(path, encoder.model.preprocess);
      const out = await encoder.embedImages(pixels, 1);
      print(args, io, encoder, path, out.data);
      return 0;
    });
  },
};
