/**
 * Fetching a Harvest source through core/net (http(s) only, time and size limits, bounded
 * redirects, internal network addresses refused unless harvest.allowPrivateNetworks): failures
 * become OWS exceptions with locator Source, and a source that does not answer 2xx is a 502.
 */
import { fetchRemote as fetchUrl, RemoteFetchError, responseText, type RemoteFetchLimits } from '../../core/net/remote-fetch.js';
import { OwsException } from '../../core/ows/index.js';

export interface FetchedDocument {
  /** The URL the document came from (after redirects). */
  url: string;
  contentType: string;
  text: string;
}

export interface FetchRequest {
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

export type FetchLimits = RemoteFetchLimits;

function sourceError(message: string, status = 400): OwsException {
  return new OwsException(status < 500 ? 'InvalidParameterValue' : 'NoApplicableCode', message, { locator: 'Source', status, expose: true });
}

/** Fetches `source` within the limits; 4xx from the caller's side, 502/504 for the remote's failures. */
export async function fetchRemote(source: string, limits: FetchLimits, request: FetchRequest = {}): Promise<FetchedDocument> {
  try {
    const headers = { 'User-Agent': 'Meridian-CSW-Harvest', Accept: 'application/xml, application/json;q=0.9, */*;q=0.5', ...request.headers };
    const res = await fetchUrl(source, limits, { ...request, headers });
    if (res.status < 200 || res.status >= 300) throw sourceError(`Source answered HTTP ${res.status} (${res.url})`, 502);
    return { url: res.url, contentType: String(res.headers['content-type'] ?? ''), text: responseText(res) };
  } catch (err) {
    if (err instanceof RemoteFetchError) throw sourceError(`Source: ${err.message}${err.reason === 'internal-address' ? ' (plugins.csw.harvest.allowPrivateNetworks allows more)' : ''}`, err.status === 413 ? 413 : err.status);
    throw err;
  }
}
