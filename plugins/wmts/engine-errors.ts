/**
 * The coverages engine's errors (plugins/coverages/errors.ts, read by their `coverageCode`, not
 * by class: a plugin does not import another's code) as the WMTS exceptions of the parameter
 * they are about.
 */
import { MeridianError } from '../../core/errors.js';
import { invalidParameterValue, OwsException } from '../../core/ows/index.js';
import type { CoverageErrorCode } from '../coverages/errors.js';
import { TIME_PARAMETER } from './requests.js';

function coverageCodeOf(err: unknown): CoverageErrorCode | undefined {
  if (!(err instanceof MeridianError)) return undefined;
  const code = (err as MeridianError & { coverageCode?: unknown }).coverageCode;
  return typeof code === 'string' ? (code as CoverageErrorCode) : undefined;
}

/** Rethrows an engine error as the WMTS exception a client can act on; other errors unchanged. */
export function asWmtsError(err: unknown): unknown {
  const code = coverageCodeOf(err);
  if (code === undefined) return err;
  const message = (err as MeridianError).message;
  switch (code) {
    case 'NoSuchCoverage':
      return invalidParameterValue('Layer', message);
    case 'NoSuchStyle':
      return invalidParameterValue('Style', message);
    case 'InvalidTime':
    case 'MissingTime':
      return invalidParameterValue(TIME_PARAMETER, message);
    case 'UnsupportedFormat':
      return invalidParameterValue('Format', message);
    case 'InvalidCrs':
    case 'InvalidGrid':
      return invalidParameterValue('TileMatrixSet', message);
    case 'TooLarge':
      return new OwsException('NoApplicableCode', message, { status: 413 });
    default:
      return err;
  }
}

export async function engineCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw asWmtsError(err);
  }
}
