/**
 * SigLIP 2's tokenizer path run from a release folder: bundled by the packaged test into the release's
 * `dist/workers/` with @huggingface/tokenizers left external, so the library is found exactly as the
 * encoder worker bundle beside it finds it (the release's node_modules). Prints one JSON object:
 * `node gemma-probe.mjs <tokenizer.json> <texts.json>`.
 */
import { readFileSync } from 'node:fs';
import { GemmaTokenizer } from '../../../app/tokenizer/gemma-tokenizer.ts';

const [tokenizerJson, textsFile] = process.argv.slice(2) as [string, string];
const texts = JSON.parse(readFileSync(textsFile, 'utf8')) as string[];
const tokenizer = GemmaTokenizer.fromFiles(tokenizerJson, undefined, { lowercase: true, padId: 0 });
console.log(
  JSON.stringify({
    library: import.meta.resolve('@huggingface/tokenizers'),
    ids: texts.map((text) => tokenizer.encode(text, 64)),
  }),
);
