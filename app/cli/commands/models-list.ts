import type { Command } from '../command.ts';
import { defaultModelOf, listModels, type ModelListing } from '../../service/models.ts';
import { placementsOfModel } from '../../service/session-placement.ts';
import { formatBytes } from './models-progress.ts';

export const modelsListCommand: Command = {
  usage: '[--json]',
  help: [
    'options:',
    '  --json   one JSON array: id, name, description, licence, licenceUrl, requiresLicenceAcceptance, licenceAccepted,',
    '           card (languages, published retrieval figure and its source, architecture twin, memory and speed',
    '           once measured), source, bytes, pinned, installed, verified, isDefault,',
    '           nodes (per tower, where onnxruntime last put its nodes, as `eidos doctor` or a Core ML session measured)',
    '',
    "'verified' means the files passed a full sha256 check and have not changed since; run 'eidos models verify' to re-check.",
  ].join('\n'),
  options: {},
  async run(args, io) {
    const models = (await listModels()).map((m) => ({
      ...m,
      nodes: m.installed
        ? placementsOfModel(m.id).map((p) => ({
            tower: p.tower,
            provider: p.provider,
            summary: p.summary,
            measuredAt: p.measuredAt,
          }))
        : [],
    }));
    if (args.json) {
      io.out(JSON.stringify(models, null, 2));
      return 0;
    }
    const idWidth = Math.max(...models.map((m) => m.id.length));
    for (const m of models) {
      const state = m.verified ? 'installed, verified' : m.installed ? 'installed, NOT verified' : 'not installed';
      const size = m.bytes === null ? 'size unknown' : formatBytes(m.bytes);
      io.out(
        `${m.isDefault ? '*' : ' '} ${m.id.padEnd(idWidth)}  ${m.name} — ${size}, ${state}${m.pinned ? '' : ', unpinned hashes'}; licence: ${m.licence}`,
      );
      for (const line of cardLines(m)) io.out(`    ${line}`);
      for (const p of m.nodes) io.out(`    ${p.tower}: ${p.summary} (measured ${p.measuredAt.slice(0, 10)})`);
    }
    const choice = defaultModelOf();
    io.out(
      `\n* default model on this machine (${choice.provider === 'coreml' ? 'Core ML' : 'CPU'}): ${choice.id} (${choice.files.join(' + ')}), because ${choice.reason}`,
    );
    return 0;
  },
};

/** The model-table facts of one model: languages, a published retrieval figure, memory, speed, its licence terms. */
function cardLines(m: ModelListing): string[] {
  const lines: string[] = [];
  const card = m.card;
  if (card) {
    lines.push(`languages: ${card.languages}`);
    const r = card.retrieval;
    if (r)
      lines.push(
        `retrieval: zero-shot text→image R@1 ${r.flickr30k === undefined ? '' : `Flickr30k ${r.flickr30k}, `}COCO ${r.coco}` +
          `${r.note === undefined ? '' : `; ${r.note}`} (${r.source})`,
      );
    const weights = m.bytes === null ? '' : ` (about ${formatBytes(m.bytes)} of weights once loaded)`;
    const twin = card.twin === undefined ? '' : ` (measured on its architecture twin ${card.twin}: 'npm run bench')`;
    lines.push(
      `memory: ${card.memoryMb === undefined ? `not measured yet${weights}` : `${card.memoryMb} MB peak while indexing`}; ` +
        `speed: ${card.speed ?? `not measured yet${twin}`}`,
    );
  }
  if (m.requiresLicenceAcceptance)
    lines.push(
      `licence ${m.licenceAccepted ? 'accepted' : 'NOT accepted yet: fetch with --accept-licence to accept it'}: ${m.licenceUrl}`,
    );
  return lines;
}
