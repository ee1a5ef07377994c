/**
 * Forwards one permitted request to its upstream, streaming both bodies: nothing is buffered,
 * so uploads and downloads of any size pass with flat memory. Hop-by-hop headers are dropped
 * both ways (RFC 9110 7.6.1), the client's credentials are removed unless the service passes
 * them, and X-Forwarded-* describe the original request.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Context } from 'koa';
import type { Subject } from '../../core/auth/types.js';
import { MeridianError } from '../../core/errors.js';
import type { ProtectedService } from './resolve.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const IDENTITY_HEADERS = ['x-forwarded-user', 'x-forwarded-groups', 'x-forwarded-issuer'];
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key'];

function connectionTokens(headers: Record<string, unknown>): Set<string> {
  const value = headers.connection;
  const text = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : '';
  return new Set(text.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

export function upstreamRequestHeaders(ctx: Context, service: ProtectedService, subject: Subject): OutgoingHttpHeaders {
  const incoming = ctx.req.headers;
  const dropped = connectionTokens(incoming);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || dropped.has(name) || IDENTITY_HEADERS.includes(name)) continue;
    if (!service.config.passCredentials && CREDENTIAL_HEADERS.includes(name)) continue;
    if (name === 'host' || name.startsWith('x-forwarded-') || name === 'forwarded') continue;
    headers[name] = value;
  }
  headers.host = service.config.preserveHost ? ctx.get('Host') : service.target.host;
  const base = new URL(ctx.state.baseUrl as string);
  headers['x-forwarded-for'] = [incoming['x-forwarded-for'], ctx.ip].filter(Boolean).join(', ');
  headers['x-forwarded-proto'] = base.protocol.replace(':', '');
  headers['x-forwarded-host'] = base.host;
  headers['x-forwarded-prefix'] = `${ctx.state.mountPath as string}/${service.config.name}`;
  if (service.config.forwardIdentity && !subject.anonymous) {
    headers['x-forwarded-user'] = subject.id;
    headers['x-forwarded-groups'] = subject.groups.join(',');
    if (subject.issuer) headers['x-forwarded-issuer'] = subject.issuer;
  }
  return headers;
}

/** The upstream URL of a request whose path below the service prefix is `rest`. */
export function upstreamUrl(service: ProtectedService, rest: string, search: string): URL {
  const url = new URL(service.target.href);
  url.pathname = `${url.pathname.replace(/\/$/, '')}${rest}`;
  url.search = search;
  return url;
}

/**
 * A Location on the upstream's own origin and path, written as the same place behind the
 * proxy; any other Location is left as it is.
 */
export function rewriteLocation(location: string, service: ProtectedService, publicPrefix: string): string {
  let url: URL;
  try {
    url = new URL(location, service.target);
  } catch {
    return location;
  }
  const targetPath = service.target.pathname.replace(/\/$/, '');
  if (url.origin !== service.target.origin || (url.pathname !== targetPath && !url.pathname.startsWith(`${targetPath}/`))) return location;
  return `${publicPrefix}${url.pathname.slice(targetPath.length) || '/'}${url.search}${url.hash}`;
}

export async function forward(ctx: Context, service: ProtectedService, rest: string, subject: Subject): Promise<void> {
  const url = upstreamUrl(service, rest, ctx.search);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(url, { method: ctx.method, headers: upstreamRequestHeaders(ctx, service, subject), timeout: service.config.timeoutMs });
    req.once('response', resolve);
    req.once('timeout', () => req.destroy(new MeridianError(504, `The upstream service '${service.config.name}' did not answer in time`, { code: 'GatewayTimeout', expose: true })));
    req.once('error', (err) =>
      reject(err instanceof MeridianError ? err : new MeridianError(502, `The upstream service '${service.config.name}' could not be reached`, { code: 'BadGateway', expose: true, cause: err })),
    );
    // The client going away ends the upstream request too.
    ctx.req.once('aborted', () => req.destroy());
    ctx.req.pipe(req);
  });
  ctx.status = upstream.statusCode ?? 502;
  const dropped = connectionTokens(upstream.headers);
  const publicPrefix = `${ctx.state.baseUrl as string}${ctx.state.mountPath as string}/${service.config.name}`;
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || dropped.has(name)) continue;
    ctx.set(name, name === 'location' && typeof value === 'string' ? rewriteLocation(value, service, publicPrefix) : value);
  }
  // HEAD and 204/304 answers have no body to stream.
  if (ctx.method === 'HEAD' || ctx.status === 204 || ctx.status === 304) {
    upstream.resume();
    return;
  }
  ctx.body = upstream;
}
