/**
 * What S3 keeps with an object, as blob metadata: user metadata (x-amz-meta-*) under its own name,
 * and the S3 fields under names starting `s3.` (a user metadata name cannot start so): content
 * headers, the multipart ETag, the checksum the client gave.
 */
import type { Context } from 'koa';
import type { BlobInfo } from '../../core/storage/blobs/types.js';
import type { ChecksumAlgorithm } from './checksums.js';
import { s3 } from './errors.js';

export const CONTENT_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'] as const;
const INTERNAL = 's3.';
export const ETAG_META = 's3.etag';
export const CHECKSUM_META = 's3.checksum';
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

export interface ObjectHeaders {
  contentType?: string;
  metadata: Record<string, string>;
}

/** Content type, content headers and user metadata of a PUT (or a multipart Create, a REPLACE copy). */
export function objectHeadersFrom(ctx: Context): ObjectHeaders {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const metaName = name.slice('x-amz-meta-'.length);
    if (metaName.startsWith(INTERNAL)) throw s3.invalidArgument(`User metadata names may not start with "${INTERNAL}"`);
    metadata[metaName] = Array.isArray(value) ? value.join(',') : value;
  }
  for (const header of CONTENT_HEADERS) {
    let value = ctx.get(header);
    // aws-chunked is the framing of this request, not an encoding of the object.
    if (header === 'content-encoding') value = value.split(',').map((s) => s.trim()).filter((s) => s && s !== 'aws-chunked').join(', ');
    if (value) metadata[`${INTERNAL}${header}`] = value;
  }
  const out: ObjectHeaders = { metadata };
  const contentType = ctx.get('content-type');
  if (contentType) out.contentType = contentType;
  return out;
}

/** The object's metadata without what is specific to one version (ETag, checksum): for a COPY. */
export function copiedHeaders(info: BlobInfo): ObjectHeaders {
  const metadata = { ...info.metadata };
  delete metadata[ETAG_META];
  delete metadata[CHECKSUM_META];
  const out: ObjectHeaders = { metadata };
  if (info.contentType !== undefined) out.contentType = info.contentType;
  return out;
}

export function withChecksum(headers: ObjectHeaders, checksum: { algorithm: ChecksumAlgorithm; value: string } | undefined): ObjectHeaders {
  if (!checksum) return headers;
  return { ...headers, metadata: { ...headers.metadata, [CHECKSUM_META]: `${checksum.algorithm}:${checksum.value}` } };
}

/** The S3 ETag, unquoted: the multipart form when assembled from parts, else the MD5. */
export function s3ETag(info: BlobInfo): string {
  return info.metadata[ETAG_META] ?? info.etag;
}

export const quoted = (etag: string) => `"${etag}"`;

export function storedChecksum(info: BlobInfo): { algorithm: string; value: string } | undefined {
  const raw = info.metadata[CHECKSUM_META];
  const colon = raw?.indexOf(':') ?? -1;
  return raw && colon > 0 ? { algorithm: raw.slice(0, colon), value: raw.slice(colon + 1) } : undefined;
}

/** Response headers describing the object (HEAD and GET); the checksum only for the whole object, as S3. */
export function describeHeaders(ctx: Context, info: BlobInfo, wholeObject = true): void {
  ctx.set('ETag', quoted(s3ETag(info)));
  ctx.set('Last-Modified', info.lastModified.toUTCString());
  ctx.set('Accept-Ranges', 'bytes');
  ctx.set('Content-Type', info.contentType ?? DEFAULT_CONTENT_TYPE);
  for (const [name, value] of Object.entries(info.metadata)) {
    if (name.startsWith(INTERNAL)) {
      const header = name.slice(INTERNAL.length);
      if ((CONTENT_HEADERS as readonly string[]).includes(header)) ctx.set(header, value);
    } else {
      ctx.set(`x-amz-meta-${name}`, value);
    }
  }
  const checksum = storedChecksum(info);
  if (checksum && wholeObject && ctx.get('x-amz-checksum-mode').toUpperCase() === 'ENABLED') ctx.set(`x-amz-checksum-${checksum.algorithm}`, checksum.value);
}

const OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};

/** GetObject's response-* query parameters replace the stored headers in this response. */
export function applyResponseOverrides(ctx: Context, query: Record<string, string>): void {
  for (const [param, header] of Object.entries(OVERRIDES)) {
    const value = query[param];
    if (value === undefined) continue;
    if (/[\r\n]/.test(value)) throw s3.invalidArgument(`${param} must not contain line breaks`);
    ctx.set(header, value);
  }
}
