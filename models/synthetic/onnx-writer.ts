/**
 * A small protobuf encoder for ONNX `ModelProto`, enough to write the synthetic test models without a
 * protobuf package. Field numbers follow onnx/onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
 * ONNX is a proto2 schema, so repeated scalars are written unpacked (one tag per element), as the
 * reference serializer does. Output is a pure function of the input: same spec, same bytes.
 */
import { EidosError } from '../../app/contract/errors.ts';

export type ElemType = 'float32' | 'int64';

/** ONNX `TensorProto.DataType` codes. */
const DATA_TYPE: Record<ElemType, number> = { float32: 1, int64: 7 };

/** ONNX `AttributeProto.AttributeType` codes. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, tensor: 4, floats: 6, ints: 7 } as const;

export interface TensorSpec {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
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
}

export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

// --- protobuf wire format -------------------------------------------------------------------------

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_LENGTH_DELIMITED = 2;

/** Collects encoded fields of one message. */
class MessageWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  private tag(field: number, wire: number): void {
    this.push(varint(BigInt((field << 3) | wire)));
  }

  /** int32/int64/enum; negative values take ten bytes (two's complement), as protobuf specifies. */
  int(field: number, value: number | bigint): void {
    this.tag(field, WIRE_VARINT);
    this.push(varint(BigInt.asUintN(64, BigInt(value))));
  }

  float(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.push(varint(BigInt(value.length)));
    this.push(value);
  }

  string(field: number, value: string): void {
    this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, inner: MessageWriter): void {
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
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

/** Little-endian raw bytes whatever the host's byte order. */
function rawData(data: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(data.length * (data instanceof Float32Array ? 4 : 8));
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return bytes;
}

function tensorProto(tensor: TensorSpec): MessageWriter {
  const expected = tensor.dims.reduce((a, b) => a * b, 1);
  if (expected !== tensor.data.length) {
    throw new EidosError(
      'INTERNAL',
      `ONNX writer: tensor ${tensor.name} has dims [${tensor.dims.join(',')}] (${expected} values) but ${tensor.data.length} values; fix the generator that built it.`,
    );
  }
  const m = new MessageWriter();
  for (const d of tensor.dims) m.int(1, d);
  m.int(2, DATA_TYPE[tensor.data instanceof Float32Array ? 'float32' : 'int64']);
  m.string(8, tensor.name);
  m.bytes(9, rawData(tensor.data));
  return m;
}

function attributeProto(name: string, attr: AttributeValue): MessageWriter {
  const m = new MessageWriter();
  m.string(1, name);
  switch (attr.kind) {
    case 'float':
      m.float(2, attr.value);
      break;
    case 'int':
      m.int(3, attr.value);
      break;
    case 'tensor':
      m.message(5, tensorProto(attr.value));
      break;
    case 'floats':
      for (const v of attr.value) m.float(7, v);
      break;
    case 'ints':
      for (const v of attr.value) m.int(8, v);
      break;
  }
  m.int(20, ATTRIBUTE_TYPE[attr.kind]);
  return m;
}

function nodeProto(node: NodeSpec): MessageWriter {
  const m = new MessageWriter();
  for (const input of node.inputs) m.string(1, input);
  for (const output of node.outputs) m.string(2, output);
  if (node.name !== undefined) m.string(3, node.name);
  m.string(4, node.opType);
  // Attributes sorted by name so the bytes never depend on object key order.
  const attributes = Object.entries(node.attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of attributes) m.message(5, attributeProto(name, value));
  return m;
}

function valueInfoProto(info: ValueInfoSpec): MessageWriter {
  const shape = new MessageWriter();
  for (const d of info.dims) {
    const dim = new MessageWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new MessageWriter();
  tensorType.int(1, DATA_TYPE[info.elemType]);
  tensorType.message(2, shape);
  const type = new MessageWriter();
  type.message(1, tensorType);
  const m = new MessageWriter();
  m.string(1, info.name);
  m.message(2, type);
  return m;
}

function graphProto(graph: GraphSpec): MessageWriter {
  const m = new MessageWriter();
  for (const node of graph.nodes) m.message(1, nodeProto(node));
  m.string(2, graph.name);
  for (const init of graph.initializers) m.message(5, tensorProto(init));
  if (graph.docString !== undefined) m.string(10, graph.docString);
  for (const input of graph.inputs) m.message(11, valueInfoProto(input));
  for (const output of graph.outputs) m.message(12, valueInfoProto(output));
  return m;
}

/** Serialises a model (ir_version 8, default-domain opset 17) to ONNX protobuf bytes. */
export function encodeModel(model: OnnxModelSpec): Uint8Array {
  const opset = new MessageWriter();
  opset.string(1, '');
  opset.int(2, OPSET_VERSION);
  const m = new MessageWriter();
  m.int(1, IR_VERSION);
  m.string(2, model.producerName);
  m.string(3, model.producerVersion);
  if (model.docString !== undefined) m.string(6, model.docString);
  m.message(7, graphProto(model.graph));
  m.message(8, opset);
  return m.finish();
}

/** Shorthands for attribute values: `attr.int(1)`, `attr.ints([1, 1])`, … */
export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value }),
  tensor: (value: TensorSpec): AttributeValue => ({ kind: 'tensor', value }),
};
