/**
 * `npm run synth -- <dir> [--count N] [--size WxH] [--seed S]`: writes a synthetic photo set and its
 * labels.csv into <dir>.
 */
import { parseArgs } from 'node:util';
import { EidosError, describeError } from '../../app/contract/errors.ts';
import { DEFAULT_PHOTO_SET, writePhotoSet } from './photos.ts';

const USAGE = 'usage: npm run synth -- <dir> [--count N] [--size WxH] [--seed S]';

function integer(text: string, what: string): number {
  if (!/^\d+$/.test(text))
    throw new EidosError('BAD_ARGUMENT', `${what} must be a whole number, got "${text}". ${USAGE}`);
  return Number(text);
}

function main(): Promise<unknown> {
  const { values, positionals } = parseArgs({
    options: { count: { type: 'string' }, size: { type: 'string' }, seed: { type: 'string' } },
    allowPositionals: true,
  });
  const dir = positionals[0];
  if (positionals.length !== 1 || dir === undefined) throw new EidosError('BAD_ARGUMENT', USAGE);
  const size = values.size?.match(/^(\d+)x(\d+)$/);
  if (values.size !== undefined && !size)
    throw new EidosError('BAD_ARGUMENT', `--size must look like 640x480, got "${values.size}". ${USAGE}`);
  const options = {
    count: values.count === undefined ? DEFAULT_PHOTO_SET.count : integer(values.count, '--count'),
    width: size ? Number(size[1]) : DEFAULT_PHOTO_SET.width,
    height: size ? Number(size[2]) : DEFAULT_PHOTO_SET.height,
    seed: values.seed === undefined ? DEFAULT_PHOTO_SET.seed : integer(values.seed, '--seed'),
  };
  return writePhotoSet(dir, options).then((rows) =>
    console.log(
      `wrote ${rows.length} photos (${options.width}x${options.height}, seed ${options.seed}) and labels.csv to ${dir}`,
    ),
  );
}

try {
  await main();
} catch (error) {
  console.error(describeError(error));
  process.exitCode = 1;
}
