/**
 * A small protobuf encoder for ONNX `ModelProto`, shared by every model the project generates (the
 * synthetic model and the CLIP architecture twins). Field numbers follow onnx/onnx.proto
 * (onnx-format.ts). ONNX is a proto2 schema, so repeated scalars are written unpacked (one
 * tag per element), as the reference serializer does. Output is a pure function of the input: same
 * spec, same bytes.
 *
 * Why not a protobuf package (onnx-proto, protobufjs): they build the whole message in memory, and a
 * twin's fp32 vision tower is 351 MB of weights. Here a tensor's data may be lazy: every length is
 * known from the dims before any weight exists, so `writeModelFile` streams the file, producing one
 * tensor at a time, and `encodedSize` gives the exact file size without producing any.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { EidosError } from '../../app/contract/errors.ts';
import { ATTRIBUTE_TYPE, ELEM_TYPES, FIELD, WIRE, type ElemType } from './onnx-format.ts';

export type { ElemType } from './onnx-format.ts';

export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;

/** Data made only when the file is written (after every length is known). */
export interface LazyTensorData {
  elemType: ElemType;
  produce: () => TensorData;
}

export interface TensorSpec {
  name: string;
  dims: readonly number[];
  data: TensorData | LazyTensorData;
}

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'tensor'; value: TensorSpec };

export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A graph input or output; a string dim is symbolic (e.g. `batch`). */
export interface ValueInfoSpec {
  name: string;
  elemType: ElemType;
  dims: readonly (number | string)[];
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorSpec[];
  inputs: readonly ValueInfoSpec[];
  outputs: readonly ValueInfoSpec[];
  docString?: string;
}

export interface OnnxModelSpec {
  graph: GraphSpec;
  producerName: string;
  producerVersion: string;
  docString?: string;
  /** Default-domain opset; 17 unless given. */
  opsetVersion?: number;
}

export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

// --- protobuf wire format -------------------------------------------------------------------------

/** Bytes whose length is known now and whose content is made when written. */
interface LazyChunk {
  length: number;
  produce: () => Uint8Array;
}

type Chunk = Uint8Array | LazyChunk;

/** Collects the encoded fields of one message as chunks (nested messages are spliced in, not copied). */
class MessageWriter {
  readonly chunks: Chunk[] = [];
  length = 0;

  private push(chunk: Chunk): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  private tag(field: number, wire: number): void {
    this.push(varint(BigInt((field << 3) | wire)));
  }

  /** int32/int64/enum; negative values take ten bytes (two's complement), as protobuf specifies. */
  int(field: number, value: number | bigint): void {
    this.tag(field, WIRE.varint);
    this.push(varint(BigInt.asUintN(64, BigInt(value))));
  }

  float(field: number, value: number): void {
    this.tag(field, WIRE.fixed32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
  }

  bytes(field: number, value: Chunk): void {
    this.tag(field, WIRE.lengthDelimited);
    this.push(varint(BigInt(value.length)));
    this.push(value);
  }

  string(field: number, value: string): void {
    this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, inner: MessageWriter): void {
    this.tag(field, WIRE.lengthDelimited);
    this.push(varint(BigInt(inner.length)));
    for (const chunk of inner.chunks) this.push(chunk);
  }
}

function varint(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0n);
  return Uint8Array.from(bytes);
}

// --- ONNX messages ---------------------------------------------------------------------------------

function elemTypeOf(data: TensorData | LazyTensorData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  return data.elemType;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Little-endian raw bytes whatever the host's byte order (a view, without copying, on little-endian hosts). */
function rawData(data: TensorData): Uint8Array {
  if (LITTLE_ENDIAN_HOST || data.BYTES_PER_ELEMENT === 1)
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else if (data instanceof Int32Array) data.forEach((v, i) => view.setInt32(i * 4, v, true));
  else (data as BigInt64Array).forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return bytes;
}

function tensorProto(tensor: TensorSpec): MessageWriter {
  const count = tensor.dims.reduce((a, b) => a * b, 1);
  const elemType = elemTypeOf(tensor.data);
  const wrongCount = (got: number): EidosError =>
    new EidosError(
      'INTERNAL',
      `ONNX writer: tensor ${tensor.name} has dims [${tensor.dims.join(',')}] (${count} values) but ${got} values; fix the generator that built it.`,
    );
  const lazy = tensor.data;
  const raw: Chunk =
    'produce' in lazy
      ? {
          length: count * ELEM_TYPES[elemType].bytes,
          produce: () => {
            const data = lazy.produce();
            if (data.length !== count || elemTypeOf(data) !== elemType) throw wrongCount(data.length);
            return rawData(data);
          },
        }
      : rawData(lazy);
  if (!('produce' in lazy) && lazy.length !== count) throw wrongCount(lazy.length);
  const m = new MessageWriter();
  for (const d of tensor.dims) m.int(FIELD.tensor.dims, d);
  m.int(FIELD.tensor.dataType, ELEM_TYPES[elemType].code);
  m.string(FIELD.tensor.name, tensor.name);
  m.bytes(FIELD.tensor.rawData, raw);
  return m;
}

function attributeProto(name: string, attr: AttributeValue): MessageWriter {
  const f = FIELD.attribute;
  const m = new MessageWriter();
  m.string(f.name, name);
  switch (attr.kind) {
    case 'float':
      m.float(f.f, attr.value);
      break;
    case 'int':
      m.int(f.i, attr.value);
      break;
    case 'tensor':
      m.message(f.t, tensorProto(attr.value));
      break;
    case 'floats':
      for (const v of attr.value) m.float(f.floats, v);
      break;
    case 'ints':
      for (const v of attr.value) m.int(f.ints, v);
      break;
  }
  m.int(f.type, ATTRIBUTE_TYPE[attr.kind]);
  return m;
}

function nodeProto(node: NodeSpec): MessageWriter {
  const f = FIELD.node;
  const m = new MessageWriter();
  for (const input of node.inputs) m.string(f.input, input);
  for (const output of node.outputs) m.string(f.output, output);
  if (node.name !== undefined) m.string(f.name, node.name);
  m.string(f.opType, node.opType);
  // Attributes sorted by name so the bytes never depend on object key order.
  const attributes = Object.entries(node.attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of attributes) m.message(f.attribute, attributeProto(name, value));
  return m;
}

function valueInfoProto(info: ValueInfoSpec): MessageWriter {
  const shape = new MessageWriter();
  for (const d of info.dims) {
    const dim = new MessageWriter();
    if (typeof d === 'number') dim.int(FIELD.dim.value, d);
    else dim.string(FIELD.dim.param, d);
    shape.message(FIELD.shape.dim, dim);
  }
  const tensorType = new MessageWriter();
  tensorType.int(FIELD.tensorType.elemType, ELEM_TYPES[info.elemType].code);
  tensorType.message(FIELD.tensorType.shape, shape);
  const type = new MessageWriter();
  type.message(FIELD.type.tensorType, tensorType);
  const m = new MessageWriter();
  m.string(FIELD.valueInfo.name, info.name);
  m.message(FIELD.valueInfo.type, type);
  return m;
}

function graphProto(graph: GraphSpec): MessageWriter {
  const f = FIELD.graph;
  const m = new MessageWriter();
  for (const node of graph.nodes) m.message(f.node, nodeProto(node));
  m.string(f.name, graph.name);
  for (const init of graph.initializers) m.message(f.initializer, tensorProto(init));
  if (graph.docString !== undefined) m.string(f.docString, graph.docString);
  for (const input of graph.inputs) m.message(f.input, valueInfoProto(input));
  for (const output of graph.outputs) m.message(f.output, valueInfoProto(output));
  return m;
}

function modelProto(model: OnnxModelSpec): MessageWriter {
  const f = FIELD.model;
  const opset = new MessageWriter();
  opset.string(FIELD.opset.domain, '');
  opset.int(FIELD.opset.version, model.opsetVersion ?? OPSET_VERSION);
  const m = new MessageWriter();
  m.int(f.irVersion, IR_VERSION);
  m.string(f.producerName, model.producerName);
  m.string(f.producerVersion, model.producerVersion);
  if (model.docString !== undefined) m.string(f.docString, model.docString);
  m.message(f.graph, graphProto(model.graph));
  m.message(f.opsetImport, opset);
  return m;
}

const produce = (chunk: Chunk): Uint8Array => (chunk instanceof Uint8Array ? chunk : chunk.produce());

/** Serialises a model (ir_version 8, default-domain opset 17 unless given) to ONNX protobuf bytes in memory. */
export function encodeModel(model: OnnxModelSpec): Uint8Array {
  const m = modelProto(model);
  const out = new Uint8Array(m.length);
  let offset = 0;
  for (const chunk of m.chunks) {
    out.set(produce(chunk), offset);
    offset += chunk.length;
  }
  return out;
}

/** The size `encodeModel` / `writeModelFile` will produce, computed without producing any lazy data. */
export function encodedSize(model: OnnxModelSpec): number {
  return modelProto(model).length;
}

/** Writes the model to `path`, producing lazy tensors one at a time (memory: about the largest tensor). */
export function writeModelFile(model: OnnxModelSpec, path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of modelProto(model).chunks) {
      const bytes = produce(chunk);
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    }
  } finally {
    closeSync(fd);
  }
}

/** Shorthands for attribute values: `attr.int(1)`, `attr.ints([1, 1])`, … */
export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value }),
  tensor: (value: TensorSpec): AttributeValue => ({ kind: 'tensor', value }),
};
