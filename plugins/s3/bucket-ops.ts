/** Bucket operations: ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation, GetBucketVersioning. */
import { bucketResource } from './access.js';
import { isValidBucketName, type Bucket } from './buckets.js';
import { s3 } from './errors.js';
import type { S3Env, S3Request } from './env.js';
import { abortUploadsOfBucket } from './multipart.js';
import { readVerifiedBody } from './payload.js';
import { childText, document, isoDate, parseRequestXml, tag } from './xml.js';

export const ownerXml = (id: string) => `<Owner>${tag('ID', id)}${tag('DisplayName', id)}</Owner>`;

export async function listBuckets(env: S3Env, r: S3Request): Promise<void> {
  if (r.subject.anonymous) throw s3.accessDenied();
  const visible: Bucket[] = [];
  for (const bucket of await env.buckets.list()) {
    if (await env.access.permits(r.subject, bucketResource(bucket), 's3:ListBucket')) visible.push(bucket);
  }
  const prefix = r.query.prefix;
  const shown = prefix ? visible.filter((b) => b.name.startsWith(prefix)) : visible;
  r.ctx.type = 'application/xml';
  r.ctx.body = document(
    'ListAllMyBucketsResult',
    ownerXml(r.subject.id) +
      `<Buckets>${shown.map((b) => `<Bucket>${tag('Name', b.name)}${tag('CreationDate', isoDate(b.createdAt))}${tag('BucketRegion', b.region)}</Bucket>`).join('')}</Buckets>`,
  );
}

export async function createBucket(env: S3Env, r: S3Request): Promise<void> {
  const name = r.bucket!;
  if (!isValidBucketName(name) || env.overlapsWorkspaces(name)) throw s3.invalidBucketName(name);
  const body = await readVerifiedBody(r.ctx, 64 * 1024);
  let region = env.config.region;
  if (body.length > 0 && body.toString('utf8').trim() !== '') {
    const root = parseRequestXml(body, 'CreateBucketConfiguration');
    const location = childText(root, 'LocationConstraint');
    if (location) region = location;
  }
  const acl = r.ctx.get('x-amz-acl');
  const visibility = acl === 'public-read' || acl === 'public-read-write' ? 'public' : 'private';
  const bucket: Bucket = { name, owner: r.subject.id, createdAt: new Date(), region, visibility };
  // The would-be owner is the requester: under the default policy any authenticated user may create.
  await env.access.enforce(r.ctx, bucketResource(bucket), 's3:CreateBucket');
  const existing = await env.buckets.get(name);
  if (existing) throw existing.owner === r.subject.id ? s3.bucketAlreadyOwnedByYou(name) : s3.bucketAlreadyExists(name);
  if (!(await env.buckets.create(bucket))) {
    const winner = await env.buckets.get(name);
    throw winner?.owner === r.subject.id ? s3.bucketAlreadyOwnedByYou(name) : s3.bucketAlreadyExists(name);
  }
  try {
    await env.auth.resourceCreated(r.subject, bucketResource(bucket));
  } catch (err) {
    await env.buckets.delete(name);
    throw err;
  }
  r.ctx.status = 200;
  r.ctx.set('Location', `/${name}`);
  r.ctx.body = '';
}

export async function deleteBucket(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  await env.access.enforce(r.ctx, bucketResource(bucket), 's3:DeleteBucket');
  const page = await env.blobs.list(env.bucketPrefix(bucket), { limit: 1 });
  if (page.items.length > 0) throw s3.bucketNotEmpty(bucket.name);
  await abortUploadsOfBucket(env, bucket.name);
  await env.buckets.delete(bucket.name);
  await env.auth.resourceDeleted(bucketResource(bucket));
  r.ctx.status = 204;
}

export async function headBucket(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  await env.access.enforce(r.ctx, bucketResource(bucket), 's3:ListBucket');
  r.ctx.status = 200;
  r.ctx.set('x-amz-bucket-region', bucket.region);
  r.ctx.body = '';
}

export async function getBucketLocation(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  await env.access.enforce(r.ctx, bucketResource(bucket), 's3:GetBucketLocation');
  r.ctx.type = 'application/xml';
  // us-east-1 is written as an empty constraint, as S3 does.
  r.ctx.body = document('LocationConstraint', '').replace('></LocationConstraint>', `>${bucket.region === 'us-east-1' ? '' : bucket.region}</LocationConstraint>`);
}

export async function getBucketVersioning(env: S3Env, r: S3Request): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  await env.access.enforce(r.ctx, bucketResource(bucket), 's3:ListBucket');
  r.ctx.type = 'application/xml';
  r.ctx.body = document('VersioningConfiguration', '');
}
