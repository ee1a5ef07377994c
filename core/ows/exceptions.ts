import { MeridianError } from '../errors.js';

/**
 * HTTP status of each standard exception code. OWS codes follow OGC 06-121r9 (OWS Common 2.0)
 * table 28; WMS 1.3.0 (OGC 06-042 annex E) gives no status, so its client-side codes are 400,
 * like the OWS codes they refine.
 */
export const OWS_EXCEPTION_STATUS = {
  OperationNotSupported: 501,
  MissingParameterValue: 400,
  InvalidParameterValue: 400,
  VersionNegotiationFailed: 400,
  InvalidUpdateSequence: 400,
  OptionNotSupported: 501,
  NoApplicableCode: 500,
  InvalidFormat: 400,
  InvalidCRS: 400,
  InvalidSRS: 400,
  LayerNotDefined: 400,
  StyleNotDefined: 400,
  LayerNotQueryable: 400,
  InvalidPoint: 400,
  CurrentUpdateSequence: 400,
  MissingDimensionValue: 400,
  InvalidDimensionValue: 400,
} as const;

export type StandardExceptionCode = keyof typeof OWS_EXCEPTION_STATUS;
/** A standard code, or a service-specific one (WFS `OperationParsingFailed`, WCS `NoSuchCoverage`). */
export type OwsExceptionCode = StandardExceptionCode | (string & {});

export interface OwsExceptionOptions {
  locator?: string;
  /** Overrides the table, for service-specific codes (WCS `NoSuchCoverage` is 404). */
  status?: number;
  headers?: Record<string, string>;
  /** Whether the message may reach the client; defaults to true below 500 and for 501. */
  expose?: boolean;
  cause?: unknown;
}

export function isStandardExceptionCode(code: string): code is StandardExceptionCode {
  return Object.prototype.hasOwnProperty.call(OWS_EXCEPTION_STATUS, code);
}

/** The status a code maps to: the table's, else 400 for an unknown service-specific code. */
export function statusOfExceptionCode(code: string): number {
  return isStandardExceptionCode(code) ? OWS_EXCEPTION_STATUS[code] : 400;
}

/** An OGC service exception: exceptionCode, locator and the HTTP status its standard gives. */
export class OwsException extends MeridianError {
  constructor(code: OwsExceptionCode, message: string, options: OwsExceptionOptions = {}) {
    const status = options.status ?? statusOfExceptionCode(code);
    super(status, message, {
      code,
      locator: options.locator,
      headers: options.headers,
      // 501 (OperationNotSupported, OptionNotSupported) describes the request, not a fault.
      expose: options.expose ?? (status < 500 || status === 501),
      cause: options.cause,
    });
    this.name = 'OwsException';
  }
}

export function missingParameterValue(name: string, message?: string): OwsException {
  return new OwsException('MissingParameterValue', message ?? `Missing required parameter '${name}'`, { locator: name });
}

export function invalidParameterValue(name: string, message: string): OwsException {
  return new OwsException('InvalidParameterValue', message, { locator: name });
}

export function operationNotSupported(operation: string): OwsException {
  return new OwsException('OperationNotSupported', `Operation '${operation}' is not supported`, { locator: operation });
}

export function optionNotSupported(option: string, message?: string): OwsException {
  return new OwsException('OptionNotSupported', message ?? `Option '${option}' is not supported`, { locator: option });
}

export function versionNegotiationFailed(message: string, locator = 'AcceptVersions'): OwsException {
  return new OwsException('VersionNegotiationFailed', message, { locator });
}
