/**
 * Multipart uploads. The upload (key, initiator, the headers given at Create) is a database row;
 * each part is a blob of its own under `<blobPrefix>.uploads/<uploadId>/`, never visible in the
 * bucket. Complete checks the list, then streams the parts one after another into a single blob
 * put, so the object appears whole (or, if the server dies meanwhile, the old one stays); the
 * upload and its parts are removed after. Uploads older than `abandonedUploadAgeSeconds` are swept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { objectResource } from './access.js';
import type { Bucket } from './buckets.js';
import { ownerXml } from './bucket-ops.js';
import { parseCopySourceRange } from './copy-source.js';
import { s3 } from './errors.js';
import type { S3Env, S3Request } from './env.js';
import { UPLOADS_TABLE } from './migrations.js';
import { ETAG_META, objectHeadersFrom, quoted, type ObjectHeaders } from './object-meta.js';
import { checkedBlobKey, openCopySource, putOptions, putting, requireKey } from './objects.js';
import { openPayload, readVerifiedBody } from './payload.js';
import { children, childText, document, isoDate, parseRequestXml, tag } from './xml.js';
import type { BlobInfo } from '../../core/storage/blobs/types.js';

const MAX_PARTS = 10_000;
const MAX_PART_BYTES = 5 * 1024 ** 3;

interface UploadRow {
  upload_id: string;
  bucket: string;
  object_key: string;
  initiator: string;
  created_ms: number | string;
  headers: string;
}

interface Upload {
  id: string;
  bucket: string;
  key: string;
  initiator: string;
  created: Date;
  headers: ObjectHeaders;
}

const toUpload = (row: UploadRow): Upload => ({
  id: row.upload_id,
  bucket: row.bucket,
  key: row.object_key,
  initiator: row.initiator,
  created: new Date(Number(row.created_ms)),
  headers: JSON.parse(row.headers) as ObjectHeaders,
});

async function findUpload(env: S3Env, bucket: Bucket, key: string, uploadId: string | undefined): Promise<Upload> {
  if (!uploadId || !/^[0-9a-f]{32}$/.test(uploadId)) throw s3.noSuchUpload(uploadId ?? '');
  const row = await env.db.knex<UploadRow>(UPLOADS_TABLE).where({ upload_id: uploadId }).first();
  if (!row || row.bucket !== bucket.name || row.object_key !== key) throw s3.noSuchUpload(uploadId);
  return toUpload(row);
}

function partNumberOf(value: string | undefined): number {
  const n = Number(value);
  if (!value || !/^\d+$/.test(value) || n < 1 || n > MAX_PARTS) throw s3.invalidArgument('Part number must be an integer between 1 and 10000, inclusive');
  return n;
}

/** Stored parts of an upload, by part number. */
async function storedParts(env: S3Env, uploadId: string): Promise<Map<number, BlobInfo>> {
  const prefix = `${env.uploadsPrefix()}${uploadId}/`;
  const parts = new Map<number, BlobInfo>();
  let cursor: string | undefined;
  do {
    const page = await env.blobs.list(prefix, cursor ? { cursor } : {});
    for (const item of page.items) parts.set(Number(item.key.slice(prefix.length)), item);
    cursor = page.nextCursor;
  } while (cursor);
  return parts;
}

async function removeUpload(env: S3Env, uploadId: string): Promise<void> {
  await env.db.knex(UPLOADS_TABLE).where({ upload_id: uploadId }).delete();
  for (const part of (await storedParts(env, uploadId)).values()) await env.blobs.delete(part.key).catch(() => undefined);
}

export async function createMultipartUpload(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  const key = requireKey(r);
  await env.access.enforce(r.ctx, objectResource(bucket, key), 's3:PutObject');
  checkedBlobKey(env, bucket, key);
  const id = randomBytes(16).toString('hex');
  const row: UploadRow = { upload_id: id, bucket: bucket.name, object_key: key, initiator: r.subject.id, created_ms: Date.now(), headers: JSON.stringify(objectHeadersFrom(r.ctx)) };
  await env.db.knex(UPLOADS_TABLE).insert(row);
  r.ctx.type = 'application/xml';
  r.ctx.body = document('InitiateMultipartUploadResult', tag('Bucket', bucket.name) + tag('Key', key) + tag('UploadId', id));
}

export async function uploadPart(env: S3Env, r: S3Request): Promise<void> {
  const { ctx } = r;
  const bucket = await env.requireBucket(r.bucket);
  const key = requireKey(r);
  const partNumber = partNumberOf(r.query.partNumber);
  await env.access.enforce(ctx, objectResource(bucket, key), 's3:PutObject');
  const upload = await findUpload(env, bucket, key, r.query.uploadId);
  const partKey = env.partBlobKey(upload.id, partNumber);
  if (ctx.get('x-amz-copy-source')) {
    const rangeHeader = ctx.get('x-amz-copy-source-range');
    const range = rangeHeader ? parseCopySourceRange(rangeHeader) : undefined;
    const source = await openCopySource(env, ctx, range);
    if (source.object.size > MAX_PART_BYTES) {
      source.object.body.destroy();
      throw s3.entityTooLarge();
    }
    const info = await env.blobs.put(partKey, source.object.body, { size: source.object.range ? source.object.range.end - source.object.range.start + 1 : source.object.size });
    ctx.type = 'application/xml';
    ctx.body = document('CopyPartResult', tag('LastModified', isoDate(info.lastModified)) + tag('ETag', quoted(info.etag)));
    return;
  }
  const payload = openPayload(ctx, { md5ByStore: env.blobs.verifiesMd5 === true });
  if (payload.size !== undefined && payload.size > MAX_PART_BYTES) throw s3.entityTooLarge();
  const info = await putting(() => env.blobs.put(partKey, payload.body, { ...(payload.size !== undefined ? { size: payload.size } : {}), ...(payload.expectMd5 ? { expectMd5: payload.expectMd5 } : {}) }));
  ctx.status = 200;
  ctx.set('ETag', quoted(info.etag));
  if (payload.checksum) ctx.set(`x-amz-checksum-${payload.checksum.algorithm}`, payload.checksum.value);
  ctx.body = '';
}

export async function completeMultipartUpload(env: S3Env, r: S3Request): Promise<void> {
  const { ctx } = r;
  const bucket = await env.requireBucket(r.bucket);
  const key = requireKey(r);
  await env.access.enforce(ctx, objectResource(bucket, key), 's3:PutObject');
  const upload = await findUpload(env, bucket, key, r.query.uploadId);
  const root = parseRequestXml(await readVerifiedBody(ctx, 4 * 1024 * 1024), 'CompleteMultipartUpload');
  const requested = children(root, 'Part').map((p) => ({ number: Number(childText(p, 'PartNumber')), etag: (childText(p, 'ETag') ?? '').replace(/"/g, '').toLowerCase() }));
  if (requested.length === 0) throw s3.malformedXML('CompleteMultipartUpload needs at least one Part');
  for (let i = 0; i < requested.length; i++) {
    const part = requested[i]!;
    if (!Number.isInteger(part.number) || part.number < 1 || part.number > MAX_PARTS) throw s3.invalidArgument('Part number must be an integer between 1 and 10000, inclusive');
    if (i > 0 && part.number <= requested[i - 1]!.number) throw s3.invalidPartOrder();
  }
  const stored = await storedParts(env, upload.id);
  const chosen: BlobInfo[] = [];
  for (const part of requested) {
    const found = stored.get(part.number);
    if (!found || found.etag !== part.etag) throw s3.invalidPart(part.number);
    chosen.push(found);
  }
  chosen.forEach((part, i) => {
    if (i < chosen.length - 1 && part.size < env.config.minPartSize) throw s3.entityTooSmall(requested[i]!.number);
  });
  const md5s = Buffer.concat(chosen.map((p) => Buffer.from(p.etag, 'hex')));
  const etag = `${createHash('md5').update(md5s).digest('hex')}-${chosen.length}`;
  const size = chosen.reduce((sum, p) => sum + p.size, 0);
  const headers: ObjectHeaders = { ...upload.headers, metadata: { ...upload.headers.metadata, [ETAG_META]: etag } };
  const body = Readable.from(concatenate(env, chosen));
  await env.blobs.put(checkedBlobKey(env, bucket, key), body, putOptions(headers, size));
  await removeUpload(env, upload.id);
  ctx.type = 'application/xml';
  ctx.body = document(
    'CompleteMultipartUploadResult',
    tag('Location', `${ctx.state.baseUrl as string}/${bucket.name}/${key.split('/').map(encodeURIComponent).join('/')}`) + tag('Bucket', bucket.name) + tag('Key', key) + tag('ETag', quoted(etag)),
  );
}

/** The parts' bytes in order, one part open at a time. */
async function* concatenate(env: S3Env, parts: BlobInfo[]): AsyncGenerator<Buffer> {
  for (const part of parts) {
    const object = await env.blobs.get(part.key);
    if (object.etag !== part.etag) {
      object.body.destroy();
      throw s3.invalidPart(Number(part.key.slice(part.key.lastIndexOf('/') + 1)));
    }
    for await (const chunk of object.body) yield chunk as Buffer;
  }
}

export async function abortMultipartUpload(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  const key = requireKey(r);
  await env.access.enforce(r.ctx, objectResource(bucket, key), 's3:AbortMultipartUpload');
  const upload = await findUpload(env, bucket, key, r.query.uploadId);
  await removeUpload(env, upload.id);
  r.ctx.status = 204;
}

export async function listParts(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  const key = requireKey(r);
  await env.access.enforce(r.ctx, objectResource(bucket, key), 's3:ListMultipartUploadParts');
  const upload = await findUpload(env, bucket, key, r.query.uploadId);
  const marker = r.query['part-number-marker'] ? Number(r.query['part-number-marker']) : 0;
  const maxParts = r.query['max-parts'] ? Math.min(Number(r.query['max-parts']), 1000) : 1000;
  if (!Number.isInteger(marker) || marker < 0 || !Number.isInteger(maxParts) || maxParts < 0) throw s3.invalidArgument('part-number-marker and max-parts must be non-negative integers');
  const all = [...(await storedParts(env, upload.id))].filter(([n]) => n > marker).sort((a, b) => a[0] - b[0]);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const parts = page
    .map(([n, info]) => `<Part>${tag('PartNumber', n)}${tag('LastModified', isoDate(info.lastModified))}${tag('ETag', quoted(info.etag))}${tag('Size', info.size)}</Part>`)
    .join('');
  r.ctx.type = 'application/xml';
  r.ctx.body = document(
    'ListPartsResult',
    tag('Bucket', bucket.name) + tag('Key', key) + tag('UploadId', upload.id) +
      `<Initiator>${tag('ID', upload.initiator)}${tag('DisplayName', upload.initiator)}</Initiator>` + ownerXml(bucket.owner) +
      tag('StorageClass', 'STANDARD') + tag('PartNumberMarker', marker) +
      (page.length ? tag('NextPartNumberMarker', page.at(-1)![0]) : '') + tag('MaxParts', maxParts) + tag('IsTruncated', truncated) + parts,
  );
}

export async function listMultipartUploads(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  await env.access.enforce(r.ctx, { type: 'bucket', service: 's3', id: bucket.name, owner: bucket.owner, attributes: { visibility: bucket.visibility } }, 's3:ListBucketMultipartUploads');
  const q = r.query;
  const prefix = q.prefix ?? '';
  const keyMarker = q['key-marker'] ?? '';
  const idMarker = q['upload-id-marker'] ?? '';
  const maxUploads = q['max-uploads'] ? Math.min(Number(q['max-uploads']), 1000) : 1000;
  if (!Number.isInteger(maxUploads) || maxUploads < 0) throw s3.invalidArgument('max-uploads must be a non-negative integer');
  const rows = (await env.db.knex<UploadRow>(UPLOADS_TABLE).where({ bucket: bucket.name })).map(toUpload);
  const sorted = rows
    .filter((u) => u.key.startsWith(prefix))
    .filter((u) => !keyMarker || u.key > keyMarker || (u.key === keyMarker && idMarker !== '' && u.id > idMarker))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1));
  const page = sorted.slice(0, maxUploads);
  const truncated = sorted.length > page.length;
  const last = page.at(-1);
  r.ctx.type = 'application/xml';
  r.ctx.body = document(
    'ListMultipartUploadsResult',
    tag('Bucket', bucket.name) + tag('KeyMarker', keyMarker) + tag('UploadIdMarker', idMarker) +
      (truncated && last ? tag('NextKeyMarker', last.key) + tag('NextUploadIdMarker', last.id) : '') +
      tag('Prefix', prefix) + tag('MaxUploads', maxUploads) + tag('IsTruncated', truncated) +
      page
        .map(
          (u) =>
            `<Upload>${tag('Key', u.key)}${tag('UploadId', u.id)}<Initiator>${tag('ID', u.initiator)}${tag('DisplayName', u.initiator)}</Initiator>` +
            `${ownerXml(bucket.owner)}${tag('StorageClass', 'STANDARD')}${tag('Initiated', isoDate(u.created))}</Upload>`,
        )
        .join(''),
  );
}

export async function abortUploadsOfBucket(env: S3Env, bucket: string): Promise<void> {
  const rows = await env.db.knex<UploadRow>(UPLOADS_TABLE).where({ bucket }).select('upload_id');
  for (const row of rows) await removeUpload(env, row.upload_id);
}

/**
 * Removes uploads older than the configured age with their parts, and part folders no upload
 * owns (an Abort racing an UploadPart, a crash between the two deletes). Returns how many went.
 */
export async function sweepAbandonedUploads(env: S3Env, now = Date.now()): Promise<number> {
  const cutoff = now - env.config.abandonedUploadAgeSeconds * 1000;
  let removed = 0;
  const old = await env.db.knex<UploadRow>(UPLOADS_TABLE).where('created_ms', '<', cutoff).select('upload_id');
  for (const row of old) {
    await removeUpload(env, row.upload_id);
    removed++;
  }
  const prefix = env.uploadsPrefix();
  let cursor: string | undefined;
  do {
    const page = await env.blobs.list(prefix, { delimiter: '/', ...(cursor ? { cursor } : {}) });
    for (const folder of page.prefixes) {
      const id = folder.slice(prefix.length, -1);
      const known = await env.db.knex<UploadRow>(UPLOADS_TABLE).where({ upload_id: id }).first();
      if (known) continue;
      const parts = await storedParts(env, id);
      if ([...parts.values()].every((p) => p.lastModified.getTime() < cutoff)) {
        for (const p of parts.values()) await env.blobs.delete(p.key).catch(() => undefined);
        removed++;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return removed;
}
