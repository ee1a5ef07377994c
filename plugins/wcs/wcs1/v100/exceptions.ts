/**
 * WCS 1.0.0 errors: an OGC ServiceExceptionReport 1.2.0 (namespace http://www.opengis.net/ogc,
 * OGC-exception.xsd of WCS 1.0.0) sent as application/vnd.ogc.se_xml, the one format its
 * capabilities declare. Codes are WCS 1.0.0's (§A.2): InvalidFormat, CoverageNotDefined,
 * CurrentUpdateSequence, InvalidUpdateSequence, MissingParameterValue, InvalidParameterValue,
 * with OperationNotSupported as WMS has it; errors raised in other terms (WCS 2.0 codes, the
 * engine's) are written as the nearest of those. Internal errors carry no code, as the report
 * allows. HTTP statuses are the platform's (400 for the client's errors, 401/403 kept).
 */
import type { Context } from 'koa';
import { describeError, el, OwsException, serializeXml, type ExceptionDescription } from '../../../../core/ows/index.js';
import type { MeridianError } from '../../../../core/errors.js';
import type { CoverageErrorCode } from '../../../coverages/errors.js';
import { WCS10_EXCEPTION_FORMAT, WCS10_NS, WCS10_SCHEMAS } from './namespaces.js';

export type Wcs10Code = 'InvalidFormat' | 'CoverageNotDefined' | 'CurrentUpdateSequence' | 'InvalidUpdateSequence' | 'MissingParameterValue' | 'InvalidParameterValue' | 'OperationNotSupported';

const WCS10_CODES = new Set<string>(['InvalidFormat', 'CoverageNotDefined', 'CurrentUpdateSequence', 'InvalidUpdateSequence', 'MissingParameterValue', 'InvalidParameterValue', 'OperationNotSupported']);

/** Codes of other vocabularies → WCS 1.0.0. */
const TRANSLATED: Record<string, Wcs10Code> = {
  NoSuchCoverage: 'CoverageNotDefined',
  VersionNegotiationFailed: 'InvalidParameterValue',
  InvalidEncodingSyntax: 'InvalidParameterValue',
  OptionNotSupported: 'InvalidParameterValue',
};

export function wcs10Exception(code: Wcs10Code, message: string, locator?: string): OwsException {
  return new OwsException(code, message, { locator, status: code === 'OperationNotSupported' ? 501 : 400 });
}

/** A failure thrower for the geometry helpers, in WCS 1.0 terms. */
export function fail10(locator: string, message: string): never {
  throw wcs10Exception('InvalidParameterValue', message, locator);
}

/** The engine's errors in WCS 1.0.0 terms. */
export function wcs10ErrorOfCoverage(code: CoverageErrorCode, message: string, coverage: string): OwsException {
  switch (code) {
    case 'NoSuchCoverage':
      return wcs10Exception('CoverageNotDefined', message, coverage);
    case 'NoSuchBand':
      return wcs10Exception('InvalidParameterValue', message, 'BAND');
    case 'InvalidTime':
    case 'MissingTime':
      return wcs10Exception('InvalidParameterValue', message, 'TIME');
    case 'UnsupportedFormat':
      return wcs10Exception('InvalidFormat', message, 'FORMAT');
    case 'InvalidCrs':
      return wcs10Exception('InvalidParameterValue', message, 'RESPONSE_CRS');
    default:
      return wcs10Exception('InvalidParameterValue', message, 'BBOX');
  }
}

function codeOf(e: ExceptionDescription): string | undefined {
  if (e.code === 'NoApplicableCode') return undefined;
  if (WCS10_CODES.has(e.code)) return e.code;
  return TRANSLATED[e.code] ?? 'InvalidParameterValue';
}

export function serviceExceptionReportXml(exceptions: readonly ExceptionDescription[]): string {
  return serializeXml(
    el(
      'ServiceExceptionReport',
      { version: '1.2.0', xmlns: WCS10_NS.ogc, 'xmlns:xsi': WCS10_NS.xsi, 'xsi:schemaLocation': `${WCS10_NS.ogc} ${WCS10_SCHEMAS.exception}` },
      exceptions.map((e) => el('ServiceException', { code: codeOf(e), locator: e.locator }, e.message)),
    ),
  );
}

/** The plugin's ErrorEncoder for requests answered in WCS 1.0.0. */
export function wcs10ErrorEncoder(err: MeridianError, ctx: Context): void {
  const description = describeError(err);
  ctx.status = description.status;
  for (const [name, value] of Object.entries(description.headers)) ctx.set(name, value);
  ctx.set('Content-Type', WCS10_EXCEPTION_FORMAT);
  ctx.body = serviceExceptionReportXml([description]);
}
