/**
 * The parts of the ONNX protobuf schema (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that
 * Eidos writes (onnx-writer.ts, for the generated models) and reads (app/models/onnx-inspect.ts, to
 * check an imported model before installing it): field numbers and type codes, in one place. It lives with
 * the generators, the floor below app/models, so both sides import it downwards.
 */

/** `TensorProto.DataType` codes of the element types Eidos's models use, and their sizes in bytes. */
export const ELEM_TYPES = {
  float32: { code: 1, bytes: 4 },
  uint8: { code: 2, bytes: 1 },
  int8: { code: 3, bytes: 1 },
  int32: { code: 6, bytes: 4 },
  int64: { code: 7, bytes: 8 },
  float16: { code: 10, bytes: 2 },
} as const;

export type ElemType = keyof typeof ELEM_TYPES;

/** Bytes per element of every `TensorProto.DataType` code (for checking declared sizes). */
export const ELEM_BYTES_BY_CODE: ReadonlyMap<number, number> = new Map([
  ...Object.values(ELEM_TYPES).map((t): [number, number] => [t.code, t.bytes]),
  [4, 2], // uint16
  [5, 2], // int16
  [9, 1], // bool
  [11, 8], // double
  [12, 4], // uint32
  [13, 8], // uint64
  [16, 2], // bfloat16
]);

export const elemTypeName = (code: number): string =>
  Object.entries(ELEM_TYPES).find(([, t]) => t.code === code)?.[0] ?? `type ${code}`;

/** Field numbers, per message. */
export const FIELD = {
  model: { irVersion: 1, producerName: 2, producerVersion: 3, docString: 6, graph: 7, opsetImport: 8 },
  opset: { domain: 1, version: 2 },
  graph: { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12, valueInfo: 13 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5 },
  attribute: { name: 1, f: 2, i: 3, t: 5, floats: 7, ints: 8, type: 20 },
  tensor: { dims: 1, dataType: 2, name: 8, rawData: 9, dataLocation: 14 },
  valueInfo: { name: 1, type: 2 },
  type: { tensorType: 1 },
  tensorType: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dim: { value: 1, param: 2, denotation: 3 },
} as const;

/** `AttributeProto.AttributeType` codes. */
export const ATTRIBUTE_TYPE = { float: 1, int: 2, tensor: 4, floats: 6, ints: 7 } as const;

export const WIRE = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;
