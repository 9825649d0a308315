/**
 * Writes a copy of an ONNX file whose symbolic batch dimension is a fixed size, for onnxruntime's Core ML
 * execution provider: it takes a node only when every input shape is static (Eidos asks for that with
 * COREML_FLAG_ONLY_ALLOW_STATIC_INPUT_SHAPES; docs/coreml.md says why), and onnxruntime-node has no
 * `freeDimensionOverrides` to fix the dimension at session creation.
 *
 * The copy is the original byte for byte except the graph's `input`, `output` and `value_info` entries:
 * every dimension named `dimName` becomes `batch`; a `value_info` entry that still has a symbolic or
 * unknown dimension afterwards is left out (it is only a hint: onnxruntime infers every intermediate shape
 * again from the now static inputs). Nodes, initializers and everything else are copied as ranges of the
 * source file, so memory stays small whatever the model's size. Subgraphs inside node attributes are
 * copied unchanged (the vision towers have none).
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { EidosError } from '../contract/errors.ts';
import { FIELD, WIRE } from '../../models/onnx/onnx-format.ts';
import { Damaged, fields, FileBytes, text, type FieldValue } from './onnx-inspect.ts';

/** A piece of the output: new bytes, or a range of the source file copied as it is. */
type Piece = Buffer | { from: number; to: number };

interface Rewritten {
  pieces: Piece[];
  /** Dimensions still symbolic (another name) or unknown after the rewrite. */
  symbolicLeft: number;
}

export interface FixBatchResult {
  dimName: string;
  batch: number;
  /** Dimensions rewritten across inputs, outputs and value_info. */
  fixedDims: number;
  /** value_info entries left out because a dimension of theirs stayed symbolic. */
  droppedValueInfo: number;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 128) {
    bytes.push((rest % 128) | 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

const pieceLength = (piece: Piece): number => (Buffer.isBuffer(piece) ? piece.length : piece.to - piece.from);
const totalLength = (pieces: Piece[]): number => pieces.reduce((sum, p) => sum + pieceLength(p), 0);

/** A length-delimited field holding `pieces`. */
const delimited = (field: number, pieces: Piece[]): Piece[] => [
  varint(field * 8 + WIRE.lengthDelimited),
  varint(totalLength(pieces)),
  ...pieces,
];

const isMessage = (v: FieldValue): v is Extract<FieldValue, { wire: typeof WIRE.lengthDelimited }> =>
  v.wire === WIRE.lengthDelimited;

class Rewriter {
  fixedDims = 0;
  droppedValueInfo = 0;

  constructor(
    private readonly src: FileBytes,
    private readonly dimName: string,
    private readonly batch: number,
  ) {}

  /** Rewrites the message in [start, end), `rewrite` deciding per field (undefined: copy the field as it is). */
  private message(
    start: number,
    end: number,
    rewrite: (field: number, value: FieldValue) => Rewritten | null | undefined,
  ): Rewritten {
    const pieces: Piece[] = [];
    let symbolicLeft = 0;
    fields(this.src, start, end, (field, value, span) => {
      const replaced = rewrite(field, value);
      if (replaced === undefined) {
        pieces.push(span);
        return;
      }
      if (replaced === null) return; // dropped
      pieces.push(...replaced.pieces);
      symbolicLeft += replaced.symbolicLeft;
    });
    return { pieces, symbolicLeft };
  }

  private dimension(start: number, end: number): Rewritten {
    let param: string | undefined;
    let hasValue = false;
    fields(this.src, start, end, (field, value) => {
      if (field === FIELD.dim.param) param = text(this.src, value);
      if (field === FIELD.dim.value && value.wire === WIRE.varint) hasValue = true;
    });
    if (param === this.dimName) {
      this.fixedDims++;
      // dim_value replaces dim_param (they are a oneof); a denotation is kept.
      const rest = this.message(start, end, (field) => (field === FIELD.dim.denotation ? undefined : null));
      return {
        pieces: [varint(FIELD.dim.value * 8 + WIRE.varint), varint(this.batch), ...rest.pieces],
        symbolicLeft: 0,
      };
    }
    return { pieces: [{ from: start, to: end }], symbolicLeft: hasValue ? 0 : 1 };
  }

  private nested(field: number, value: FieldValue, inner: (start: number, end: number) => Rewritten): Rewritten {
    if (!isMessage(value)) throw new Damaged(`field ${field} should be a message`);
    const body = inner(value.start, value.end);
    return { pieces: delimited(field, body.pieces), symbolicLeft: body.symbolicLeft };
  }

  private shape = (start: number, end: number): Rewritten =>
    this.message(start, end, (field, value) =>
      field === FIELD.shape.dim ? this.nested(field, value, (s, e) => this.dimension(s, e)) : undefined,
    );

  private tensorType = (start: number, end: number): Rewritten =>
    this.message(start, end, (field, value) =>
      field === FIELD.tensorType.shape ? this.nested(field, value, this.shape) : undefined,
    );

  private type = (start: number, end: number): Rewritten =>
    this.message(start, end, (field, value) =>
      field === FIELD.type.tensorType ? this.nested(field, value, this.tensorType) : undefined,
    );

  private valueInfo = (start: number, end: number): Rewritten =>
    this.message(start, end, (field, value) =>
      field === FIELD.valueInfo.type ? this.nested(field, value, this.type) : undefined,
    );

  graph = (start: number, end: number): Rewritten =>
    this.message(start, end, (field, value) => {
      const g = FIELD.graph;
      if (field !== g.input && field !== g.output && field !== g.valueInfo) return undefined;
      const rewritten = this.nested(field, value, this.valueInfo);
      if (field === g.valueInfo && rewritten.symbolicLeft > 0) {
        this.droppedValueInfo++;
        return null;
      }
      return rewritten;
    });

  model(): Rewritten {
    return this.message(0, this.src.size, (field, value) =>
      field === FIELD.model.graph ? this.nested(field, value, this.graph) : undefined,
    );
  }
}

function writePieces(srcFd: number, dest: string, pieces: Piece[]): void {
  const fd = openSync(dest, 'w', 0o600);
  const buffer = Buffer.alloc(1 << 20);
  try {
    for (const piece of pieces) {
      if (Buffer.isBuffer(piece)) {
        writeSync(fd, piece);
        continue;
      }
      for (let pos = piece.from; pos < piece.to;) {
        const read = readSync(srcFd, buffer, 0, Math.min(buffer.length, piece.to - pos), pos);
        if (read <= 0) throw new Damaged(`the file ended at byte ${pos}, inside a field that runs to ${piece.to}`);
        writeSync(fd, buffer, 0, read);
        pos += read;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `dest`: `src` with every dimension named `dimName` fixed to `batch` (see the file comment).
 * MODEL_INVALID naming `src` when it is not sound ONNX or holds no such dimension.
 */
export function writeFixedBatch(src: string, dest: string, dimName: string, batch: number): FixBatchResult {
  if (!Number.isInteger(batch) || batch < 1)
    throw new EidosError('BAD_ARGUMENT', `a fixed batch must be ≥ 1, not ${batch}`);
  const fd = openSync(src, 'r');
  try {
    const rewriter = new Rewriter(new FileBytes(fd), dimName, batch);
    const { pieces } = rewriter.model();
    if (rewriter.fixedDims === 0)
      throw new Damaged(`no input, output or value_info has a dimension named '${dimName}' to fix`);
    writePieces(fd, dest, pieces);
    return { dimName, batch, fixedDims: rewriter.fixedDims, droppedValueInfo: rewriter.droppedValueInfo };
  } catch (error) {
    if (!(error instanceof Damaged)) throw error;
    throw new EidosError('MODEL_INVALID', `${src}: cannot fix its batch dimension: ${error.message}.`, { file: src });
  } finally {
    closeSync(fd);
  }
}
