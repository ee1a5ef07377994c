/** Object operations: GetObject, HeadObject, PutObject, CopyObject, DeleteObject, DeleteObjects. */
import type { Context } from 'koa';
import { BlobDigestMismatch, BlobNotFound, InvalidRange } from '../../core/storage/blobs/errors.js';
import type { BlobInfo, BlobObject, ByteRange, PutOptions } from '../../core/storage/blobs/types.js';
import { keySegments } from '../../core/storage/blobs/keys.js';
import { objectResource } from './access.js';
import type { Bucket } from './buckets.js';
import { evaluateConditions, parseRangeHeader, requestConditions } from './conditions.js';
import { parseCopySource } from './copy-source.js';
import { s3, S3Error } from './errors.js';
import type { S3Env, S3Request } from './env.js';
import { applyResponseOverrides, copiedHeaders, describeHeaders, objectHeadersFrom, quoted, s3ETag, withChecksum, type ObjectHeaders } from './object-meta.js';
import { openPayload, readVerifiedBody } from './payload.js';
import { Tags } from './tagging.js';
import { children, childText, document, isoDate, parseRequestXml, tag } from './xml.js';

/**
 * Read size of object bodies, sent by the blob store's `writeTo` from two reused buffers. With
 * buffers reused rather than allocated per read (a stream's way), 1 MiB measured best: server
 * CPU per 64 MiB GET 29 ms at 1 MiB, 38 at 512 KiB, 43 at 256 KiB (medians of 5 alternated runs
 * on a busy machine); per 1 MiB GET within noise of each other.
 */
const GET_CHUNK_BYTES = 1024 * 1024;

export function requireKey(r: S3Request): string {
  if (r.key === undefined || r.key === '') throw s3.invalidRequest('This operation needs an object key');
  return r.key;
}

/** The blob key, checked by the blob store's rules before any body is read. */
export function checkedBlobKey(env: S3Env, bucket: Bucket, key: string): string {
  const blobKey = env.objectBlobKey(bucket, key);
  keySegments(blobKey);
  return blobKey;
}

function isAborted(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'ECONNRESET' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE' || e?.message === 'aborted';
}

/** Runs a put; a client that went away mid-body is an IncompleteBody, not a server error. */
export async function putting<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isAborted(err)) throw s3.incompleteBody();
    if (err instanceof BlobDigestMismatch) throw s3.badDigest('Content-MD5');
    throw err;
  }
}

export async function getObject(env: S3Env, r: S3Request, head: boolean): Promise<void> {
  const { ctx } = r;
  const { bucket, mayHaveTags } = await env.requireBucketEntry(r.bucket);
  const key = requireKey(r);
  await env.access.enforce(ctx, objectResource(bucket, key), 's3:GetObject');
  if (r.query.partNumber !== undefined) throw s3.notImplemented('partNumber on GetObject');
  const blobKey = env.objectBlobKey(bucket, key);
  const range = parseRangeHeader(ctx.get('range'));
  const conditions = requestConditions((n) => ctx.get(n));
  ctx.compress = false;
  let info: BlobInfo;
  let object: BlobObject | undefined;
  try {
    if (head) {
      const found = await env.blobs.head(blobKey);
      if (!found) throw s3.noSuchKey(key);
      info = found;
    } else {
      object = await env.blobs.get(blobKey, range ? { range, chunkSize: GET_CHUNK_BYTES, forSending: true } : { chunkSize: GET_CHUNK_BYTES, forSending: true });
      info = object;
    }
  } catch (err) {
    if (err instanceof BlobNotFound || (err as S3Error).code === 'InvalidBlobKey') throw s3.noSuchKey(key);
    if (err instanceof InvalidRange) {
      // Conditions come before the range: a failed one answers first.
      const current = await env.blobs.head(blobKey);
      if (current && evaluateConditions(conditions, s3ETag(current), current.lastModified) === 'not-modified') return notModified(ctx, current);
      throw s3.invalidRange(current?.size ?? 0);
    }
    throw err;
  }
  try {
    if (evaluateConditions(conditions, s3ETag(info), info.lastModified) === 'not-modified') {
      object?.body.destroy();
      return notModified(ctx, info);
    }
    describeHeaders(ctx, info, !object?.range);
    // Most buckets have no tags at all: no query then.
    const tags = mayHaveTags ? await new Tags(env).count(bucket.name, key, info) : 0;
    if (tags > 0) ctx.set('x-amz-tagging-count', String(tags));
    applyResponseOverrides(ctx, r.query);
  } catch (err) {
    object?.body.destroy();
    throw err;
  }
  if (head) {
    ctx.status = 200;
    ctx.set('Content-Length', String(info.size));
    return;
  }
  ctx.status = object!.range ? 206 : 200;
  if (object!.range) {
    const { start, end } = object!.range;
    ctx.set('Content-Range', `bytes ${start}-${end}/${info.size}`);
    ctx.length = end - start + 1;
  } else {
    ctx.length = info.size;
  }
  if (object!.writeTo) sendDirect(env, ctx, object!);
  else ctx.body = object!.body;
}

/**
 * The object written straight to the response by the blob store (reused buffers, or one write for
 * a small object) rather than piped from a stream by Koa: status and headers are all set here,
 * Koa writes nothing more. A small object kept in memory goes out at once, before the middleware
 * around this handler returns: none of it sets headers after its `next()` (Koa would ignore them
 * once sent; compression is off for S3 and sets Vary before). A failed read or a client gone
 * mid-body ends the connection, as a failed stream would.
 */
function sendDirect(env: S3Env, ctx: Context, object: BlobObject): void {
  const res = ctx.res;
  ctx.respond = false;
  object.writeTo!(res).catch((err: unknown) => {
    res.destroy();
    if (!isAborted(err)) env.logger.warn({ err, key: object.key }, 'GetObject: sending the object failed');
  });
}

function notModified(ctx: Context, info: BlobInfo): void {
  ctx.status = 304;
  ctx.set('ETag', quoted(s3ETag(info)));
  ctx.set('Last-Modified', info.lastModified.toUTCString());
}

export async function putObject(env: S3Env, r: S3Request): Promise<void> {
  const { ctx } = r;
  const bucket = await env.requireBucket(r.bucket);
  const key = requireKey(r);
  await env.access.enforce(ctx, objectResource(bucket, key), 's3:PutObject');
  if (ctx.get('x-amz-copy-source')) return copyObject(env, r, bucket, key);
  const blobKey = checkedBlobKey(env, bucket, key);
  const payload = openPayload(ctx, { md5ByStore: env.blobs.verifiesMd5 === true });
  const headers = withChecksum(objectHeadersFrom(ctx), payload.checksum);
  const tagging = ctx.get('x-amz-tagging');
  const tagSet = tagging ? Tags.parseQuery(tagging) : undefined;
  const options = putOptions(headers, payload.size);
  if (payload.expectMd5) options.expectMd5 = payload.expectMd5;
  const info = await putting(() => env.blobs.put(blobKey, payload.body, options));
  if (tagSet) await new Tags(env).store(bucket.name, key, info, tagSet);
  ctx.status = 200;
  ctx.set('ETag', quoted(info.etag));
  if (payload.checksum) ctx.set(`x-amz-checksum-${payload.checksum.algorithm}`, payload.checksum.value);
  ctx.body = '';
}

export function putOptions(headers: ObjectHeaders, size: number | undefined): PutOptions {
  return { ...(headers.contentType !== undefined ? { contentType: headers.contentType } : {}), metadata: headers.metadata, ...(size !== undefined ? { size } : {}) };
}

/** The source of a copy, read-authorised and opened (optionally a range of it), its conditions checked. */
export async function openCopySource(env: S3Env, ctx: Context, range?: ByteRange): Promise<{ bucket: Bucket; key: string; object: BlobObject }> {
  const source = parseCopySource(ctx.get('x-amz-copy-source'));
  const bucket = await env.requireBucket(source.bucket);
  await env.access.enforce(ctx, objectResource(bucket, source.key), 's3:GetObject');
  let object: BlobObject;
  try {
    object = await env.blobs.get(env.objectBlobKey(bucket, source.key), range ? { range } : {});
  } catch (err) {
    if (err instanceof BlobNotFound || (err as S3Error).code === 'InvalidBlobKey') throw s3.noSuchKey(source.key);
    if (err instanceof InvalidRange) throw s3.invalidArgument('The x-amz-copy-source-range value is not within the source object');
    throw err;
  }
  try {
    evaluateConditions(requestConditions((n) => ctx.get(n), 'x-amz-copy-source-'), s3ETag(object), object.lastModified, true);
  } catch (err) {
    object.body.destroy();
    throw err;
  }
  return { bucket, key: source.key, object };
}

async function copyObject(env: S3Env, r: S3Request, bucket: Bucket, key: string): Promise<void> {
  const { ctx } = r;
  const blobKey = checkedBlobKey(env, bucket, key);
  const directive = (ctx.get('x-amz-metadata-directive') || 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw s3.invalidArgument('Unknown metadata directive.');
  const taggingDirective = (ctx.get('x-amz-tagging-directive') || 'COPY').toUpperCase();
  const source = await openCopySource(env, ctx);
  if (source.bucket.name === bucket.name && source.key === key && directive === 'COPY') {
    source.object.body.destroy();
    throw s3.invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const headers = directive === 'REPLACE' ? objectHeadersFrom(ctx) : copiedHeaders(source.object);
  const tags = new Tags(env);
  const tagSet = taggingDirective === 'REPLACE' ? Tags.parseQuery(ctx.get('x-amz-tagging')) : await tags.get(source.bucket.name, source.key, source.object);
  const info = await env.blobs.put(blobKey, source.object.body, putOptions(headers, source.object.size));
  if (tagSet.length > 0) await tags.store(bucket.name, key, info, tagSet);
  ctx.status = 200;
  ctx.type = 'application/xml';
  ctx.body = document('CopyObjectResult', tag('LastModified', isoDate(info.lastModified)) + tag('ETag', quoted(info.etag)));
}

export async function deleteObject(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  const key = requireKey(r);
  await env.access.enforce(r.ctx, objectResource(bucket, key), 's3:DeleteObject');
  await removeObject(env, bucket, key);
  r.ctx.status = 204;
}

async function removeObject(env: S3Env, bucket: Bucket, key: string): Promise<void> {
  try {
    await env.blobs.delete(env.objectBlobKey(bucket, key));
  } catch (err) {
    // A key the blob store refuses cannot exist: deleting it succeeds, as for any missing key.
    if ((err as S3Error).code !== 'InvalidBlobKey') throw err;
  }
  await new Tags(env).remove(bucket.name, key);
}

const MAX_DELETE_KEYS = 1000;

export async function deleteObjects(env: S3Env, r: S3Request): Promise<void> {
  const { ctx } = r;
  const bucket = await env.requireBucket(r.bucket);
  const body = await readVerifiedBody(ctx, 2 * 1024 * 1024);
  const root = parseRequestXml(body, 'Delete');
  const quiet = childText(root, 'Quiet')?.toLowerCase() === 'true';
  const objects = children(root, 'Object');
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw s3.malformedXML(`Delete takes 1 to ${MAX_DELETE_KEYS} objects`);
  const results: string[] = [];
  for (const o of objects) {
    const key = childText(o, 'Key');
    if (key === undefined || key === '') throw s3.malformedXML('each Object needs a Key');
    try {
      await env.access.enforce(ctx, objectResource(bucket, key), 's3:DeleteObject');
      await removeObject(env, bucket, key);
      if (!quiet) results.push(`<Deleted>${tag('Key', key)}</Deleted>`);
    } catch (err) {
      const e = err as S3Error;
      const code = e.code === 'Forbidden' || e.code === 'Unauthenticated' ? 'AccessDenied' : e.code ?? 'InternalError';
      results.push(`<Error>${tag('Key', key)}${tag('Code', code)}${tag('Message', e.expose === false ? 'We encountered an internal error.' : e.message)}</Error>`);
      if (!(err instanceof S3Error) && !['Forbidden', 'Unauthenticated'].includes(e.code)) env.logger.error({ err, key }, 'DeleteObjects: a key failed');
    }
  }
  ctx.status = 200;
  ctx.type = 'application/xml';
  ctx.body = document('DeleteResult', results.join(''));
}
