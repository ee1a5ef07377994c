/** Links of the documents: the OGC relation types and the URLs of a request with some parameters changed. */
import type { Context } from 'koa';

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
  hreflang?: string;
}

export const REL = {
  conformance: 'http://www.opengis.net/def/rel/ogc/1.0/conformance',
  data: 'http://www.opengis.net/def/rel/ogc/1.0/data',
  queryables: 'http://www.opengis.net/def/rel/ogc/1.0/queryables',
} as const;

export const MEDIA = {
  json: 'application/json',
  geojson: 'application/geo+json',
  html: 'text/html',
  schema: 'application/schema+json',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
} as const;

/**
 * The URL of `path` under the plugin with the request's query string, `changes` applied (a
 * null value removes the parameter). Parameter order is kept, so paging links read like the request.
 */
export function withQuery(base: string, path: string, ctx: Context, changes: Record<string, string | null>): string {
  const params = new URLSearchParams(ctx.querystring);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) params.delete(name);
    else params.set(name, value);
  }
  const qs = params.toString();
  return `${base}${path}${qs ? `?${qs}` : ''}`;
}

/** self and alternate links of a resource offered as JSON (of `jsonType`) and HTML, for the encoding answered. */
export function selfAndAlternate(base: string, path: string, ctx: Context, answered: 'json' | 'html', jsonType: string, what: string): Link[] {
  const json: Omit<Link, 'rel'> = { href: withQuery(base, path, ctx, { f: 'json' }), type: jsonType, title: `${what} as JSON` };
  const html: Omit<Link, 'rel'> = { href: withQuery(base, path, ctx, { f: 'html' }), type: MEDIA.html, title: `${what} as HTML` };
  return answered === 'json' ? [{ ...json, rel: 'self', title: `This document` }, { ...html, rel: 'alternate' }] : [{ ...html, rel: 'self', title: 'This document' }, { ...json, rel: 'alternate' }];
}

/** The platform root (where the core serves /openapi.json): the plugin's base URL without its mount path. */
export function platformRoot(ctx: Context, base: string): string {
  const mount = (ctx.state.mountPath as string | undefined) ?? '';
  return mount && base.endsWith(mount) ? base.slice(0, base.length - mount.length) : base;
}

export const encodePathSegment = (s: string) => encodeURIComponent(s);
