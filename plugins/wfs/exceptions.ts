/**
 * WFS exceptions: the OWS codes plus WFS 2.0's own (§7.5 Table 3) with the HTTP statuses of its
 * Annex D (NotFound is 2.0.2's, for GetFeatureById), and the features engine's errors mapped onto
 * them, with the locator the standard asks for.
 */
import { OwsException } from '../../core/ows/index.js';
import { isFeaturesError } from '../features/errors.js';

export type WfsExceptionCode =
  | 'OperationParsingFailed'
  | 'OperationProcessingFailed'
  | 'NotFound'
  | 'InvalidValue'
  | 'CannotLockAllFeatures'
  | 'InvalidLockId'
  | 'LockHasExpired'
  | 'DuplicateStoredQueryIdValue'
  | 'DuplicateStoredQueryParameterName'
  | 'ResponseCacheExpired';

const STATUS: Record<WfsExceptionCode, number> = {
  OperationParsingFailed: 400,
  OperationProcessingFailed: 500,
  NotFound: 404,
  InvalidValue: 400,
  CannotLockAllFeatures: 400,
  InvalidLockId: 400,
  LockHasExpired: 403,
  DuplicateStoredQueryIdValue: 400,
  DuplicateStoredQueryParameterName: 400,
  ResponseCacheExpired: 403,
};

export function wfsException(code: WfsExceptionCode, message: string, locator?: string): OwsException {
  // OperationProcessingFailed describes the request's data, so its message is the client's to read.
  return new OwsException(code, message, { locator, status: STATUS[code], expose: true });
}

export interface EngineErrorContext {
  /** Where the request named the collection (typeNames, typeName, the action's handle). */
  typeLocator: string;
  /** Where it gave the filter, sort or selection (FILTER, SORTBY, PROPERTYNAME). */
  queryLocator: string;
  /** A write: invalid values are InvalidValue there, InvalidParameterValue in queries. */
  write?: boolean;
}

/** A features engine error as the OWS exception a WFS client reads; anything else unchanged. */
export function engineErrorToOws(err: unknown, context: EngineErrorContext): unknown {
  if (err instanceof OwsException || !isFeaturesError(err)) return err;
  const message = err.message;
  switch (err.featuresCode) {
    case 'NoSuchCollection':
      return new OwsException('InvalidParameterValue', message, { locator: context.typeLocator });
    case 'NoSuchFeature':
      return context.write ? new OwsException('InvalidParameterValue', message, { locator: context.queryLocator }) : wfsException('NotFound', message, context.queryLocator);
    case 'UnknownProperty':
      return new OwsException('InvalidParameterValue', message, { locator: context.queryLocator });
    case 'InvalidCrs':
      return new OwsException('InvalidParameterValue', message, { locator: 'srsName' });
    case 'InvalidValue':
    case 'InvalidGeometry':
    case 'DuplicateId':
      return context.write ? wfsException('InvalidValue', message, err.locator ?? context.queryLocator) : new OwsException('InvalidParameterValue', message, { locator: context.queryLocator });
    case 'FeatureLocked':
      // WFS names no code for it: the Transaction could not be processed, and nothing was written.
      return new OwsException('OperationProcessingFailed', `${message}; nothing was written`, { status: 409, locator: err.locator ?? context.queryLocator, expose: true });
    case 'TooLarge':
      return new OwsException('OperationProcessingFailed', message, { status: 413, locator: context.queryLocator, expose: true });
    case 'CollectionExists':
    case 'InvalidQuery':
    default:
      return new OwsException('InvalidParameterValue', message, { locator: context.queryLocator });
  }
}

/** Runs `fn`, turning engine errors into OWS exceptions. */
export async function withEngineErrors<T>(context: EngineErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw engineErrorToOws(err, context);
  }
}
