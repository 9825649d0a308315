/** Capturing what a call throws, so a test can assert on the error itself. */
import { isEidosError } from '../../app/contract/errors.ts';

/** The EidosError code `call` throws; 'not an EidosError' for any other throw, undefined if it returns. */
export function thrownCode(call: () => unknown): string | undefined {
  try {
    call();
  } catch (error) {
    return isEidosError(error) ? error.code : 'not an EidosError';
  }
  return undefined;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** What `call` throws; fails the test if it returns. */
export function thrownError(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
