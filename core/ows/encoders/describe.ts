import { STATUS_CODES } from 'node:http';
import type { MeridianError } from '../../errors.js';
import { isStandardExceptionCode, OwsException } from '../exceptions.js';

/** What every encoder needs to know about an error, with nothing a client must not see. */
export interface ExceptionDescription {
  status: number;
  /** The OWS exceptionCode: the error's own when it is an OGC code, else `NoApplicableCode`. */
  code: string;
  locator?: string;
  /** The error's message when exposed, else a generic phrase for its status. */
  message: string;
  /** Headers the response must keep (WWW-Authenticate, Retry-After...). */
  headers: Record<string, string>;
}

/**
 * Core errors (Unauthenticated, Forbidden, BadRequest...) carry codes no OGC standard knows;
 * they go out as `NoApplicableCode` with their own status, so a client still sees 401 or 403.
 */
export function describeError(err: MeridianError): ExceptionDescription {
  const owsCode = err instanceof OwsException || isStandardExceptionCode(err.code);
  const message = err.expose ? err.message : genericMessage(err.status);
  return {
    status: err.status,
    code: owsCode ? err.code : 'NoApplicableCode',
    locator: err.expose ? err.locator : undefined,
    message,
    headers: { ...err.headers },
  };
}

function genericMessage(status: number): string {
  if (status >= 500) return 'Internal server error';
  return STATUS_CODES[status] ?? 'Request failed';
}
