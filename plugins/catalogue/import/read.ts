/**
 * Reading a source: its fingerprint (size and mtime of a file, ETag or Last-Modified of a URL)
 * for resuming, and its bytes within the size limit. TIFFs are recognised from their first bytes
 * and left to geotiff.ts, which reads only their header.
 */
import { open, stat } from 'node:fs/promises';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import type { Location } from './locations.js';

export interface ReadLimits {
  /** Largest metadata document read (bytes). */
  maxDocumentBytes: number;
  /** Per HTTP request. */
  timeoutMs: number;
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

function urlFingerprint(headers: Headers): string | undefined {
  const etag = headers.get('etag');
  if (etag) return `etag:${etag}`;
  const modified = headers.get('last-modified');
  return modified ? `modified:${modified};length:${headers.get('content-length') ?? ''}` : undefined;
}

function timeoutSignal(signal: AbortSignal | undefined, ms: number): AbortSignal {
  return signal ? AbortSignal.any([signal, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms);
}

async function request(url: string, init: RequestInit, limits: ReadLimits, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'follow', signal: timeoutSignal(signal, limits.timeoutMs) });
  } catch (err) {
    if (signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new SourceError(`${url} could not be fetched: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  if (!/^https?:/.test(response.url || url)) throw new SourceError(`${url} redirects outside http(s)`);
  return response;
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
  const response = await request(location.url, { method: 'HEAD' }, limits, signal);
  await response.body?.cancel();
  return { directory: false, fingerprint: response.ok ? urlFingerprint(response.headers) : undefined };
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
  const response = await request(location.url, { headers }, limits, options.signal);
  const final: Location = { kind: 'url', url: response.url || location.url };
  if (response.status === 304) {
    await response.body?.cancel();
    return { bytes: Buffer.alloc(0), location: final, fingerprint: options.previous, tiff: false, notModified: true };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new SourceError(`${location.url}: HTTP ${response.status} ${response.statusText}`.trim());
  }
  const declared = Number(response.headers.get('content-length'));
  const type = response.headers.get('content-type') ?? '';
  if (/^image\/tiff/i.test(type)) {
    await response.body?.cancel();
    return { bytes: Buffer.alloc(0), location: final, fingerprint: urlFingerprint(response.headers), tiff: true, notModified: false };
  }
  if (Number.isFinite(declared) && declared > limits.maxDocumentBytes) {
    await response.body?.cancel();
    throw new SourceError(`${location.url} is ${declared} bytes, over the limit of ${limits.maxDocumentBytes}`, 'SourceTooLarge');
  }
  const body = await collect(response.body ?? [], limits.maxDocumentBytes, location.url, true);
  return { bytes: body.data, location: final, fingerprint: urlFingerprint(response.headers), tiff: body.tiff, notModified: false };
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

/** Reads a body up to `limit` bytes; stops at once at a TIFF header when `sniffTiff`. */
async function collect(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | never[], limit: number, name: string, sniffTiff = false): Promise<{ data: Buffer; tiff: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const iterable = body as AsyncIterable<Uint8Array>;
  for await (const chunk of iterable) {
    if (sniffTiff && size === 0 && isTiffMagic(chunk)) {
      await (body as ReadableStream<Uint8Array>).cancel?.().catch(() => undefined);
      return { data: Buffer.alloc(0), tiff: true };
    }
    size += chunk.byteLength;
    if (size > limit) throw new SourceError(`${name} is over the limit of ${limit} bytes`, 'SourceTooLarge');
    chunks.push(Buffer.from(chunk));
  }
  return { data: Buffer.concat(chunks), tiff: false };
}
