/**
 * Object tags (GetObjectTagging, PutObjectTagging, DeleteObjectTagging, x-amz-tagging on PUT) in
 * the database, bound to the object version they were set on (ETag and Last-Modified): a later
 * PUT of the key, which S3 gives no tags, finds none, without rewriting the object to set them.
 */
import type { BlobInfo } from '../../core/storage/blobs/types.js';
import { objectResource } from './access.js';
import type { Bucket } from './buckets.js';
import { s3 } from './errors.js';
import type { S3Env, S3Request } from './env.js';
import { TAGS_TABLE } from './migrations.js';
import { s3ETag } from './object-meta.js';
import { readVerifiedBody } from './payload.js';
import { children, childText, document, parseRequestXml, tag } from './xml.js';
import { requireKey } from './objects.js';
import { BlobNotFound } from '../../core/storage/blobs/errors.js';

export type TagSet = Array<{ key: string; value: string }>;

interface Row {
  bucket: string;
  object_key: string;
  etag: string;
  last_modified: string;
  tags: string;
}

function checkTags(tags: TagSet): TagSet {
  if (tags.length > 10) throw s3.invalidArgument('Object tags cannot be greater than 10');
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.key.length < 1 || t.key.length > 128) throw s3.invalidArgument('The TagKey you have provided is invalid');
    if (t.value.length > 256) throw s3.invalidArgument('The TagValue you have provided is invalid');
    if (seen.has(t.key)) throw s3.invalidArgument('Cannot provide multiple Tags with the same key');
    seen.add(t.key);
  }
  return tags;
}

export class Tags {
  constructor(private readonly env: S3Env) {}

  /** x-amz-tagging: `k1=v1&k2=v2`, URL-encoded. */
  static parseQuery(value: string): TagSet {
    if (!value) return [];
    return checkTags([...new URLSearchParams(value)].map(([key, v]) => ({ key, value: v })));
  }

  async get(bucket: string, key: string, info: BlobInfo): Promise<TagSet> {
    const row = await this.env.db.knex<Row>(TAGS_TABLE).where({ bucket, object_key: key }).first();
    if (!row || row.etag !== s3ETag(info) || row.last_modified !== info.lastModified.toISOString()) return [];
    return JSON.parse(row.tags) as TagSet;
  }

  async count(bucket: string, key: string, info: BlobInfo): Promise<number> {
    return (await this.get(bucket, key, info)).length;
  }

  async store(bucket: string, key: string, info: BlobInfo, tags: TagSet): Promise<void> {
    const row: Row = { bucket, object_key: key, etag: s3ETag(info), last_modified: info.lastModified.toISOString(), tags: JSON.stringify(tags) };
    await this.env.db.knex(TAGS_TABLE).insert(row).onConflict(['bucket', 'object_key']).merge();
    this.env.buckets.markTagged(bucket);
  }

  async remove(bucket: string, key: string): Promise<void> {
    await this.env.db.knex(TAGS_TABLE).where({ bucket, object_key: key }).delete();
  }
}

async function currentObject(env: S3Env, bucket: Bucket, key: string): Promise<BlobInfo> {
  try {
    const info = await env.blobs.head(env.objectBlobKey(bucket, key));
    if (!info) throw s3.noSuchKey(key);
    return info;
  } catch (err) {
    if (err instanceof BlobNotFound || (err as { code?: string }).code === 'InvalidBlobKey') throw s3.noSuchKey(key);
    throw err;
  }
}

export async function getObjectTagging(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  const key = requireKey(r);
  await env.access.enforce(r.ctx, objectResource(bucket, key), 's3:GetObjectTagging');
  const info = await currentObject(env, bucket, key);
  const tags = await new Tags(env).get(bucket.name, key, info);
  r.ctx.type = 'application/xml';
  r.ctx.body = document('Tagging', `<TagSet>${tags.map((t) => `<Tag>${tag('Key', t.key)}${tag('Value', t.value)}</Tag>`).join('')}</TagSet>`);
}

export async function putObjectTagging(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  const key = requireKey(r);
  await env.access.enforce(r.ctx, objectResource(bucket, key), 's3:PutObjectTagging');
  const root = parseRequestXml(await readVerifiedBody(r.ctx, 64 * 1024), 'Tagging');
  const set = children(root, 'TagSet')[0];
  if (!set) throw s3.malformedXML('Tagging needs a TagSet');
  const tags = checkTags(children(set, 'Tag').map((t) => ({ key: childText(t, 'Key') ?? '', value: childText(t, 'Value') ?? '' })));
  const info = await currentObject(env, bucket, key);
  await new Tags(env).store(bucket.name, key, info, tags);
  r.ctx.status = 200;
  r.ctx.body = '';
}

export async function deleteObjectTagging(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  const key = requireKey(r);
  await env.access.enforce(r.ctx, objectResource(bucket, key), 's3:DeleteObjectTagging');
  await currentObject(env, bucket, key);
  await new Tags(env).remove(bucket.name, key);
  r.ctx.status = 204;
}
