import { searchFields } from '../../contract/api.ts';
import type { SearchResponse } from '../../contract/types.ts';
import { formatMomentTime } from '../../contract/moment-time.ts';
import { EidosError } from '../../contract/errors.ts';
import { quoteQuery } from '../../contract/query-language.ts';
import type { Engine } from '../../service/engine.ts';
import { stringOption, type Command, type ParsedArgs } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, withEngine } from '../engine-options.ts';
import { connectHolder } from '../../server/local-socket-client.ts';
import { dataDir } from '../../paths.ts';

function parseNear(value: string): { lat: number; lon: number; km: number } {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) {
    throw new EidosError('BAD_ARGUMENT', `--near takes lat,lon,km (e.g. --near 48.86,2.35,5), got '${value}'.`);
  }
  const [lat, lon, km] = parts as [number, number, number];
  return { lat, lon, km };
}

/** The CLI flags as the API's search arguments, validated by the same schema as every transport. */
function searchArgs(args: ParsedArgs): unknown {
  const top = stringOption(args, 'top');
  const filters: Record<string, unknown> = {};
  for (const [flag, key] of [
    ['from', 'from'],
    ['to', 'to'],
    ['folder', 'folder'],
    ['camera', 'camera'],
    ['type', 'type'],
    ['place', 'place'],
  ] as const) {
    const value = stringOption(args, flag);
    if (value !== undefined) filters[key] = key === 'folder' ? value.replace(/\/+$/, '') : value;
  }
  if (args.values.gps) filters.hasGps = true;
  const near = stringOption(args, 'near');
  if (near !== undefined) filters.near = parseNear(near);
  const query = args.positionals.join(' ').trim();
  return {
    // `--like` alone searches by the photo (its file is passed beside the request).
    ...(query !== '' ? { query } : {}),
    ...(top !== undefined ? { top: Number(top) } : {}),
    ...(stringOption(args, 'sort') !== undefined ? { sort: stringOption(args, 'sort') } : {}),
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
  };
}

function printText(response: SearchResponse, out: (line: string) => void): void {
  // What the words said beyond a description: each date or place read, as a filter, with its photos.
  for (const r of response.read ?? []) {
    const others = r.alternatives?.length ? `  (or: ${r.alternatives.map((a) => `"${a.words}"`).join(', ')})` : '';
    out(`read: ${r.kind} '${r.source}' → ${r.label}, ${r.photos} ${r.photos === 1 ? 'photo' : 'photos'}${others}`);
  }
  if (response.read?.length)
    out(response.remainder ? `described: ${response.remainder}` : 'described: nothing else (newest first)');
  response.results.forEach((r, k) => {
    // A video is listed at its best moment: `clip.mov @ 0:04`.
    out(
      `${String(k + 1).padStart(4)}  ${r.bits.toFixed(2).padStart(7)} bits  ${r.path}${r.moment ? ` @ ${formatMomentTime(r.moment.timeMs)}` : ''}`,
    );
    // The query's words written in the photo, as read, with what each is worth here.
    if (r.matchedWords)
      out(
        `${' '.repeat(19)}words: ${r.matchedWords.map((w) => `${matchedWord(w)} ${w.bits.toFixed(1)} bits`).join(', ')}`,
      );
  });
  const shown = response.results.length < response.total ? ` (showing ${response.results.length}; --top for more)` : '';
  out(`${response.message}${shown}  query: ${response.queryBits.toFixed(2)} bits, ${response.elapsedMs.toFixed(0)} ms`);
}

/** A word found in a photo: as read there, or, one edit from the query's word, "'walmart' ≈ 'WALMARL' in the photo". */
const matchedWord = (w: { text: string; near?: string }): string =>
  w.near ? `'${quoteQuery(w.near)}' ≈ '${quoteQuery(w.text)}' in the photo` : `'${quoteQuery(w.text)}'`;

/** Searching needs no writer lock; inference runs on this thread (a one-shot command has nothing else to do). */
const withSearchEngine = <T>(args: ParsedArgs, work: (engine: Engine) => Promise<T>): Promise<T> =>
  withEngine(args, work, { readonly: 'if-locked', inference: 'this-thread' });

export const searchCommand: Command = {
  usage: '"<query>" [--top k] [--sort date] [--like <file>] [filters…] [--all]',
  help: [
    'Query language: plain words form one description; "quoted phrase"; +term (must match);',
    'dates and places in the words ("beach in Portugal 2019", "dog last summer", "near Paris") are read',
    'as filters and printed as read: lines; quote them to keep them a description ("\"paris\" hilton").',
    '-term (exclude); weights 2:term, 0.5:"red car"; text:walmart or text:"total 12.50" requires words',
    'written in the photo (-text:… excludes them). A query starting with - needs --:',
    "  eidos search -- '-people snow mountain'",
    'A photo stands out when its score (PMI, corrected for photos that resemble everything) is at least',
    "55% of the query's information about this library, and at least 1 bit (twice as likely as an average photo).",
    'A word of the query written in a photo (read by its text reader) adds its bits, -log2 of the share of',
    'photos whose text holds it; each result lists the words it was found with.',
    '',
    'options:',
    '  --top <k>          results to show (default: the setting, 100 unless changed in Settings)',
    '  --sort date        newest first among the photos that stand out (default: relevance)',
    '  --like <file>      a photo (in the library or not) as the query, alone or with words',
    '  --from <date> --to <date>   taken between (YYYY-MM-DD, inclusive)',
    '  --folder <path>    only this library folder',
    '  --camera <text>    camera make or model contains the text',
    '  --place <name>     taken in this town, region or country (the names `eidos search` shows)',
    '  --type <t>         photo, video, jpeg, heic, png, webp, tiff, raw or other',
    '  --gps              only photos with a position;  --near lat,lon,km  within km of a place',
    '  --all              every photo the terms and filters allow, not only those that stand out',
    ...engineOptionHelp,
    '  --json             the full response (results, per-term bits) as JSON',
  ].join('\n'),
  options: {
    ...engineOptionSpec,
    top: { type: 'string' },
    sort: { type: 'string' },
    like: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    folder: { type: 'string' },
    camera: { type: 'string' },
    place: { type: 'string' },
    type: { type: 'string' },
    gps: { type: 'boolean' },
    near: { type: 'string' },
    all: { type: 'boolean' },
  },
  async run(args, io) {
    const like = stringOption(args, 'like');
    if (args.positionals.join('').trim() === '' && like === undefined) {
      throw new EidosError(
        'BAD_ARGUMENT',
        'eidos search needs a query, e.g. eidos search "kids on a beach at sunset" (or --like <photo>).',
      );
    }
    const request = searchFields.parse(searchArgs(args), 'search');
    const print = (response: SearchResponse): number => {
      if (args.json) io.out(JSON.stringify(response));
      else printText(response, io.out);
      return 0;
    };
    // The process holding the index (the app, `eidos serve`) has the model and the matrix loaded:
    // ask it, unless the request needs what the contract does not carry (a file as the query, --all,
    // another model or provider); searching alone works beside it too, only slower to start.
    const contractOnly = [like, args.values.all, stringOption(args, 'model'), stringOption(args, 'ep')].every(
      (value) => value === undefined,
    );
    const holder = contractOnly ? await connectHolder(dataDir(), { warn: (message) => io.err(message) }) : undefined;
    if (holder) {
      try {
        return print(await holder.call('search', request));
      } finally {
        holder.close();
      }
    }
    return withSearchEngine(args, async (engine) =>
      print(
        await engine.search(request, {
          ...(like !== undefined ? { likeFile: like } : {}),
          all: Boolean(args.values.all),
        }),
      ),
    );
  },
};
