import type { Command } from '../command.ts';
import { defaultModelFor, listModels, loadManifest } from '../../service/models.ts';
import { placementsOfModel } from '../../service/session-placement.ts';
import { formatBytes } from './models-progress.ts';

export const modelsListCommand: Command = {
  usage: '[--json]',
  help: [
    'options:',
    '  --json   one JSON array: id, name, description, licence, card (languages, memory, published retrieval figure',
    '           and its source, speed measured on the architecture twin), source, bytes, pinned, installed, verified, isDefault,',
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
      if (m.card) {
        io.out(`    languages: ${m.card.languages}`);
        io.out(`    retrieval: ${m.card.retrieval.figure} (${m.card.retrieval.source})`);
        io.out(
          `    memory: ${m.card.memoryMb === undefined ? 'not measured yet' : `${m.card.memoryMb} MB peak while indexing`}; speed: ${m.card.speed ?? 'not measured yet'}`,
        );
      }
      for (const p of m.nodes) io.out(`    ${p.tower}: ${p.summary} (measured ${p.measuredAt.slice(0, 10)})`);
    }
    const choice = defaultModelFor(loadManifest());
    io.out(
      `\n* default model on this machine (${choice.provider === 'coreml' ? 'Core ML' : 'CPU'}): ${choice.id}, because ${choice.reason}`,
    );
    return 0;
  },
};
