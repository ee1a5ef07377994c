/**
 * Fetching a URL that a request named (a CSW Harvest source, a catalogue import, a remote COG):
 * http and https only (never a file or any other scheme), one time limit for the whole exchange,
 * a byte limit on what is read, redirects followed a bounded number of times with each target
 * checked again. Unless `allowPrivateNetworks` is set, a host that resolves to a loopback,
 * private, link-local, unique-local or otherwise internal address is refused, and the connection
 * goes to the address that was checked, so a second DNS answer cannot redirect it (DNS
 * rebinding). The server never reads, on a client's behalf, what only the server may reach.
 */
import { lookup } from 'node:dns/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export interface RemoteFetchLimits {
  timeoutMs: number;
  /** Most body bytes read; a longer body is a RemoteFetchError 'too-large'. */
  maxBytes: number;
  maxRedirects: number;
  /** Reach hosts on internal networks too (for operators' own tools, never for client requests by default). */
  allowPrivateNetworks: boolean;
}

export interface RemoteRequest {
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /**
   * Called with the response and the first bytes of its body: true stops reading there (the
   * response then holds those bytes, `truncated` set). For bodies recognised by their start
   * (a TIFF) that the caller reads otherwise.
   */
  stopAfterHead?(head: Buffer, response: { status: number; headers: IncomingHttpHeaders }): boolean;
}

export interface RemoteResponse {
  /** Where the response came from, after redirects. */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

export type RemoteFetchFailure = 'invalid-url' | 'scheme' | 'unresolved' | 'internal-address' | 'timeout' | 'too-large' | 'redirects' | 'network' | 'aborted';

/** Why a fetch failed; `status` is what a server answering its own client should say (400s: the URL given; 502/504: the remote). */
export class RemoteFetchError extends Error {
  constructor(
    message: string,
    readonly reason: RemoteFetchFailure,
    readonly status: number,
  ) {
    super(message);
    this.name = 'RemoteFetchError';
  }
}

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) INTERNAL.addSubnet(net, prefix, 'ipv6');

/** Whether an address is on an internal network (IPv4-mapped IPv6 checked as IPv4; not an address at all counts as internal). */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

interface Target {
  address: string;
  family: 4 | 6;
}

async function checkedAddress(url: URL, limits: RemoteFetchLimits): Promise<Target> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      addresses = [];
    }
  }
  if (addresses.length === 0) throw new RemoteFetchError(`Host '${host}' does not resolve`, 'unresolved', 400);
  if (!limits.allowPrivateNetworks && addresses.some((a) => isInternalAddress(a.address))) {
    throw new RemoteFetchError(`Host '${host}' is on an internal network address; only public hosts are reached`, 'internal-address', 400);
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

function once(url: URL, target: Target, request: RemoteRequest, limits: RemoteFetchLimits, deadline: number): Promise<Omit<RemoteResponse, 'url'>> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(new RemoteFetchError(`${url.href} did not answer within ${limits.timeoutMs} ms`, 'timeout', 504));
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const req = client.request(url, { method: request.method ?? 'GET', headers: { 'User-Agent': 'Meridian', ...request.headers }, lookup: pinned }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const status = res.statusCode ?? 0;
      const done = (truncated: boolean) => settle(() => resolve({ status, headers: res.headers, body: Buffer.concat(chunks), truncated }));
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (size === 0 && request.stopAfterHead?.(chunk, { status, headers: res.headers })) {
          chunks.push(chunk);
          res.destroy();
          return done(true);
        }
        size += chunk.length;
        if (size > limits.maxBytes) {
          res.destroy();
          return settle(() => reject(new RemoteFetchError(`${url.href} is larger than ${limits.maxBytes} bytes`, 'too-large', 413)));
        }
        chunks.push(chunk);
      });
      res.on('end', () => done(false));
      res.on('error', () => settle(() => reject(new RemoteFetchError(`${url.href}: the connection broke while reading`, 'network', 502))));
    });
    const timer = setTimeout(() => {
      req.destroy();
      settle(() => reject(new RemoteFetchError(`${url.href} did not answer within ${limits.timeoutMs} ms`, 'timeout', 504)));
    }, remaining);
    const onAbort = () => {
      req.destroy();
      settle(() => reject(new RemoteFetchError(`${url.href}: the fetch was cancelled`, 'aborted', 499)));
    };
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => settle(() => reject(new RemoteFetchError(`${url.href} could not be fetched: ${(err as NodeJS.ErrnoException).code ?? err.message}`, 'network', 502))));
    if (request.body !== undefined) req.end(request.body);
    else req.end();
  });
}

/**
 * Fetches `source` within the limits, following redirects (303, and 301/302 after a POST, become
 * a GET as browsers do; 307/308 keep the request). Any final status is returned; failures to
 * reach or read are RemoteFetchErrors.
 */
export async function fetchRemote(source: string, limits: RemoteFetchLimits, request: RemoteRequest = {}): Promise<RemoteResponse> {
  const deadline = Date.now() + limits.timeoutMs;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new RemoteFetchError(`'${source}' is not an absolute URL`, 'invalid-url', 400);
  }
  let current = request;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteFetchError(`Only http and https URLs are fetched, not '${url.protocol}'`, 'scheme', 400);
    const target = await checkedAddress(url, limits);
    const res = await once(url, target, current, limits, deadline);
    const location = res.headers.location;
    if (res.status >= 300 && res.status < 400 && res.status !== 304 && location) {
      if (hop >= limits.maxRedirects) throw new RemoteFetchError(`${source} redirects more than ${limits.maxRedirects} times`, 'redirects', 502);
      url = new URL(location, url);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && current.method === 'POST')) current = { ...request, method: 'GET', body: undefined };
      continue;
    }
    return { url: url.href, ...res };
  }
}

/** A response body as text, in the charset its Content-Type names (UTF-8 unless Latin-1). */
export function responseText(response: RemoteResponse): string {
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(String(response.headers['content-type'] ?? ''))?.[1]?.toLowerCase();
  return response.body.toString(charset === 'iso-8859-1' || charset === 'latin1' ? 'latin1' : 'utf8');
}
