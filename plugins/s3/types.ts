/**
 * The `s3-objects` service: what other plugins (processing, coverages) use to read objects of the
 * S3 service named by `s3://bucket/key` references, as a given subject, and to find a user's
 * workspace bucket. Implemented by objects-service.ts over the same bucket/key → blob key mapping
 * and the same access check (s3:GetObject on the object resource) as the S3 operations.
 */
import type { Subject } from '../../core/auth/types.js';
import { MeridianError } from '../../core/errors.js';

export const S3_OBJECTS_SERVICE = 's3-objects';

/** An object named by a reference. */
export interface S3ObjectAddress {
  bucket: string;
  key: string;
}

/** Where an object's bytes are: its blob key in the platform's blob store. */
export interface S3ObjectLocation extends S3ObjectAddress {
  blobKey: string;
  /** The object as `s3://bucket/key`. */
  url: string;
}

export interface S3Workspace {
  bucket: string;
  /** Blob key prefix of the bucket's objects (`workspaces/<user>/`). */
  blobPrefix: string;
}

/**
 * A reference that cannot be followed: 400 `InvalidReference` (bad bucket name or key),
 * 404 `NoSuchBucket`, 403 `AccessDenied`. Callers render it in their own error format.
 */
export class S3ReferenceError extends MeridianError {
  constructor(status: 400 | 403 | 404, code: 'InvalidReference' | 'NoSuchBucket' | 'AccessDenied', message: string) {
    super(status, message, { code, expose: true });
    this.name = 'S3ReferenceError';
  }
}

export interface S3ObjectsService {
  /**
   * The bucket and key an href names: `s3://bucket/key` (the key as written, not URL-decoded), or
   * with `hostName` configured an http(s) URL of this service, path style
   * (`http://<hostName>[:port][/mount]/bucket/key`) or virtual-hosted (`http://bucket.<hostName>/key`).
   * Undefined when the href is neither; S3ReferenceError 400 for an invalid bucket name or key.
   */
  parse(href: string): S3ObjectAddress | undefined;
  /**
   * The object's blob key, without any access check: for the engines' own reads (a raster's
   * header at a scan). Whatever reaches a client must pass `mayRead` or `resolveRead` first.
   * S3ReferenceError 400, or 404 when the bucket does not exist.
   */
  locate(ref: string | S3ObjectAddress): Promise<S3ObjectLocation>;
  /** Whether `subject` may GetObject it (the policy on the S3 object resource); false for a missing bucket or a bad reference. */
  mayRead(subject: Subject, ref: string | S3ObjectAddress): Promise<boolean>;
  /** `locate` after authorizing the read as s3:GetObject for `subject`: S3ReferenceError 400, 404, or 403. */
  resolveRead(ref: string | S3ObjectAddress, subject: Subject): Promise<S3ObjectLocation>;
  /**
   * A user's workspace bucket, created on first use (owned by the user, private), and the blob
   * prefix its objects live under; undefined when workspaces are off, for anonymous subjects, or
   * when the workspace name is taken by a bucket that is not the user's workspace.
   */
  workspace(user: string | Subject): Promise<S3Workspace | undefined>;
  /** `s3://<workspace bucket>/<key>` for a blob key inside the user's workspace; undefined otherwise. */
  workspaceUrl(user: string | Subject, blobKey: string): Promise<string | undefined>;
}
