/**
 * WCS 1.1.1 errors: an OWS Common 1.1 ExceptionReport (version 1.1.1), sent as
 * application/xml. Codes are OWS 1.1's and WCS 1.1's (MissingParameterValue,
 * InvalidParameterValue, VersionNegotiationFailed, InvalidUpdateSequence, OperationNotSupported,
 * NoApplicableCode, UnsupportedCombination, NotEnoughStorage); an unknown coverage is
 * InvalidParameterValue on `identifier(s)` as WCS 1.1 has no code of its own for it. Errors raised
 * in other terms are written as the nearest of those. HTTP statuses are the platform's.
 */
import type { Context } from 'koa';
import type { MeridianError } from '../../../../core/errors.js';
import { describeError, OwsException, owsExceptionReportXml, type ExceptionDescription } from '../../../../core/ows/index.js';
import type { CoverageErrorCode } from '../../../coverages/errors.js';

const WCS11_CODES = new Set<string>([
  'MissingParameterValue',
  'InvalidParameterValue',
  'VersionNegotiationFailed',
  'InvalidUpdateSequence',
  'OperationNotSupported',
  'OptionNotSupported',
  'NoApplicableCode',
  'UnsupportedCombination',
  'NotEnoughStorage',
]);

export function wcs11Exception(code: 'InvalidParameterValue' | 'MissingParameterValue' | 'OperationNotSupported' | 'UnsupportedCombination', message: string, locator?: string): OwsException {
  return new OwsException(code, message, { locator });
}

/** A failure thrower for the geometry helpers, in WCS 1.1 terms. */
export function fail11(locator: string, message: string): never {
  throw wcs11Exception('InvalidParameterValue', message, locator);
}

export function wcs11ErrorOfCoverage(code: CoverageErrorCode, message: string): OwsException {
  switch (code) {
    case 'NoSuchCoverage':
      return wcs11Exception('InvalidParameterValue', message, 'identifier');
    case 'NoSuchBand':
      return wcs11Exception('InvalidParameterValue', message, 'RangeSubset');
    case 'InvalidTime':
    case 'MissingTime':
      return wcs11Exception('InvalidParameterValue', message, 'TimeSequence');
    case 'UnsupportedFormat':
      return wcs11Exception('InvalidParameterValue', message, 'format');
    case 'InvalidCrs':
      return wcs11Exception('InvalidParameterValue', message, 'GridBaseCRS');
    default:
      return wcs11Exception('InvalidParameterValue', message, 'BoundingBox');
  }
}

function translated(e: ExceptionDescription): ExceptionDescription {
  return WCS11_CODES.has(e.code) ? e : { ...e, code: 'InvalidParameterValue' };
}

/** The plugin's ErrorEncoder for requests answered in WCS 1.1.1. */
export function wcs11ErrorEncoder(err: MeridianError, ctx: Context): void {
  const description = translated(describeError(err));
  ctx.status = description.status;
  for (const [name, value] of Object.entries(description.headers)) ctx.set(name, value);
  ctx.set('Content-Type', 'application/xml');
  ctx.body = owsExceptionReportXml([description], { version: '1.1.0', reportVersion: '1.1.1' });
}
