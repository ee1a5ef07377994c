/**
 * Errors as OpenSearch clients read them: an OWS 2.0.0 ExceptionReport (exceptionCode and a
 * locator naming the parameter), or, for a request that asked for GeoJSON, the same code and
 * locator in an RFC 7807 problem document. OWS Common 2.0 is the version that ties each
 * exception code to an HTTP status (its table 28), which CEOS-BP-017 asks OpenSearch servers to
 * answer with, and the one CSW 3.0, whose OpenSearch binding points here, reports in.
 */
import type { ErrorEncoder } from '../../core/plugin.js';
import { OwsException, owsErrorEncoder, problemJsonEncoder } from '../../core/ows/index.js';
import { wantsJson } from './formats.js';

export function opensearchErrorEncoder(): ErrorEncoder {
  const xml = owsErrorEncoder({ version: '2.0.0' });
  const json = problemJsonEncoder();
  return (err, ctx) => (wantsJson(ctx) ? json(err, ctx) : xml(err, ctx));
}

/** 501: an encoding the catalogue has no format for (yet). */
export function formatUnavailable(format: string, locator: string): OwsException {
  return new OwsException('OptionNotSupported', `The catalogue has no '${format}' metadata format, so this encoding cannot be written`, { locator });
}
