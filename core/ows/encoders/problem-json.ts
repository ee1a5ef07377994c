import { STATUS_CODES } from 'node:http';
import type { MeridianError } from '../../errors.js';
import type { ErrorEncoder } from '../../plugin.js';
import { sendErrorResponse } from './respond.js';

/** An RFC 7807 problem document, with the OGC code and locator as extension members. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  locator?: string;
}

export interface ProblemJsonOptions {
  /**
   * Problem type URI per error code, e.g.
   * `{ NoSuchProcess: 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-process' }`.
   * Codes not listed get `about:blank`, whose title is the HTTP status phrase (RFC 7807 §4.2).
   */
  types?: Record<string, string>;
}

export function problemDocument(err: MeridianError, options: ProblemJsonOptions = {}): ProblemDocument {
  const phrase = STATUS_CODES[err.status] ?? 'Error';
  const type = options.types?.[err.code];
  const doc: ProblemDocument = {
    type: type ?? 'about:blank',
    title: type ? err.code : phrase,
    status: err.status,
    detail: err.expose ? err.message : err.status >= 500 ? 'Internal server error' : phrase,
    code: err.code,
  };
  if (err.expose && err.locator) doc.locator = err.locator;
  return doc;
}

/** The ErrorEncoder of an OGC API: `problemJsonEncoder()`. */
export function problemJsonEncoder(options: ProblemJsonOptions = {}): ErrorEncoder {
  return (err, ctx) => {
    sendErrorResponse(ctx, err.status, { ...err.headers }, 'application/problem+json', JSON.stringify(problemDocument(err, options)));
  };
}
