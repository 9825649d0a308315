/**
 * Reads the outline of an ONNX file without loading its weights: IR version, opsets, graph inputs and
 * outputs (names, element types, dims), op types, and every initializer's declared shape against the
 * bytes it holds. Used to check a model before installing it, so a truncated file, a tensor declaring
 * an absurd size or a graph with other inputs than the manifest's is refused with a message naming the
 * file and the problem, instead of failing later inside onnxruntime.
 *
 * It walks the protobuf wire format (https://protobuf.dev/programming-guides/encoding/) reading the
 * file through a small window, skipping over tensor data: memory stays small whatever the file's size.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { EidosError } from '../contract/errors.ts';
import { ELEM_BYTES_BY_CODE, elemTypeName, FIELD, WIRE } from '../../models/onnx/onnx-format.ts';

export interface OnnxValueInfo {
  name: string;
  elemType: string;
  /** A number for a fixed dim, a string for a symbolic one (`batch_size`), null when absent. */
  dims: Array<number | string | null>;
}

export interface OnnxOutline {
  irVersion: number;
  opsets: Array<{ domain: string; version: number }>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** The graph's `value_info`: shapes the exporter recorded for intermediate values. */
  valueInfo: OnnxValueInfo[];
  /** How many nodes of each op type the main graph has. */
  opTypes: Record<string, number>;
  initializerCount: number;
  /** Elements in all initializers. */
  initializerElements: number;
}

const WINDOW = 1 << 16;

/** Positional reads through one cached window. */
export class FileBytes {
  private readonly window = Buffer.alloc(WINDOW);
  private start = 0;
  private end = 0;
  readonly size: number;

  constructor(private readonly fd: number) {
    this.size = fstatSync(fd).size;
  }

  byte(pos: number): number {
    if (pos < this.start || pos >= this.end) {
      this.start = pos;
      this.end = pos + readSync(this.fd, this.window, 0, WINDOW, pos);
    }
    return this.window[pos - this.start] as number;
  }

  slice(from: number, to: number): Buffer {
    const out = Buffer.alloc(to - from);
    readSync(this.fd, out, 0, out.length, from);
    return out;
  }
}

/** A file that is not sound ONNX; its message says where and why. */
export class Damaged extends Error {}

export type FieldValue =
  | { wire: typeof WIRE.varint; value: number }
  | { wire: typeof WIRE.lengthDelimited; start: number; end: number }
  | { wire: typeof WIRE.fixed32 | typeof WIRE.fixed64 };

function readVarint(src: FileBytes, pos: number, end: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new Damaged(`a number at byte ${pos} runs past the end of its message`);
    const byte = src.byte(pos++);
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return [value, pos];
  }
  throw new Damaged(`a number at byte ${pos} is longer than 10 bytes`);
}

/** Calls `visit` for each field of the message in [start, end), with the bytes the whole field spans (tag included). */
export function fields(
  src: FileBytes,
  start: number,
  end: number,
  visit: (field: number, value: FieldValue, span: { from: number; to: number }) => void,
): void {
  let pos = start;
  while (pos < end) {
    const tagStart = pos;
    const [tag, afterTag] = readVarint(src, pos, end);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    pos = afterTag;
    if (wire === WIRE.varint) {
      const [value, next] = readVarint(src, pos, end);
      pos = next;
      visit(field, { wire, value }, { from: tagStart, to: next });
    } else if (wire === WIRE.lengthDelimited) {
      const [length, next] = readVarint(src, pos, end);
      if (next + length > end)
        throw new Damaged(
          `field ${field} at byte ${next} declares ${length} bytes but only ${end - next} remain: the file is truncated or damaged`,
        );
      visit(field, { wire, start: next, end: next + length }, { from: tagStart, to: next + length });
      pos = next + length;
    } else if (wire === WIRE.fixed32 || wire === WIRE.fixed64) {
      pos += wire === WIRE.fixed32 ? 4 : 8;
      if (pos > end)
        throw new Damaged(`field ${field} runs past the end of its message: the file is truncated or damaged`);
      visit(field, { wire }, { from: tagStart, to: pos });
    } else {
      throw new Damaged(
        `byte ${afterTag - 1} holds wire type ${wire}, which ONNX never writes: the file is damaged or not ONNX`,
      );
    }
  }
}

export const text = (src: FileBytes, v: FieldValue): string =>
  v.wire === WIRE.lengthDelimited ? src.slice(v.start, v.end).toString('utf8') : '';

/** Varints of a repeated integer field, packed or not. */
function integers(src: FileBytes, v: FieldValue, into: number[]): void {
  if (v.wire === WIRE.varint) into.push(v.value);
  else if (v.wire === WIRE.lengthDelimited) {
    let pos = v.start;
    while (pos < v.end) {
      const [value, next] = readVarint(src, pos, v.end);
      into.push(value);
      pos = next;
    }
  }
}

/** Interprets a varint as a signed int64 (dims are never that large; negatives mean damage). */
const signed = (value: number): number => (value >= 2 ** 63 ? value - 2 ** 64 : value);

function checkTensor(src: FileBytes, start: number, end: number): number {
  const dims: number[] = [];
  let dataType = 0;
  let name = '(unnamed)';
  let held: number | undefined;
  let external = false;
  const f = FIELD.tensor;
  fields(src, start, end, (field, v) => {
    if (field === f.dims) integers(src, v, dims);
    else if (field === f.dataType && v.wire === WIRE.varint) dataType = v.value;
    else if (field === f.name) name = text(src, v);
    else if (field === f.dataLocation && v.wire === WIRE.varint) external = v.value === 1;
    else if (field === f.rawData && v.wire === WIRE.lengthDelimited)
      held = (held ?? 0) + (v.end - v.start) / (ELEM_BYTES_BY_CODE.get(dataType) ?? 1);
    // float_data, int32_data, int64_data, double_data, uint64_data: packed or one value per tag
    else if ([4, 5, 7, 10, 11].includes(field)) {
      const width = field === 4 ? 4 : field === 10 ? 8 : 0;
      if (v.wire === WIRE.lengthDelimited && width > 0) held = (held ?? 0) + (v.end - v.start) / width;
      else if (v.wire === WIRE.lengthDelimited) held = (held ?? 0) + countVarints(src, v.start, v.end);
      else held = (held ?? 0) + 1;
    }
  });
  const shape = `[${dims.map(signed).join(', ')}]`;
  if (external)
    throw new Damaged(`tensor '${name}' keeps its data in an external file; Eidos needs single-file models`);
  if (dims.some((d) => signed(d) < 0)) throw new Damaged(`tensor '${name}' declares a negative dimension ${shape}`);
  const elemBytes = ELEM_BYTES_BY_CODE.get(dataType);
  if (elemBytes === undefined) throw new Damaged(`tensor '${name}' has an unknown element type (${dataType})`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count * elemBytes > src.size) {
    throw new Damaged(
      `tensor '${name}' declares ${shape} ${elemTypeName(dataType)}, ${count * elemBytes} bytes, more than the whole file (${src.size} bytes)`,
    );
  }
  // A raw_data byte count that is not a whole number of elements is a mismatch too.
  if ((held ?? 0) !== count)
    throw new Damaged(
      `tensor '${name}' declares ${shape} ${elemTypeName(dataType)} (${count} values) but holds ${held ?? 0}`,
    );
  return count;
}

function countVarints(src: FileBytes, start: number, end: number): number {
  let n = 0;
  for (let pos = start; pos < end; pos++) if ((src.byte(pos) & 0x80) === 0) n++;
  return n;
}

export function valueInfo(src: FileBytes, start: number, end: number): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '', elemType: 'unknown', dims: [] };
  fields(src, start, end, (field, v) => {
    if (field === FIELD.valueInfo.name) info.name = text(src, v);
    if (field !== FIELD.valueInfo.type || v.wire !== WIRE.lengthDelimited) return;
    fields(src, v.start, v.end, (typeField, t) => {
      if (typeField !== FIELD.type.tensorType || t.wire !== WIRE.lengthDelimited) return;
      fields(src, t.start, t.end, (tensorField, tt) => {
        if (tensorField === FIELD.tensorType.elemType && tt.wire === WIRE.varint)
          info.elemType = elemTypeName(tt.value);
        if (tensorField !== FIELD.tensorType.shape || tt.wire !== WIRE.lengthDelimited) return;
        fields(src, tt.start, tt.end, (shapeField, s) => {
          if (shapeField !== FIELD.shape.dim || s.wire !== WIRE.lengthDelimited) return;
          let dim: number | string | null = null;
          fields(src, s.start, s.end, (dimField, d) => {
            if (dimField === FIELD.dim.value && d.wire === WIRE.varint) dim = signed(d.value);
            if (dimField === FIELD.dim.param) dim = text(src, d);
          });
          info.dims.push(dim);
        });
      });
    });
  });
  return info;
}

function outline(src: FileBytes): OnnxOutline {
  const result: OnnxOutline = {
    irVersion: 0,
    opsets: [],
    inputs: [],
    outputs: [],
    valueInfo: [],
    opTypes: {},
    initializerCount: 0,
    initializerElements: 0,
  };
  let graphSeen = false;
  fields(src, 0, src.size, (field, v) => {
    if (field === FIELD.model.irVersion && v.wire === WIRE.varint) result.irVersion = v.value;
    if (field === FIELD.model.opsetImport && v.wire === WIRE.lengthDelimited) {
      const opset = { domain: '', version: 0 };
      fields(src, v.start, v.end, (f, o) => {
        if (f === FIELD.opset.domain) opset.domain = text(src, o);
        if (f === FIELD.opset.version && o.wire === WIRE.varint) opset.version = o.value;
      });
      result.opsets.push(opset);
    }
    if (field !== FIELD.model.graph || v.wire !== WIRE.lengthDelimited) return;
    graphSeen = true;
    fields(src, v.start, v.end, (g, gv) => {
      if (gv.wire !== WIRE.lengthDelimited) return;
      if (g === FIELD.graph.input) result.inputs.push(valueInfo(src, gv.start, gv.end));
      if (g === FIELD.graph.output) result.outputs.push(valueInfo(src, gv.start, gv.end));
      if (g === FIELD.graph.valueInfo) result.valueInfo.push(valueInfo(src, gv.start, gv.end));
      if (g === FIELD.graph.initializer) {
        result.initializerCount++;
        result.initializerElements += checkTensor(src, gv.start, gv.end);
      }
      if (g === FIELD.graph.node) {
        fields(src, gv.start, gv.end, (n, nv) => {
          if (n === FIELD.node.opType) result.opTypes[text(src, nv)] = (result.opTypes[text(src, nv)] ?? 0) + 1;
        });
      }
    });
  });
  if (!graphSeen || result.irVersion === 0)
    throw new Damaged('it has no ONNX model graph (not an ONNX file, or cut off before its graph)');
  return result;
}

/** The file's outline; MODEL_INVALID naming the file and the problem if it is not a sound ONNX file. */
export function inspectOnnx(path: string): OnnxOutline {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new EidosError('NOT_FOUND', `${path}: cannot open the model file (${(error as Error).message}).`, {
      file: path,
      cause: error,
    });
  }
  try {
    return outline(new FileBytes(fd));
  } catch (error) {
    if (!(error instanceof Damaged)) throw error;
    throw new EidosError('MODEL_INVALID', `${path}: not a usable ONNX model: ${error.message}.`, { file: path });
  } finally {
    closeSync(fd);
  }
}
