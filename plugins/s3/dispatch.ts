/**
 * From an HTTP request to an S3 operation: the bucket from the host (virtual-hosted style,
 * `bucket.<hostName>`) or the first path segment (path style), the key from the rest of the
 * path, the operation from the method and the sub-resource in the query.
 */
import type { Context } from 'koa';
import type { Subject } from '../../core/auth/types.js';
import { createBucket, deleteBucket, getBucketLocation, getBucketVersioning, headBucket, listBuckets } from './bucket-ops.js';
import { s3 } from './errors.js';
import type { S3Env, S3Request } from './env.js';
import { listObjects } from './listing.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart } from './multipart.js';
import { deleteObject, deleteObjects, getObject, putObject } from './objects.js';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './tagging.js';

type Handler = (env: S3Env, r: S3Request) => Promise<void>;

/** Sub-resources S3 has that this plugin does not do: NotImplemented rather than a wrong answer. */
const UNSUPPORTED = [
  'acl', 'policy', 'cors', 'lifecycle', 'website', 'replication', 'encryption', 'logging', 'notification', 'object-lock',
  'retention', 'legal-hold', 'accelerate', 'analytics', 'inventory', 'metrics', 'intelligent-tiering', 'ownershipControls',
  'publicAccessBlock', 'requestPayment', 'restore', 'select', 'torrent', 'versions', 'policyStatus', 'attributes', 'tagging',
];

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw s3.invalidURI();
  }
}

export function addressOf(ctx: Context, hostName: string | undefined): { bucket?: string; key?: string } {
  const host = (ctx.get('host') || '').toLowerCase().replace(/:\d+$/, '');
  // Below the mount path when the plugin is mounted on the main listener (/s3/bucket/key).
  const mount = (ctx.state.mountPath as string | undefined) ?? '';
  const path = mount && ctx.path.startsWith(mount) ? ctx.path.slice(mount.length) || '/' : ctx.path;
  if (hostName && host.endsWith(`.${hostName.toLowerCase()}`)) {
    const bucket = host.slice(0, -(hostName.length + 1));
    const key = path.length > 1 ? decodePath(path.slice(1)) : undefined;
    return key === undefined ? { bucket } : { bucket, key };
  }
  if (path === '/' || path === '') return {};
  const rest = path.slice(1);
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: decodePath(rest) };
  const bucket = decodePath(rest.slice(0, slash));
  const key = decodePath(rest.slice(slash + 1));
  return key === '' ? { bucket } : { bucket, key };
}

function pick(r: S3Request): Handler {
  const { method } = r.ctx;
  const q = r.query;
  const has = (name: string) => Object.hasOwn(q, name);
  if (r.bucket === undefined) {
    if (method === 'GET') return listBuckets;
    throw s3.methodNotAllowed(method);
  }
  if (r.key === undefined) {
    switch (method) {
      case 'GET':
        if (has('location')) return getBucketLocation;
        if (has('uploads')) return listMultipartUploads;
        if (has('versioning')) return getBucketVersioning;
        break;
      case 'PUT':
        if (!unsupported(q)) return createBucket;
        break;
      case 'DELETE':
        if (!unsupported(q)) return deleteBucket;
        break;
      case 'HEAD':
        return headBucket;
      case 'POST':
        if (has('delete')) return deleteObjects;
        break;
      default:
        throw s3.methodNotAllowed(method);
    }
    const sub = unsupported(q);
    if (sub) throw s3.notImplemented(`?${sub}`);
    if (method === 'GET') return (env, req) => listObjects(env, req, q['list-type'] === '2' ? 2 : 1);
    throw s3.methodNotAllowed(method);
  }
  switch (method) {
    case 'GET':
      if (has('tagging')) return getObjectTagging;
      if (has('uploadId')) return listParts;
      if (!unsupported(q)) return (env, req) => getObject(env, req, false);
      break;
    case 'HEAD':
      return (env, req) => getObject(env, req, true);
    case 'PUT':
      if (has('tagging')) return putObjectTagging;
      if (has('uploadId') || has('partNumber')) return uploadPart;
      if (!unsupported(q)) return putObject;
      break;
    case 'DELETE':
      if (has('tagging')) return deleteObjectTagging;
      if (has('uploadId')) return abortMultipartUpload;
      if (!unsupported(q)) return deleteObject;
      break;
    case 'POST':
      if (has('uploads')) return createMultipartUpload;
      if (has('uploadId')) return completeMultipartUpload;
      break;
    default:
      throw s3.methodNotAllowed(method);
  }
  throw s3.notImplemented(`${method} ?${unsupported(q) ?? Object.keys(q).join('&')}`);
}

function unsupported(q: Record<string, string>): string | undefined {
  return UNSUPPORTED.find((name) => Object.hasOwn(q, name));
}

export async function dispatch(env: S3Env, ctx: Context): Promise<void> {
  const subject = ctx.state.subject as Subject;
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.query)) query[name] = Array.isArray(value) ? value[0]! : (value ?? '');
  const r: S3Request = { ctx, query, subject, ...addressOf(ctx, env.config.hostName) };
  ctx.set('x-amz-request-id', String(ctx.state.requestId ?? ''));
  const handler = pick(r);
  if (!subject.anonymous) await env.ensureWorkspace(subject);
  await handler(env, r);
}
