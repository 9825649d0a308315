import { EidosError } from './errors.ts';

/**
 * A tiny schema validator for the API's arguments (no dependency): each schema both checks an
 * untrusted value and carries its TypeScript type, so the contract table is the one source of truth.
 * Every failure is `EidosError('BAD_ARGUMENT')` with a message naming the field path, e.g.
 * `search.filters.near.km must be a number between 0 and 20000`.
 */
export interface Schema<T> {
  /** Returns the value (typed) or throws; `path` names the value in messages. */
  parse(value: unknown, path: string): T;
  /** Human description used in messages and docs, e.g. `a string of 1 to 500 characters`. */
  readonly expected: string;
  /** Set by `optional()`: the key may be absent from its object. */
  readonly optional?: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function fail(path: string, expected: string, value: unknown): never {
  const got = value === undefined ? 'it is missing' : `got ${describeValue(value)}`;
  throw new EidosError('BAD_ARGUMENT', `${path} must be ${expected} (${got}).`);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function string(options: {
  min?: number;
  max: number;
  pattern?: RegExp;
  patternName?: string;
  tooLongHint?: string;
}): Schema<string> {
  const min = options.min ?? 0;
  const what = options.patternName ?? 'a string';
  const expected =
    min === 0 ? `${what} of at most ${options.max} characters` : `${what} of ${min} to ${options.max} characters`;
  return {
    expected,
    parse(value, path) {
      if (typeof value === 'string' && value.length > options.max && options.tooLongHint) {
        throw new EidosError(
          'BAD_ARGUMENT',
          `${path} must be ${expected} (got a string of ${value.length} characters); ${options.tooLongHint}`,
        );
      }
      if (typeof value !== 'string' || value.length < min || value.length > options.max) fail(path, expected, value);
      if (options.pattern && !options.pattern.test(value)) fail(path, expected, value);
      return value;
    },
  };
}

export function number(options: { min: number; max: number; integer?: boolean }): Schema<number> {
  const kind = options.integer ? 'an integer' : 'a number';
  const expected = `${kind} between ${options.min} and ${options.max}`;
  return {
    expected,
    parse(value, path) {
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        value >= options.min &&
        value <= options.max &&
        (!options.integer || Number.isInteger(value));
      if (!ok) fail(path, expected, value);
      return value;
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    expected: 'true or false',
    parse(value, path) {
      if (typeof value !== 'boolean') fail(path, 'true or false', value);
      return value;
    },
  };
}

export function oneOf<const V extends readonly string[]>(values: V): Schema<V[number]> {
  const expected = `one of ${values.map((v) => `'${v}'`).join(', ')}`;
  return {
    expected,
    parse(value, path) {
      if (typeof value !== 'string' || !values.includes(value)) fail(path, expected, value);
      return value as V[number];
    },
  };
}

export function array<T>(item: Schema<T>, options: { max: number }): Schema<T[]> {
  const expected = `a list of at most ${options.max} items, each ${item.expected}`;
  return {
    expected,
    parse(value, path) {
      if (!Array.isArray(value) || value.length > options.max) fail(path, expected, value);
      return value.map((element, i) => item.parse(element, `${path}[${i}]`));
    },
  };
}

export function optional<T>(schema: Schema<T>): Schema<T | undefined> & { optional: true } {
  return {
    expected: schema.expected,
    optional: true,
    parse: (value, path) => (value === undefined ? undefined : schema.parse(value, path)),
  };
}

type Shape = Record<string, Schema<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
export type InferShape<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined> }
>;

/** A plain object with exactly these keys: unknown keys are rejected, so typos never pass silently. */
export function object<S extends Shape>(shape: S): Schema<InferShape<S>> {
  const keys = Object.keys(shape);
  const expected = keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}`;
  return {
    expected,
    parse(value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, expected, value);
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!Object.hasOwn(shape, key)) {
          const allowed = keys.length === 0 ? 'it takes no fields' : `allowed: ${keys.join(', ')}`;
          // A key can be as long as the body; quote only its start.
          const shown = key.length > 40 ? `${JSON.stringify(key.slice(0, 40))}…` : key;
          throw new EidosError('BAD_ARGUMENT', `${path}.${shown} is not a known field (${allowed}).`);
        }
      }
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const parsed = (shape[key] as Schema<unknown>).parse(record[key], `${path}.${key}`);
        if (parsed !== undefined) out[key] = parsed;
      }
      return out as InferShape<S>;
    },
  };
}

/**
 * A rule across fields that the shape alone cannot state (e.g. "a query, a photo, or both"): `rule`
 * returns what is wrong, in words, or undefined when the value is fine.
 */
export function refine<T>(schema: Schema<T>, rule: (value: T) => string | undefined): Schema<T> {
  return {
    expected: schema.expected,
    parse(value, path) {
      const parsed = schema.parse(value, path);
      const problem = rule(parsed);
      if (problem !== undefined) throw new EidosError('BAD_ARGUMENT', `${path} ${problem}`);
      return parsed;
    },
  };
}
