/**
 * `labels.csv` of a synthetic photo set: one row a photo, RFC 4180 quoting (descriptions hold commas).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EidosError } from '../../app/contract/errors.ts';

export const LABEL_COLUMNS = [
  'relative_path',
  'description',
  'background',
  'objects',
  'colours',
  'width',
  'height',
] as const;

export interface LabelRow {
  /** `/`-separated, relative to the set's folder. */
  relative_path: string;
  /** A query that should rank this photo first in its set, e.g. "red top left, green background". */
  description: string;
  background: string;
  /** `red:disc:top-left;blue:rect:bottom-right`. */
  objects: string;
  /** Every colour present (background included), `;`-separated, palette order. */
  colours: string;
  width: number;
  height: number;
}

function quote(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns: readonly (keyof LabelRow)[], rows: readonly LabelRow[]): string {
  return [columns.join(','), ...rows.map((row) => columns.map((c) => quote(row[c])).join(','))].join('\n') + '\n';
}

function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields;
}

/** Reads `<dir>/labels.csv` as written by `writePhotoSet`. */
export function readLabels(dir: string): LabelRow[] {
  const file = join(dir, 'labels.csv');
  const [header, ...lines] = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  if (header !== LABEL_COLUMNS.join(',')) {
    throw new EidosError(
      'UNREADABLE',
      `${file} does not start with the header "${LABEL_COLUMNS.join(',')}"; regenerate it with \`npm run synth\`.`,
      { file },
    );
  }
  return lines.map((line, i) => {
    const f = parseCsvLine(line);
    if (f.length !== LABEL_COLUMNS.length) {
      throw new EidosError(
        'UNREADABLE',
        `${file} line ${i + 2} has ${f.length} fields, expected ${LABEL_COLUMNS.length}; regenerate it with \`npm run synth\`.`,
        { file },
      );
    }
    return {
      relative_path: f[0]!,
      description: f[1]!,
      background: f[2]!,
      objects: f[3]!,
      colours: f[4]!,
      width: Number(f[5]),
      height: Number(f[6]),
    };
  });
}
