import type { Context } from 'koa';

/**
 * Works out the public base URL every absolute link is written with: the configured publicUrl;
 * else, behind a trusted proxy, RFC 7239 Forwarded or X-Forwarded-Proto/-Host/-Prefix; else the
 * request's own scheme and Host.
 */
export function baseUrlResolver(options: { publicUrl?: string; trustProxy: boolean }): (ctx: Context) => string {
  const fixed = options.publicUrl?.replace(/\/+$/, '');
  if (fixed) return () => fixed;
  if (options.trustProxy) return (ctx) => derive(ctx, true);
  // Without a trusted proxy the base URL depends only on the connection's scheme and the Host
  // header, which a server sees few of: remembered per Host, it is not checked and built anew
  // on every request. Bounded, since Host is whatever the client sends.
  const known = { http: new Map<string, string>(), https: new Map<string, string>() };
  return (ctx) => {
    const byHost = (ctx.req.socket as { encrypted?: boolean }).encrypted ? known.https : known.http;
    const host = ctx.req.headers.host;
    // An app trusting a proxy takes the scheme from X-Forwarded-Proto (Koa's ctx.protocol).
    if (host === undefined || ctx.app.proxy) return derive(ctx, false);
    let url = byHost.get(host);
    if (url === undefined) {
      url = derive(ctx, false);
      if (byHost.size >= KNOWN_HOSTS) byHost.clear();
      byHost.set(host, url);
    }
    return url;
  };
}

/** Most Host values whose base URL is remembered (per scheme). */
const KNOWN_HOSTS = 64;

function derive(ctx: Context, trustProxy: boolean): string {
  let proto = ctx.protocol;
  let host = ctx.req.headers.host || 'localhost';
  let prefix = '';
  if (trustProxy) {
    const forwarded = parseForwarded(ctx.get('Forwarded'));
    const xProto = firstValue(ctx.get('X-Forwarded-Proto'));
    const xHost = firstValue(ctx.get('X-Forwarded-Host'));
    proto = forwarded.proto ?? xProto ?? proto;
    host = forwarded.host ?? xHost ?? host;
    prefix = firstValue(ctx.get('X-Forwarded-Prefix')) ?? '';
  }
  if (!/^https?$/i.test(proto)) proto = 'http';
  if (!/^[A-Za-z0-9.:\[\]-]+$/.test(host)) host = 'localhost';
  prefix = /^(\/[A-Za-z0-9._~%-]+)*\/?$/.test(prefix) ? prefix.replace(/\/+$/, '') : '';
  return `${proto.toLowerCase()}://${host}${prefix}`;
}

/** The first element of RFC 7239 Forwarded: `for=...;proto=https;host=example.org`. */
function parseForwarded(header: string): { proto?: string; host?: string } {
  if (!header) return {};
  const first = header.split(',')[0] ?? '';
  const out: { proto?: string; host?: string } = {};
  for (const pair of first.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim().toLowerCase();
    const value = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (key === 'proto') out.proto = value;
    if (key === 'host') out.host = value;
  }
  return out;
}

function firstValue(header: string): string | undefined {
  const v = header.split(',')[0]?.trim();
  return v || undefined;
}
