/**
 * The engine's errors as WPS 2.0 exceptions (OGC 14-065 tables 34-46): NoSuchProcess, NoSuchJob,
 * ResultNotReady and NoSuchOutput are client errors (400) with the identifier as locator; the
 * engine's InvalidParameterValue/MissingParameterValue keep their code, their locator reduced
 * to the input's id; an invalid package is an InvalidParameterValue of the execution unit.
 * Authentication and authorization errors keep their status (401 keeps its challenge).
 */
import { MeridianError } from '../../core/errors.js';
import { OwsException } from '../../core/ows/index.js';

function localLocator(locator: string | undefined): string | undefined {
  return locator?.replace(/^(inputs|outputs)\./, '');
}

export function toWpsError(err: unknown, subject?: { process?: string; job?: string }): unknown {
  if (!(err instanceof MeridianError) || err instanceof OwsException) return err;
  const opts = { cause: err };
  switch (err.code) {
    case 'NoSuchProcess':
      return new OwsException('NoSuchProcess', err.message, { ...opts, status: 400, locator: subject?.process ?? err.locator });
    case 'NoSuchJob':
      return new OwsException('NoSuchJob', err.message, { ...opts, status: 400, locator: subject?.job ?? err.locator });
    case 'ResultNotReady':
      return new OwsException('ResultNotReady', err.message, { ...opts, status: 400, locator: subject?.job ?? err.locator });
    case 'NoSuchOutput':
      return new OwsException('NoSuchOutput', err.message, { ...opts, status: 400, locator: localLocator(err.locator) });
    case 'InvalidParameterValue':
    case 'MissingParameterValue':
      return new OwsException(err.code, err.message, { ...opts, status: 400, locator: localLocator(err.locator) });
    case 'InvalidPackage':
    case 'UnsupportedMediaType':
      return new OwsException('InvalidParameterValue', err.message, { ...opts, status: 400, locator: err.locator ? `ExecutionUnit/${err.locator}` : 'ExecutionUnit' });
    case 'DuplicateProcess':
      return new OwsException('DuplicateProcess', err.message.replace(/; replace it with PUT .*$/, ''), { ...opts, status: 409, locator: subject?.process ?? err.locator });
    case 'ImmutableProcess':
      return new OwsException('ImmutableProcess', err.message, { ...opts, status: 403, locator: subject?.process ?? err.locator });
    default:
      return err;
  }
}

/** Runs an engine call, its errors translated. */
export async function engineCall<T>(work: () => Promise<T>, subject?: { process?: string; job?: string }): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toWpsError(err, subject);
  }
}
