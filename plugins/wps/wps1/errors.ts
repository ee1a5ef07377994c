/**
 * WPS 1.0.0 exceptions (OGC 05-007r7 tables 38 and 62, on OWS 1.1): the WPS 2.0 codes it does
 * not have become InvalidParameterValue of the same locator (an unknown process: of
 * `Identifier`, as the DescribeProcess/Execute tables say), SizeExceeded FileSizeExceeded,
 * InternalServerError NoApplicableCode (500). Other codes are kept.
 */
import { OwsException } from '../../../core/ows/index.js';
import { toWpsError } from '../errors.js';

const NOT_IN_1_0 = new Set(['NoSuchProcess', 'NoSuchInput', 'NoSuchOutput', 'TooManyInputs', 'TooManyOutputs', 'NoSuchFormat', 'NoSuchMode', 'WrongInputData', 'DataNotAccessible', 'DuplicatedProcess', 'ImmutableProcess']);

export function toWps1Error(err: unknown): unknown {
  const e = toWpsError(err);
  if (!(e instanceof OwsException)) return e;
  // 05-007r7 table 62 has the size one (FileSizeExceeded, of the input) and no InternalServerError.
  if (e.code === 'SizeExceeded') return new OwsException('FileSizeExceeded', e.message, { locator: e.locator, status: 400, cause: e });
  if (e.code === 'InternalServerError') return new OwsException('NoApplicableCode', e.message, { status: 500, expose: true, cause: e });
  if (!NOT_IN_1_0.has(e.code)) return e;
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
