/**
 * WPS 1.0.0 exceptions (OGC 05-007r7 tables 38 and 62, on OWS 1.1): the WPS 2.0 codes it does
 * not have become InvalidParameterValue of the same locator (an unknown process: of
 * `Identifier`, as the DescribeProcess/Execute tables say). Other codes are kept.
 */
import { OwsException } from '../../../core/ows/index.js';
import { toWpsError } from '../errors.js';

const NOT_IN_1_0 = new Set(['NoSuchProcess', 'NoSuchInput', 'NoSuchOutput', 'TooManyInputs', 'TooManyOutputs', 'NoSuchFormat', 'NoSuchMode', 'DuplicateProcess', 'ImmutableProcess']);

export function toWps1Error(err: unknown): unknown {
  const e = toWpsError(err);
  if (!(e instanceof OwsException) || !NOT_IN_1_0.has(e.code)) return e;
  const locator = e.code === 'NoSuchProcess' ? 'Identifier' : e.locator;
  return new OwsException('InvalidParameterValue', e.message, { locator, status: 400, cause: e });
}

/** Runs a 1.0.0 operation, its errors in 1.0.0 codes. */
export async function wps1Call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toWps1Error(err);
  }
}
