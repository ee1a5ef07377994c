/**
 * WCS 2.0.1 exception codes with the HTTP status each standard gives them (OGC 09-110r4 Table
 * 20 and the extensions' exception tables), and the mapping of the coverages engine's neutral
 * error codes onto them.
 */
import { OwsException } from '../../core/ows/index.js';
import type { CoverageErrorCode } from '../coverages/errors.js';

export const WCS_EXCEPTION_STATUS = {
  // Core (09-110r4 Table 20).
  NoSuchCoverage: 404,
  EmptyCoverageIdList: 404,
  InvalidEncodingSyntax: 400,
  InvalidAxisLabel: 404,
  InvalidSubsetting: 404,
  // Scaling (12-039 Table 7).
  InvalidScaleFactor: 404,
  InvalidExtent: 404,
  ScalingAxisUndefined: 404,
  // Range subsetting (12-040 Table 4).
  NoSuchField: 404,
  IllegalFieldSequence: 404,
  // Interpolation (12-049 Table 5).
  InterpolationMethodNotSupported: 404,
  // CRS (11-053r1 Table 3).
  'SubsettingCrs-NotSupported': 404,
  'OutputCrs-NotSupported': 404,
  // GeoTIFF encoding (12-100r1 Table 4).
  CompressionNotSupported: 404,
  CompressionInvalid: 404,
  PredictorInvalid: 404,
  PredictorNotSupported: 404,
  InterleavingInvalid: 404,
  InterleavingNotSupported: 404,
  TilingInvalid: 404,
  // EO-WCS (10-140r1 Table 12).
  NoSuchDatasetSeriesOrCoverage: 404,
} as const;

export type WcsExceptionCode = keyof typeof WCS_EXCEPTION_STATUS;

export function wcsException(code: WcsExceptionCode, message: string, locator?: string): OwsException {
  return new OwsException(code, message, { locator, status: WCS_EXCEPTION_STATUS[code] });
}

/** The engine's error code when `err` is a CoverageError (read structurally: only its types are shared). */
function coverageCodeOf(err: unknown): CoverageErrorCode | undefined {
  if (typeof err !== 'object' || err === null || !('coverageCode' in err)) return undefined;
  return (err as { coverageCode: CoverageErrorCode }).coverageCode;
}

/**
 * Rewrites an engine error in WCS terms; anything else is returned as it is (core errors keep
 * their status; unknown ones become NoApplicableCode 500 without their message).
 */
export function wcsErrorOf(err: unknown, context: { coverage: string; locator?: string }): unknown {
  const code = coverageCodeOf(err);
  if (code === undefined) return err;
  const message = (err as Error).message;
  switch (code) {
    case 'NoSuchCoverage':
      return wcsException('NoSuchCoverage', message, context.coverage);
    case 'NoSuchBand':
      return wcsException('NoSuchField', message, 'rangeSubset');
    case 'InvalidTime':
    case 'MissingTime':
      return wcsException('InvalidSubsetting', message, 'subset');
    case 'TooLarge':
      return new OwsException('InvalidParameterValue', message, { locator: context.locator ?? 'subset', status: 400 });
    case 'InvalidCrs':
      return wcsException('OutputCrs-NotSupported', message, 'outputCrs');
    case 'InvalidGrid':
      return wcsException('InvalidSubsetting', message, context.locator ?? 'subset');
    case 'UnsupportedFormat':
      return new OwsException('InvalidParameterValue', message, { locator: 'format', status: 400 });
    default:
      return err;
  }
}
