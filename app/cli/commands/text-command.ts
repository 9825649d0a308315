import type { Command } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, withEngine } from '../engine-options.ts';
import { EidosError } from '../../contract/errors.ts';

export const textCommand: Command = {
  usage: '<photo> [--words] [--json]',
  help: [
    'Prints the words read in a photo, one line of text per line, top to bottom. A photo the index has',
    'read is answered from the index; any other photo is read now (and not stored).',
    '',
    'options:',
    '  --words   each word with its confidence and its box (x,y of the corners in the displayed photo)',
    '  --json    the whole reading: reader, size, lines and words with boxes and confidences',
    ...engineOptionHelp,
  ].join('\n'),
  options: { ...engineOptionSpec, words: { type: 'boolean' } },
  async run(args, io) {
    const [photo, ...extra] = args.positionals;
    if (!photo || extra.length > 0) throw new EidosError('BAD_ARGUMENT', 'give one photo, e.g. eidos text receipt.jpg');
    return withEngine(
      args,
      async (engine) => {
        const { photoTextOfFile } = await import('../../service/photo-text.ts');
        const result = await photoTextOfFile(engine, photo);
        if ('failed' in result) {
          if (args.json) io.out(JSON.stringify({ failed: result.failed }));
          else io.err(`its text could not be read: ${result.failed}`);
          return 1;
        }
        const { text } = result;
        if (args.json) {
          io.out(JSON.stringify({ source: result.source, ...text }, null, 2));
          return 0;
        }
        if (text.lines.length === 0) io.err('no text found in this photo');
        for (const line of text.lines) {
          if (!args.values.words) {
            io.out(line.text);
            continue;
          }
          for (const word of line.words) {
            const corners = word.quad.map((p) => `${Math.round(p.x)},${Math.round(p.y)}`).join(' ');
            io.out(`${word.text}\t${word.confidence.toFixed(2)}\t${corners}`);
          }
        }
        return 0;
      },
      { readonly: 'if-locked', inference: 'this-thread' },
    );
  },
};
