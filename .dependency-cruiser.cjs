/**
 * The floors of the code base (docs/architecture.md), checked on every `npm test`: an import that runs
 * back up a floor fails the build. From the bottom: the contract (API table, types, validation, errors,
 * query language) imports nothing else of Eidos; domain folders (library, image, encoders, store, search,
 * mi, explain, indexer, models, tokenizer, kernels, evaluation, alignment, map, duplicates, places, video, ocr) import the contract, util and each other,
 * never back up the few directions fixed below (generators under app/models, app/models under app/encoders,
 * app/search under app/evaluation); the one
 * application service (app/service) is the only thing the doors use; the doors (app/cli, app/server,
 * main) sit on top; the renderer sees only the contract.
 */
const domain =
  '^app/(library|image|video|encoders|store|search|mi|explain|indexer|models|tokenizer|kernels|workers|evaluation|alignment|map|duplicates|places|ocr)/';
const doors = '^(app/cli|app/server|main)/';

module.exports = {
  forbidden: [
    {
      name: 'contract-imports-only-contract',
      comment:
        'The contract is the bottom floor: the renderer, main and the engine all import it, so it imports no other part of Eidos.',
      severity: 'error',
      from: { path: '^app/contract/' },
      to: { path: '^(app|main|renderer|native|models)/', pathNot: '^app/contract/' },
    },
    {
      name: 'renderer-imports-only-contract',
      comment: 'The UI runs in a sandboxed page and talks to the engine only through the typed API.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(app|main|native|models)/', pathNot: '^app/contract/' },
    },
    {
      name: 'domain-does-not-import-service-or-doors',
      comment: 'Domain code knows nothing of who calls it.',
      severity: 'error',
      from: { path: domain },
      to: { path: ['^app/service/', doors] },
    },
    {
      name: 'util-is-a-leaf',
      comment: 'Small helpers (paths, containment, random numbers) import only the contract and each other.',
      severity: 'error',
      from: { path: '^app/util/' },
      to: { path: '^(app|main|renderer)/', pathNot: '^app/(util|contract)/' },
    },
    {
      name: 'generators-sit-below-the-engine',
      comment:
        'The generators in models/ write model files and photos; app/models loads them on demand, so they import only the contract, util and resources (the ONNX format they write lives with them, in models/onnx/).',
      severity: 'error',
      from: { path: '^models/' },
      to: { path: '^(app|main|renderer|native)/', pathNot: ['^app/(contract|util)/', '^app/(resources|paths)\\.ts$'] },
    },
    {
      name: 'models-below-encoders',
      comment:
        'The encoders run what the model store holds (app/encoders imports app/models), so the store never reaches up into the encoders: which execution provider a machine runs is app/models/platform-default.ts.',
      severity: 'error',
      from: { path: '^app/models/' },
      to: { path: '^app/encoders/' },
    },
    {
      name: 'search-below-evaluation',
      comment:
        'Evaluation measures search (app/evaluation imports app/search); search never imports the evaluation, so `eidos eval --dataset` lives in app/evaluation/dataset-eval.ts.',
      severity: 'error',
      from: { path: '^app/search/' },
      to: { path: '^app/evaluation/' },
    },
    {
      name: 'service-does-not-import-doors',
      severity: 'error',
      from: { path: '^app/service/' },
      to: { path: doors },
    },
    {
      name: 'doors-use-only-the-service',
      comment:
        'The CLI, the loopback bridge and Electron main call the one application service, never a domain folder (the store, the search service…) directly.',
      severity: 'error',
      from: { path: doors },
      to: { path: domain },
    },
    {
      name: 'doors-do-not-import-each-other',
      severity: 'error',
      from: { path: '^app/cli/' },
      to: { path: '^(app/server|main)/', pathNot: '^app/server/(bridge|local-socket|local-socket-client)\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(app|main|renderer)/' },
      to: { circular: true },
    },
    {
      name: 'engine-never-imports-electron',
      comment: 'The engine runs under plain Node (CLI, serve, tests) as well as in Electron.',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: '^electron$|node_modules/electron/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|dist-electron|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte'] },
  },
};
