/**
 * Fetching a Harvest source: http and https only (never a file or any other scheme), a time limit
 * for the whole exchange, a byte limit on what is read, redirects followed a bounded number of
 * times and each target checked again. Unless allowPrivateNetworks is set, a host that resolves
 * to a loopback, private, link-local, unique-local or otherwise internal address is refused, and
 * the connection goes to the address that was checked (no second DNS answer can redirect it).
 */
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { OwsException } from '../../core/ows/index.js';
import type { HarvestConfig } from './config.js';

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

export type FetchLimits = Pick<HarvestConfig, 'timeoutMs' | 'maxBytes' | 'maxRedirects' | 'allowPrivateNetworks'>;

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) INTERNAL.addSubnet(net, prefix, 'ipv6');

/** Whether an address is one a Harvest must not reach by default (IPv4-mapped IPv6 checked as IPv4). */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function sourceError(message: string, status = 400): OwsException {
  return new OwsException(status === 400 ? 'InvalidParameterValue' : 'NoApplicableCode', message, { locator: 'Source', status, expose: true });
}

async function checkedAddress(url: URL, limits: FetchLimits): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw sourceError(`Source host '${host}' does not resolve`);
    }
  }
  if (addresses.length === 0) throw sourceError(`Source host '${host}' does not resolve`);
  if (!limits.allowPrivateNetworks && addresses.some((a) => isInternalAddress(a.address))) {
    throw sourceError(`Source host '${host}' is on an internal network address; Harvest reaches only public hosts (plugins.csw.harvest.allowPrivateNetworks allows more)`);
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

function charsetOf(contentType: string): BufferEncoding {
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase();
  return charset === 'iso-8859-1' || charset === 'latin1' ? 'latin1' : 'utf8';
}

interface RawResponse {
  status: number;
  location?: string;
  contentType: string;
  body: Buffer;
}

function once(url: URL, target: { address: string; family: 4 | 6 }, request: FetchRequest, limits: FetchLimits, deadline: number): Promise<RawResponse> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(sourceError(`Source did not answer within ${limits.timeoutMs} ms`, 504));
    const req = client.request(
      url,
      { method: request.method ?? 'GET', headers: { 'User-Agent': 'Meridian-CSW-Harvest', Accept: 'application/xml, application/json;q=0.9, */*;q=0.5', ...request.headers }, lookup: pinned },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxBytes) {
            res.destroy();
            reject(sourceError(`Source document is larger than ${limits.maxBytes} bytes`, 413));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
        res.on('error', () => reject(sourceError('Source connection broke while reading', 502)));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(sourceError(`Source did not answer within ${limits.timeoutMs} ms`, 504));
    }, remaining);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err) => reject(sourceError(`Source could not be fetched: ${(err as NodeJS.ErrnoException).code ?? err.message}`, 502)));
    if (request.body !== undefined) req.end(request.body);
    else req.end();
  });
}

/** Fetches `source` within the limits; 4xx from the caller's side, 502/504 for the remote's failures. */
export async function fetchRemote(source: string, limits: FetchLimits, request: FetchRequest = {}): Promise<FetchedDocument> {
  const deadline = Date.now() + limits.timeoutMs;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw sourceError(`Source '${source}' is not an absolute URL`);
  }
  let current = request;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw sourceError(`Source must be an http or https URL; got '${url.protocol}'`);
    const target = await checkedAddress(url, limits);
    const res = await once(url, target, current, limits, deadline);
    if (res.status >= 300 && res.status < 400 && res.location) {
      if (hop >= limits.maxRedirects) throw sourceError(`Source redirects more than ${limits.maxRedirects} times`, 502);
      url = new URL(res.location, url);
      // 303, and 301/302 after a POST, become a GET as browsers do; 307/308 keep the request.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && current.method === 'POST')) current = { headers: request.headers };
      continue;
    }
    if (res.status < 200 || res.status >= 300) throw sourceError(`Source answered HTTP ${res.status} (${url.href})`, 502);
    return { url: url.href, contentType: res.contentType, text: res.body.toString(charsetOf(res.contentType)) };
  }
}
