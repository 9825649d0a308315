import type { DuplicatesReport } from '../../contract/duplicates.ts';
import type { Command } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, withEngine } from '../engine-options.ts';

const TIER_TITLE = { exact: 'Exact copies', near: 'Near-duplicates', burst: 'Bursts' } as const;

function reportLines(report: DuplicatesReport): string[] {
  const count = (tier: keyof typeof TIER_TITLE, one: string, many: string) => {
    const n = report.groups.filter((g) => g.tier === tier).length;
    return `${n} ${n === 1 ? one : many}`;
  };
  const lines = [
    `${report.photos} photos: ${count('exact', 'group of exact copies', 'groups of exact copies')}, ` +
      `${count('near', 'group of near-duplicates', 'groups of near-duplicates')}, ${count('burst', 'burst', 'bursts')}` +
      (report.fingerprints.made > 0 ? ` (${report.fingerprints.made} photos fingerprinted now)` : ''),
  ];
  if (report.fingerprints.failed > 0)
    lines.push(`${report.fingerprints.failed} photos could not be read for a fingerprint`);
  for (const tier of ['exact', 'near', 'burst'] as const) {
    const groups = report.groups.filter((g) => g.tier === tier);
    if (groups.length === 0) continue;
    lines.push('', `${TIER_TITLE[tier]}:`);
    for (const group of groups) {
      lines.push(`  ${group.evidence}`);
      for (const member of group.members)
        lines.push(`    ${member.keep ? 'keep ' : 'trash'} ${member.path}   ${member.reason}`);
    }
  }
  return lines;
}

export const duplicatesCommand: Command = {
  usage: '[--json]',
  help: [
    'The photos of this library that are copies of one another, in three tiers never mixed:',
    '  exact            the same file content at several paths',
    '  near-duplicates  the same picture resized, recompressed, cropped a little (up to 10 %), straightened a',
    '                   few degrees, lightly edited or converted (HEIC ↔ JPEG), by pixel fingerprint',
    '  bursts           one scene taken seconds apart (capture time, one camera, alike pixels)',
    'Each group names the photo to keep (largest, then sharpest, then the original format, then the',
    'earliest) and why. Nothing is moved: the Duplicates view moves the others to the trash, with undo.',
    'The first run on a library indexed before fingerprints existed reads each photo once.',
    '',
    'options:',
    '  --json     the groups as one JSON object',
    ...engineOptionHelp,
  ].join('\n'),
  options: { ...engineOptionSpec },
  async run(args, io) {
    return withEngine(
      args,
      async (engine) => {
        const { findLibraryDuplicates } = await import('../../service/duplicates.ts');
        const report = await findLibraryDuplicates(engine);
        if (args.json) io.out(JSON.stringify(report));
        else for (const line of reportLines(report)) io.out(line);
        return 0;
      },
      { readonly: 'if-locked', inference: 'this-thread' },
    );
  },
};
