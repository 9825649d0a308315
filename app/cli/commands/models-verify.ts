import type { Command } from '../command.ts';
import { EidosError } from '../../contract/errors.ts';
import { listModels, verifyModel, type ModelCheck } from '../../service/models.ts';

export const modelsVerifyCommand: Command = {
  usage: '[<id>] [--json]',
  help: [
    'arguments:',
    '  <id>     the model to check (default: every installed model)',
    'options:',
    '  --json   one JSON array of {id, installed, ok, files: [{path, role, status, expectedSha256, actualSha256, …}]}',
    '',
    'File statuses: ok, mismatch (changed or damaged: fetch or import it again), missing, unpinned (no hash to check against).',
    'Exits with 1 when any file is not ok.',
  ].join('\n'),
  options: {},
  async run(args, io) {
    if (args.positionals.length > 1) throw new EidosError('BAD_ARGUMENT', 'models verify takes at most one model id.');
    const ids =
      args.positionals.length === 1
        ? args.positionals
        : (await listModels()).filter((m) => m.installed).map((m) => m.id);
    const checks: ModelCheck[] = [];
    for (const id of ids) checks.push(await verifyModel(id));
    if (args.json) {
      io.out(JSON.stringify(checks, null, 2));
    } else if (checks.length === 0) {
      io.out("no model is installed; run 'eidos models fetch' or 'eidos models import <folder>'.");
    } else {
      for (const check of checks) {
        io.out(`${check.id}: ${check.ok ? 'ok' : check.installed ? 'FAILED' : 'not installed'}`);
        if (!check.installed) continue;
        for (const f of check.files) {
          const detail =
            f.status === 'mismatch'
              ? ` (got ${f.actualSha256}, expected ${f.expectedSha256})`
              : f.status === 'unpinned'
                ? ` (sha256 ${f.actualSha256})`
                : '';
          io.out(`  ${f.status.padEnd(8)} ${f.path}${detail}`);
        }
      }
    }
    return checks.length > 0 && checks.every((c) => c.ok)
      ? 0
      : checks.length === 0 && args.positionals.length === 0
        ? 0
        : 1;
  },
};
