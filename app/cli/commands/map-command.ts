import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EidosError } from '../../contract/errors.ts';
import { stringOption, type Command } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, withEngine } from '../engine-options.ts';
import { mapProgressReporter } from '../map-progress.ts';

export const mapCommand: Command = {
  usage: '[--png file] [--json] [--relayout] [--seed n] [--size px]',
  help: [
    'The map of the library: every indexed photo placed in 2-D by UMAP on the model embeddings, so photos the',
    'model sees alike sit together, with regions named by the concepts that set them apart (bits of MI).',
    'The map is stored in the index; photos indexed later are placed onto it, and it is laid out afresh when',
    'a fifth of it has changed since, or with --relayout. A layout shows its progress and time to go;',
    'Ctrl-C cancels it and leaves the stored map as it was.',
    '',
    'options:',
    '  --png <file>   write the picture: a dot per photo coloured by region, with the region names',
    '  --size <px>    the picture is px × px (default 1600)',
    '  --relayout     lay the map out afresh instead of placing new photos onto the stored one',
    '  --seed <n>     the layout seed (default: the stored map seed, else 1); a new seed lays it out afresh',
    '  --json         the coordinates: every photo with its path, x, y (0–1, y down) and region; the regions',
    ...engineOptionHelp,
  ].join('\n'),
  options: {
    ...engineOptionSpec,
    png: { type: 'string' },
    size: { type: 'string' },
    relayout: { type: 'boolean' },
    seed: { type: 'string' },
  },
  async run(args, io) {
    const png = stringOption(args, 'png');
    const size = Number(stringOption(args, 'size') ?? 1600);
    if (!Number.isInteger(size) || size < 200 || size > 8000)
      throw new EidosError('BAD_ARGUMENT', '--size takes a whole number of pixels from 200 to 8000');
    const seedText = stringOption(args, 'seed');
    const seed = seedText === undefined ? undefined : Number(seedText);
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 31))
      throw new EidosError('BAD_ARGUMENT', '--seed takes a whole number from 0 to 2147483647');
    return withEngine(
      args,
      async (engine) => {
        // A first layout of a large library takes a while: its progress on stderr, Ctrl-C cancels it.
        const cancel = (): void => void engine.mapJob.cancel();
        process.once('SIGINT', cancel);
        const map = await engine
          .map(
            { ...(args.values.relayout ? { relayout: true } : {}), ...(seed !== undefined ? { seed } : {}) },
            mapProgressReporter(io, Boolean(args.json)),
          )
          .finally(() => process.off('SIGINT', cancel));
        if (png !== undefined) {
          const { mapPicture } = await import('../../service/map-picture.ts');
          writeFileSync(resolve(png), await mapPicture(map, size));
        }
        if (args.json) {
          const paths = engine.store.photoRows(map.ids.map(Number)).map((row) => row.path);
          const photos = map.ids.map((id, i) => ({
            id,
            path: paths[i],
            x: map.xy[2 * i],
            y: map.xy[2 * i + 1],
            region: map.region[i],
          }));
          io.out(
            JSON.stringify({ model: map.model, seed: map.seed, layout: map.layout, regions: map.regions, photos }),
          );
          return 0;
        }
        const { layout } = map;
        const did = {
          stored: 'stored map',
          placed: `placed new photos onto the stored map`,
          'laid-out': 'laid out afresh',
        }[layout.action];
        io.out(
          `${map.ids.length} photos, ${map.regions.length} regions (${map.model}, seed ${map.seed}; ${did} in ${(map.elapsedMs / 1000).toFixed(1)} s)`,
        );
        io.out(
          `drift ${(100 * layout.drift).toFixed(1)} % of the ${layout.laidOut} laid out (${layout.placed} placed, ${layout.removed} removed since ${layout.computedAt}); re-laid out above ${100 * layout.relayoutAbove} %`,
        );
        for (const region of [...map.regions].sort((a, b) => b.photos - a.photos)) {
          const names = region.concepts.map((c) => `${c.name} (${c.bits.toFixed(2)} bits)`).join(', ');
          io.out(`  ${String(region.photos).padStart(7)}  ${names || '(no concept beyond chance)'}`);
        }
        if (png !== undefined) io.out(`picture: ${resolve(png)}`);
        return 0;
      },
      { readonly: 'if-locked', inference: 'this-thread' },
    );
  },
};
