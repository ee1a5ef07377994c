/**
 * Reading a source: its fingerprint (size and mtime of a file, ETag or Last-Modified of a URL)
 * for resuming, and its bytes within the size limit. TIFFs are recognised from their first bytes
 * and left to geotiff.ts, which reads only their header.
 */
import { open, stat } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { fetchRemote, RemoteFetchError, type RemoteFetchLimits, type RemoteRequest, type RemoteResponse } from '../../../core/net/remote-fetch.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import type { Location } from './locations.js';

export interface ReadLimits {
  /** Largest metadata document read (bytes). */
  maxDocumentBytes: number;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Reach hosts on internal networks (CLI imports); API imports reach public hosts only. */
  allowPrivateNetworks: boolean;
}

const MAX_REDIRECTS = 5;

/** The core/net limits of one request of an import. */
export function fetchLimits(limits: ReadLimits): RemoteFetchLimits {
  return { timeoutMs: limits.timeoutMs, maxBytes: limits.maxDocumentBytes, maxRedirects: MAX_REDIRECTS, allowPrivateNetworks: limits.allowPrivateNetworks };
}

export interface Probe {
  directory: boolean;
  /** Changes when the content does; undefined when nothing tells (then a source always counts as changed). */
  fingerprint?: string;
}

export interface Fetched {
  bytes: Buffer;
  /** Where the document is after redirects (the base of its relative links). */
  location: Location;
  fingerprint?: string;
  /** The first bytes are a TIFF header: the body was not read. */
  tiff: boolean;
  /** A conditional request answered 304. */
  notModified: boolean;
}

export class SourceError extends Error {
  constructor(
    message: string,
    readonly code = 'UnreadableSource',
  ) {
    super(message);
  }
}

/** TIFF and BigTIFF, little- and big-endian. */
export function isTiffMagic(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const le = b[0] === 0x49 && b[1] === 0x49 && (b[2] === 42 || b[2] === 43) && b[3] === 0;
  const be = b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 42 || b[3] === 43);
  return le || be;
}

export const TIFF_EXTENSION = /\.tiff?$/i;
export const DOCUMENT_EXTENSION = /\.(json|geojson|xml)$/i;

function urlFingerprint(headers: IncomingHttpHeaders): string | undefined {
  const etag = headers.etag;
  if (etag) return `etag:${etag}`;
  const modified = headers['last-modified'];
  return modified ? `modified:${modified};length:${headers['content-length'] ?? ''}` : undefined;
}

/** One HTTP request through core/net (public hosts only unless allowed, limits, pinned address). */
async function request(url: string, init: RemoteRequest, limits: ReadLimits): Promise<RemoteResponse> {
  try {
    return await fetchRemote(url, fetchLimits(limits), init);
  } catch (err) {
    if (!(err instanceof RemoteFetchError)) throw err;
    if (err.reason === 'aborted') throw err;
    if (err.reason === 'too-large') throw new SourceError(`${url} is over the limit of ${limits.maxDocumentBytes} bytes`, 'SourceTooLarge');
    throw new SourceError(`${url} could not be fetched: ${err.message}`);
  }
}

/** What resuming needs to know before reading: a directory or not, and the fingerprint. */
export async function probe(location: Location, limits: ReadLimits, signal?: AbortSignal): Promise<Probe> {
  if (location.kind === 'file') {
    let s;
    try {
      s = await stat(location.path);
    } catch (err) {
      throw new SourceError(`${location.path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    return { directory: s.isDirectory(), fingerprint: `size:${s.size};mtime:${Math.round(s.mtimeMs)}` };
  }
  if (location.kind === 'upload') return { directory: false };
  const response = await request(location.url, { method: 'HEAD', signal }, limits);
  const ok = response.status >= 200 && response.status < 300;
  return { directory: false, fingerprint: ok ? urlFingerprint(response.headers) : undefined };
}

/** The first bytes of a local file (to recognise TIFFs and metadata in a directory walk). */
export async function readFileHead(path: string, length = 512): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a document, refusing one over the size limit. `ifNoneMatch` (a fingerprint from a
 * previous import) makes the HTTP request conditional.
 */
export async function readSource(location: Location, limits: ReadLimits, options: { blobs?: BlobStore; signal?: AbortSignal; previous?: string } = {}): Promise<Fetched> {
  if (location.kind === 'file') return readLocalFile(location, limits);
  if (location.kind === 'upload') {
    if (!options.blobs) throw new SourceError('uploaded documents need the blob store');
    const blob = await options.blobs.get(location.key);
    const bytes = await collect(blob.body as AsyncIterable<Uint8Array>, limits.maxDocumentBytes, location.name);
    // No fingerprint: an upload is imported once, so the state table keeps no row for it.
    return { bytes: bytes.data, location, fingerprint: undefined, tiff: isTiffMagic(bytes.data), notModified: false };
  }
  const headers: Record<string, string> = { accept: 'application/geo+json, application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5' };
  if (options.previous?.startsWith('etag:')) headers['if-none-match'] = options.previous.slice(5);
  // A TIFF (by its type or its first bytes) is left to geotiff.ts, which reads only its header.
  const stopAfterHead = (head: Buffer, res: { headers: IncomingHttpHeaders }) => /^image\/tiff/i.test(String(res.headers['content-type'] ?? '')) || isTiffMagic(head);
  const response = await request(location.url, { headers, signal: options.signal, stopAfterHead }, limits);
  const final: Location = { kind: 'url', url: response.url };
  if (response.status === 304) return { bytes: Buffer.alloc(0), location: final, fingerprint: options.previous, tiff: false, notModified: true };
  if (response.status < 200 || response.status >= 300) throw new SourceError(`${location.url}: HTTP ${response.status}`);
  const tiff = response.truncated || /^image\/tiff/i.test(String(response.headers['content-type'] ?? '')) || isTiffMagic(response.body);
  return { bytes: tiff ? Buffer.alloc(0) : response.body, location: final, fingerprint: urlFingerprint(response.headers), tiff, notModified: false };
}

async function readLocalFile(location: { kind: 'file'; path: string }, limits: ReadLimits): Promise<Fetched> {
  let handle;
  try {
    handle = await open(location.path, 'r');
  } catch (err) {
    throw new SourceError(`${location.path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    const s = await handle.stat();
    const fingerprint = `size:${s.size};mtime:${Math.round(s.mtimeMs)}`;
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    if (isTiffMagic(head)) return { bytes: Buffer.alloc(0), location, fingerprint, tiff: true, notModified: false };
    if (s.size > limits.maxDocumentBytes) throw new SourceError(`${location.path} is ${s.size} bytes, over the limit of ${limits.maxDocumentBytes}`, 'SourceTooLarge');
    return { bytes: await handle.readFile(), location, fingerprint, tiff: false, notModified: false };
  } finally {
    await handle.close();
  }
}

/** Reads a body up to `limit` bytes. */
async function collect(body: AsyncIterable<Uint8Array>, limit: number, name: string): Promise<{ data: Buffer }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw new SourceError(`${name} is over the limit of ${limit} bytes`, 'SourceTooLarge');
    chunks.push(Buffer.from(chunk));
  }
  return { data: Buffer.concat(chunks) };
}
