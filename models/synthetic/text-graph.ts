/**
 * The synthetic text encoder: `input_ids`, `attention_mask` int64 [batch,77] → `text_embeds`
 * [batch,SYNTHETIC_DIM], in the image encoder's feature space.
 *
 * 1. A vocabulary-sized table maps each CLIP token id to a word class: 0 (any other word), a colour
 *    (synonyms share their colour's class) or a position role (top, bottom, left, right, background).
 *    OneHot, times the attention mask.
 * 2. Each colour word adds 1 to its global feature.
 * 3. Position words attach to the nearest colour word before them, at most POSITION_WINDOW tokens
 *    back: "segment" = running count of colour words, and a band matrix over the sequence keeps pairs
 *    (colour at t, position at t′) with the same segment and 0 < t′ − t ≤ window. A colour with
 *    top/left gets its top-left quadrant feature; a missing axis splits evenly ("red top" → ½ top-left,
 *    ½ top-right); `background` puts the colour in all four quadrants (1 each: it fills them, and that
 *    weight is what makes a photo with an extra object rank below the one described); no position word → none.
 * 4. Quadrant features = Σ_t colour(t) ⊗ quadrantWeights(t); then the same projection as the images.
 */
import { EidosError } from '../../app/contract/errors.ts';
import type { ClipVocabulary } from '../clip/build-tokenizer-json.ts';
import { attr, type GraphSpec, type TensorSpec } from '../onnx/onnx-writer.ts';
import {
  COLOUR_COUNT,
  GLOBAL_OFFSET,
  QUADRANT_COUNT,
  QUADRANT_OFFSET,
  SYNTHETIC_DIM,
  TEXT_PHOTO_FEATURE,
  projectionRows,
} from './feature-space.ts';
import { COLOURS, POSITION_ROLES, POSITION_WORDS } from './world.ts';
import { CLIP_CONTEXT_LENGTH } from '../clip/processor-files.ts';

const CONTEXT_LENGTH = CLIP_CONTEXT_LENGTH;
/** "a red disc at the top left": `left` is 5 tokens after `red`. */
const POSITION_WINDOW = 6;
const ROLE_COUNT = POSITION_ROLES.length;
/** Word classes: 0 = other, 1..K colours, K+1.. position roles. */
const CLASS_COUNT = 1 + COLOUR_COUNT + ROLE_COUNT;

function f32(name: string, dims: number[], values: ArrayLike<number>): TensorSpec {
  return { name, dims, data: Float32Array.from(values) };
}

function i64(name: string, dims: number[], values: readonly number[]): TensorSpec {
  return { name, dims, data: BigInt64Array.from(values, (v) => BigInt(v)) };
}

/** rows × cols matrix with ones where `one(r, c)`. */
function indicator(name: string, rows: number, cols: number, one: (r: number, c: number) => boolean): TensorSpec {
  return f32(
    name,
    [rows, cols],
    Array.from({ length: rows * cols }, (_, i) => (one(Math.floor(i / cols), i % cols) ? 1 : 0)),
  );
}

/** CLIP token id → word class, looking words up as whole words (`red</w>`). */
function wordClassTable(vocabulary: ClipVocabulary): number[] {
  const table = new Array<number>(vocabulary.tokens.length).fill(0);
  const ids = new Map(vocabulary.tokens.map((token, id) => [token, id]));
  const assign = (word: string, wordClass: number): void => {
    const id = ids.get(`${word}</w>`);
    if (id === undefined) {
      throw new EidosError(
        'INTERNAL',
        `Synthetic model: "${word}" is not a single CLIP token; pick another word in models/synthetic/world.ts.`,
      );
    }
    table[id] = wordClass;
  };
  COLOURS.forEach((colour, k) => [colour.name, ...colour.synonyms].forEach((w) => assign(w, 1 + k)));
  for (const [word, role] of Object.entries(POSITION_WORDS))
    assign(word, 1 + COLOUR_COUNT + POSITION_ROLES.indexOf(role));
  return table;
}

export function textGraph(projection: Float32Array, vocabulary: ClipVocabulary): GraphSpec {
  const role = (name: (typeof POSITION_ROLES)[number]): number => POSITION_ROLES.indexOf(name);
  const [TOP, BOTTOM, LEFT, RIGHT, BACKGROUND] = [
    role('top'),
    role('bottom'),
    role('left'),
    role('right'),
    role('background'),
  ];
  // Columns of `has`: 0 any vertical word, 1 any horizontal word, 2 either.
  const hasSum = indicator('has_sum', ROLE_COUNT, 3, (r, c) =>
    c === 2 ? r !== BACKGROUND : c === 0 ? r === TOP || r === BOTTOM : r === LEFT || r === RIGHT,
  );
  // Axis weights [top, bottom, left, right] = attached words + ½ for each side of an unnamed axis.
  const axisFromWords = indicator('axis_from_words', ROLE_COUNT, 4, (r, c) => r === [TOP, BOTTOM, LEFT, RIGHT][c]);
  const axisFill = f32('axis_fill', [3, 4], [-0.5, -0.5, 0, 0, 0, 0, -0.5, -0.5, 0, 0, 0, 0]);
  // Quadrants (top-left, top-right, bottom-left, bottom-right) = vertical weight × horizontal weight.
  const quadrantVertical = indicator('quadrant_vertical', 4, 4, (r, c) => r === (c < 2 ? 0 : 1));
  const quadrantHorizontal = indicator('quadrant_horizontal', 4, 4, (r, c) => r === (c % 2 === 0 ? 2 : 3));
  const scaledRows = (name: string, from: number, count: number, scale: number, dims: number[]): TensorSpec =>
    f32(
      name,
      dims,
      projectionRows(projection, from, count).map((v) => v * scale),
    );

  return {
    name: 'synthetic_text',
    docString: 'Eidos synthetic CLIP-like text encoder: colour and position words to colour-share features, projected.',
    inputs: [
      { name: 'input_ids', elemType: 'int64', dims: ['batch', CONTEXT_LENGTH] },
      { name: 'attention_mask', elemType: 'int64', dims: ['batch', CONTEXT_LENGTH] },
    ],
    outputs: [{ name: 'text_embeds', elemType: 'float32', dims: ['batch', SYNTHETIC_DIM] }],
    initializers: [
      i64('word_class', [vocabulary.tokens.length], wordClassTable(vocabulary)),
      i64('class_count', [1], [CLASS_COUNT]),
      f32('one_hot_values', [2], [0, 1]),
      indicator('select_colour', CLASS_COUNT, COLOUR_COUNT, (r, c) => r === 1 + c),
      indicator('select_role', CLASS_COUNT, ROLE_COUNT, (r, c) => r === 1 + COLOUR_COUNT + c),
      i64('axis_tokens', [], [1]),
      i64('axes_tokens', [1], [1]),
      i64('axes_classes', [1], [2]),
      indicator('band', CONTEXT_LENGTH, CONTEXT_LENGTH, (t, u) => u > t && u - t <= POSITION_WINDOW),
      f32('one', [], [1]),
      f32('half', [], [0.5]),
      hasSum,
      axisFromWords,
      axisFill,
      quadrantVertical,
      quadrantHorizontal,
      indicator('select_any', 3, 1, (r) => r === 2),
      indicator('select_background', ROLE_COUNT, 1, (r) => r === BACKGROUND),
      scaledRows('projection_photo', 0, 1, TEXT_PHOTO_FEATURE, [SYNTHETIC_DIM]),
      scaledRows('projection_global', GLOBAL_OFFSET, COLOUR_COUNT, 1, [COLOUR_COUNT, SYNTHETIC_DIM]),
      scaledRows('projection_quadrant', QUADRANT_OFFSET, COLOUR_COUNT * QUADRANT_COUNT, 1, [
        COLOUR_COUNT * QUADRANT_COUNT,
        SYNTHETIC_DIM,
      ]),
    ],
    nodes: [
      // 1. word classes, one-hot, masked
      {
        opType: 'Gather',
        inputs: ['word_class', 'input_ids'],
        outputs: ['classes'],
        attributes: { axis: attr.int(0) },
      },
      {
        opType: 'OneHot',
        inputs: ['classes', 'class_count', 'one_hot_values'],
        outputs: ['class_one_hot'],
        attributes: { axis: attr.int(-1) },
      },
      { opType: 'Cast', inputs: ['attention_mask'], outputs: ['mask'], attributes: { to: attr.int(1) } },
      { opType: 'Unsqueeze', inputs: ['mask', 'axes_classes'], outputs: ['mask_column'] },
      { opType: 'Mul', inputs: ['class_one_hot', 'mask_column'], outputs: ['words'] },
      { opType: 'MatMul', inputs: ['words', 'select_colour'], outputs: ['colour_words'] },
      { opType: 'MatMul', inputs: ['words', 'select_role'], outputs: ['role_words'] },
      // 2. global colour features
      {
        opType: 'ReduceSum',
        inputs: ['colour_words', 'axes_tokens'],
        outputs: ['global_features'],
        attributes: { keepdims: attr.int(0) },
      },
      // 3. attach position words to the colour word before them
      {
        opType: 'ReduceSum',
        inputs: ['colour_words', 'axes_classes'],
        outputs: ['is_colour'],
        attributes: { keepdims: attr.int(1) },
      },
      { opType: 'CumSum', inputs: ['is_colour', 'axis_tokens'], outputs: ['segment'] },
      {
        opType: 'Transpose',
        inputs: ['segment'],
        outputs: ['segment_row'],
        attributes: { perm: attr.ints([0, 2, 1]) },
      },
      { opType: 'Equal', inputs: ['segment', 'segment_row'], outputs: ['same_segment'] },
      { opType: 'Cast', inputs: ['same_segment'], outputs: ['same_segment_f'], attributes: { to: attr.int(1) } },
      { opType: 'Mul', inputs: ['same_segment_f', 'band'], outputs: ['attach'] },
      { opType: 'MatMul', inputs: ['attach', 'role_words'], outputs: ['attached_raw'] },
      { opType: 'Min', inputs: ['attached_raw', 'one'], outputs: ['attached'] },
      { opType: 'MatMul', inputs: ['attached', 'has_sum'], outputs: ['has_raw'] },
      { opType: 'Min', inputs: ['has_raw', 'one'], outputs: ['has'] },
      { opType: 'MatMul', inputs: ['attached', 'axis_from_words'], outputs: ['axis_named'] },
      { opType: 'MatMul', inputs: ['has', 'axis_fill'], outputs: ['axis_unnamed'] },
      { opType: 'Add', inputs: ['axis_named', 'axis_unnamed'], outputs: ['axis_partial'] },
      { opType: 'Add', inputs: ['axis_partial', 'half'], outputs: ['axis_weights'] },
      { opType: 'MatMul', inputs: ['axis_weights', 'quadrant_vertical'], outputs: ['vertical'] },
      { opType: 'MatMul', inputs: ['axis_weights', 'quadrant_horizontal'], outputs: ['horizontal'] },
      { opType: 'MatMul', inputs: ['has', 'select_any'], outputs: ['placed'] },
      { opType: 'Mul', inputs: ['vertical', 'horizontal'], outputs: ['quadrant_raw'] },
      { opType: 'Mul', inputs: ['quadrant_raw', 'placed'], outputs: ['quadrant_placed'] },
      { opType: 'MatMul', inputs: ['attached', 'select_background'], outputs: ['background'] },
      { opType: 'Add', inputs: ['quadrant_placed', 'background'], outputs: ['quadrant_weights'] },
      // 4. quadrant features and projection
      {
        opType: 'Transpose',
        inputs: ['colour_words'],
        outputs: ['colour_by_token'],
        attributes: { perm: attr.ints([0, 2, 1]) },
      },
      { opType: 'MatMul', inputs: ['colour_by_token', 'quadrant_weights'], outputs: ['quadrant_features_3d'] },
      {
        opType: 'Flatten',
        inputs: ['quadrant_features_3d'],
        outputs: ['quadrant_features'],
        attributes: { axis: attr.int(1) },
      },
      { opType: 'MatMul', inputs: ['global_features', 'projection_global'], outputs: ['global_embeds'] },
      { opType: 'MatMul', inputs: ['quadrant_features', 'projection_quadrant'], outputs: ['quadrant_embeds'] },
      { opType: 'Add', inputs: ['global_embeds', 'quadrant_embeds'], outputs: ['colour_embeds'] },
      { opType: 'Add', inputs: ['colour_embeds', 'projection_photo'], outputs: ['text_embeds'] },
    ],
  };
}
