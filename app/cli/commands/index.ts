import type { CommandEntry } from '../command.ts';

/** Every CLI command, in the order `eidos --help` lists them. Modules are imported only when used. */
export const commands: CommandEntry[] = [
  {
    path: ['index'],
    summary: 'Add folders to the library and index new or changed photos (incremental, resumable).',
    load: async () => (await import('./index-command.ts')).indexCommand,
  },
  {
    path: ['status'],
    summary: 'Show the index: photos indexed, skipped (by reason), pending, models, folders, size.',
    load: async () => (await import('./status-command.ts')).statusCommand,
  },
  {
    path: ['search'],
    summary: 'Find photos by description; scores are PMI in bits, only photos that stand out are shown.',
    load: async () => (await import('./search-command.ts')).searchCommand,
  },
  {
    path: ['explain'],
    summary: 'Why these results: the features that carry the information behind the top photos, in bits.',
    load: async () => (await import('./explain-command.ts')).explainCommand,
  },
  {
    path: ['text'],
    summary: 'Print the words read in a photo (from the index, or read now), line by line; --words for boxes.',
    load: async () => (await import('./text-command.ts')).textCommand,
  },
  {
    path: ['map'],
    summary: 'The map of the library: photos laid out in 2-D by the model, regions named by concepts (--png, --json).',
    load: async () => (await import('./map-command.ts')).mapCommand,
  },
  {
    path: ['duplicates'],
    summary: 'Exact copies, near-duplicates and bursts in the library, with the photo to keep in each group (--json).',
    load: async () => (await import('./duplicates-command.ts')).duplicatesCommand,
  },
  {
    path: ['eval'],
    summary: 'Measure retrieval on a labelled folder: Recall@1/5/10 of plain cosine and of full PMI.',
    load: async () => (await import('./eval-command.ts')).evalCommand,
  },
  {
    path: ['compare-models'],
    summary: 'How closely two models agree on this library: mutual-kNN alignment, its chance level and interval, CKA.',
    load: async () => (await import('./compare-models.ts')).compareModelsCommand,
  },
  {
    path: ['models', 'list'],
    summary: 'List the models Eidos knows, and which are installed and verified.',
    load: async () => (await import('./models-list.ts')).modelsListCommand,
  },
  {
    path: ['models', 'fetch'],
    summary: 'Download (or generate) a model, check every file by sha256, and install it.',
    load: async () => (await import('./models-fetch.ts')).modelsFetchCommand,
  },
  {
    path: ['models', 'import'],
    summary: 'Install a model from a folder of files copied from another machine (no network).',
    load: async () => (await import('./models-import.ts')).modelsImportCommand,
  },
  {
    path: ['models', 'use'],
    summary: 'Make searches use another installed model: it indexes in the background while the current one answers.',
    load: async () => (await import('./models-use.ts')).modelsUseCommand,
  },
  {
    path: ['models', 'verify'],
    summary: 'Re-check installed model files against their pinned sha256.',
    load: async () => (await import('./models-verify.ts')).modelsVerifyCommand,
  },
  {
    path: ['serve'],
    summary: 'Serve the search UI to a browser on this machine (127.0.0.1 only, per-run token).',
    load: async () => (await import('./serve-command.ts')).serveCommand,
  },
  {
    path: ['embed', 'text'],
    summary: "Print a text's L2-normalised embedding.",
    load: async () => (await import('./embed-command.ts')).embedTextCommand,
  },
  {
    path: ['embed', 'image'],
    summary: "Print a photo's L2-normalised embedding.",
    load: async () => (await import('./embed-command.ts')).embedImageCommand,
  },
  {
    path: ['doctor'],
    summary:
      'Report the platform, the execution provider that actually runs the model, the scoring kernels and the data folder.',
    load: async () => (await import('./doctor-command.ts')).doctorCommand,
  },
];
