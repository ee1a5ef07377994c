/**
 * The engine's errors as WPS 2.0 exceptions. Codes, locators and HTTP statuses are those of OGC
 * 14-065r2 (WPS 2.0.2) table 41 (DescribeProcess: NoSuchProcess), table 46 (Execute: NoSuchMode,
 * NoSuchInput, NoSuchOutput, DataNotAccessible, SizeExceeded, TooManyInputs, TooManyOutputs,
 * NoSuchFormat, WrongInputData, InternalServerError), table 48 (GetStatus, Dismiss: NoSuchJob)
 * and table 50 (GetResult: ResultNotReady), every one 400 but InternalServerError (500), and of
 * OWS Common 2.0 (OGC 06-121r9) tables 27-28 for the OWS codes. The engine's
 * InvalidParameterValue/MissingParameterValue keep their code, their locator reduced to the
 * input's id; an invalid package is an InvalidParameterValue of the execution unit. A reference
 * the engine cannot stage in is DataNotAccessible (a body too large for its limit: SizeExceeded),
 * of the input. WPS-T: no text of OGC 18-036r1 defines its exceptions (see README): an existing
 * id is DuplicatedProcess (409) and a built-in ImmutableProcess (403), as OGC API - Processes -
 * Part 2 types them (duplicated-process, immutable-process). Authentication and authorization
 * errors keep their status (401 keeps its challenge).
 */
import { MeridianError } from '../../core/errors.js';
import { OwsException } from '../../core/ows/index.js';
import { StageInFailed } from '../processing/stage-in.js';

function localLocator(locator: string | undefined): string | undefined {
  return locator?.replace(/^(inputs|outputs)\./, '');
}

/** 14-065r2 table 46: an input whose reference the server cannot read (or is over its size limit). */
export function stageInException(input: string | undefined, message: string, tooLarge: boolean, cause?: unknown): OwsException {
  return new OwsException(tooLarge ? 'SizeExceeded' : 'DataNotAccessible', message, { cause, status: 400, locator: input });
}

/** OWS Common 2.0 table 27: VersionNegotiationFailed has no locator (core's negotiation names AcceptVersions). */
export function negotiated<T>(negotiate: () => T): T {
  try {
    return negotiate();
  } catch (err) {
    if (err instanceof OwsException && err.code === 'VersionNegotiationFailed' && err.locator) throw new OwsException(err.code, err.message, { cause: err, status: err.status });
    throw err;
  }
}

export function toWpsError(err: unknown, subject?: { process?: string; job?: string }): unknown {
  if (!(err instanceof MeridianError) || err instanceof OwsException) return err;
  const opts = { cause: err };
  if (err instanceof StageInFailed) return stageInException(err.locator, err.message, err.status === 413, err);
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
      // The engine's message ends with where to replace it: PUT /processes/<id>.
      return new OwsException('DuplicatedProcess', err.message.replace(/; replace it with PUT .*$/, ''), { ...opts, status: 409, locator: subject?.process ?? /PUT \/processes\/(.+)$/.exec(err.message)?.[1] ?? err.locator });
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
