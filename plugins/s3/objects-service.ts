/**
 * The `s3-objects` service (types.ts): references to objects of this S3 service, followed for
 * another plugin as a given subject. The bucket/key → blob key mapping is S3Env's (the one the
 * S3 operations use) and the access check is s3:GetObject on the object resource, so a policy
 * decides a read through processing or WMS exactly as a GET through the AWS CLI.
 */
import type { Subject } from '../../core/auth/types.js';
import { keySegments } from '../../core/storage/blobs/keys.js';
import { objectResource } from './access.js';
import { isValidBucketName, type Bucket } from './buckets.js';
import type { S3Env } from './env.js';
import { S3ReferenceError, type S3ObjectAddress, type S3ObjectLocation, type S3ObjectsService, type S3Workspace } from './types.js';

/** A user's subject as the s3 plugin records it as a workspace's creator, for callers that know only the id (a job's owner). */
function subjectOf(user: string | Subject): Subject {
  return typeof user === 'string' ? { id: user, issuer: 'meridian:s3', claims: {}, groups: [], anonymous: false, method: 'system' } : user;
}

function invalid(message: string): S3ReferenceError {
  return new S3ReferenceError(400, 'InvalidReference', message);
}

/** Checks names as the S3 operations do: a valid bucket name, a key the blob store accepts. */
function checked(bucket: string, key: string, href: string): S3ObjectAddress {
  if (!isValidBucketName(bucket)) throw invalid(`'${href}': '${bucket}' is not a valid bucket name`);
  if (key === '') throw invalid(`'${href}' names a bucket, not an object`);
  try {
    keySegments(key);
  } catch (err) {
    throw invalid(`'${href}': invalid object key (${(err as Error).message})`);
  }
  return { bucket, key };
}

function decoded(raw: string, href: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalid(`'${href}' is not a valid URL`);
  }
}

export function createS3ObjectsService(env: S3Env, mountPath: string): S3ObjectsService {
  const hostName = env.config.hostName?.toLowerCase();

  function parse(href: string): S3ObjectAddress | undefined {
    const s3 = /^s3:\/\/([^/?#]*)(?:\/(.*))?$/is.exec(href);
    if (s3) return checked(s3[1]!, s3[2] ?? '', href);
    if (!hostName || !/^https?:\/\//i.test(href)) return undefined;
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return undefined;
    }
    const host = url.hostname.toLowerCase();
    if (host.endsWith(`.${hostName}`)) return checked(host.slice(0, -(hostName.length + 1)), decoded(url.pathname.slice(1), href), href);
    if (host !== hostName) return undefined;
    let path = url.pathname;
    if (mountPath) {
      if (path !== mountPath && !path.startsWith(`${mountPath}/`)) return undefined;
      path = path.slice(mountPath.length);
    }
    const rest = path.slice(1);
    const slash = rest.indexOf('/');
    return slash < 0 ? checked(decoded(rest, href), '', href) : checked(decoded(rest.slice(0, slash), href), decoded(rest.slice(slash + 1), href), href);
  }

  function addressOf(ref: string | S3ObjectAddress): S3ObjectAddress {
    if (typeof ref !== 'string') return checked(ref.bucket, ref.key, `s3://${ref.bucket}/${ref.key}`);
    const found = parse(ref);
    if (!found) throw invalid(`'${ref}' is not an s3:// reference`);
    return found;
  }

  async function bucketOf(address: S3ObjectAddress): Promise<Bucket> {
    const found = await env.buckets.lookup(address.bucket);
    if (!found) throw new S3ReferenceError(404, 'NoSuchBucket', `no bucket '${address.bucket}'`);
    return found.bucket;
  }

  const location = (bucket: Bucket, key: string): S3ObjectLocation => ({ bucket: bucket.name, key, blobKey: env.objectBlobKey(bucket, key), url: `s3://${bucket.name}/${key}` });

  async function workspace(user: string | Subject): Promise<S3Workspace | undefined> {
    const subject = subjectOf(user);
    if (subject.anonymous) return undefined;
    const bucket = await env.workspaceOf(subject);
    return bucket ? { bucket: bucket.name, blobPrefix: env.bucketPrefix(bucket) } : undefined;
  }

  return {
    parse,

    async locate(ref) {
      const address = addressOf(ref);
      return location(await bucketOf(address), address.key);
    },

    async mayRead(subject, ref) {
      let address: S3ObjectAddress;
      try {
        address = addressOf(ref);
      } catch {
        return false;
      }
      const found = await env.buckets.lookup(address.bucket);
      return found !== null && env.access.permits(subject, objectResource(found.bucket, address.key), 's3:GetObject');
    },

    async resolveRead(ref, subject) {
      const address = addressOf(ref);
      const bucket = await bucketOf(address);
      if (!(await env.access.permits(subject, objectResource(bucket, address.key), 's3:GetObject'))) {
        throw new S3ReferenceError(403, 'AccessDenied', `not allowed to read s3://${address.bucket}/${address.key}`);
      }
      return location(bucket, address.key);
    },

    workspace,

    async workspaceUrl(user, blobKey) {
      const ws = await workspace(user);
      if (!ws || !blobKey.startsWith(ws.blobPrefix) || blobKey.length === ws.blobPrefix.length) return undefined;
      return `s3://${ws.bucket}/${blobKey.slice(ws.blobPrefix.length)}`;
    },
  };
}
