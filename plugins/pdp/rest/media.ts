/** Media types of the XACML REST and JSON profiles, and choosing one for a request or answer. */
import type { Context } from 'koa';

export const XACML_XML = 'application/xacml+xml';
export const XACML_JSON = 'application/xacml+json';

export type XacmlEncoding = 'xml' | 'json';

/** How a request body is encoded, from its Content-Type; undefined when it is neither. */
export function requestEncoding(ctx: Context): XacmlEncoding | undefined {
  const type = (ctx.get('Content-Type').split(';')[0] ?? '').trim().toLowerCase();
  if (type === XACML_XML || type === 'application/xml' || type === 'text/xml') return 'xml';
  if (type === XACML_JSON || type === 'application/json') return 'json';
  return undefined;
}

/** The answer's encoding: what Accept prefers, else that of the request (else XML). */
export function responseEncoding(ctx: Context, fallback: XacmlEncoding | undefined): XacmlEncoding {
  const accept = ctx.get('Accept');
  if (accept && !/^\s*\*\/\*\s*$/.test(accept)) {
    const chosen = ctx.accepts(XACML_XML, XACML_JSON, 'application/xml', 'application/json', 'text/xml');
    if (chosen === XACML_JSON || chosen === 'application/json') return 'json';
    if (chosen === XACML_XML || chosen === 'application/xml' || chosen === 'text/xml') return 'xml';
  }
  return fallback ?? 'xml';
}
