/** What every S3 operation works with, and the mapping of buckets and keys onto blob keys. */
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import type { BlobStore } from '../../core/storage/blobs/types.js';
import type { Database } from '../../core/storage/db/types.js';
import { WORKSPACES_ROOT, workspacePrefix } from '../../core/storage/blobs/workspaces.js';
import { Access, bucketResource } from './access.js';
import type { BucketEntry } from './bucket-cache.js';
import { isValidBucketName, type Bucket, Buckets } from './buckets.js';
import type { S3Config } from './config.js';
import { s3 } from './errors.js';

export interface S3Request {
  ctx: Context;
  /** Bucket named by the host (virtual-hosted style) or the first path segment. */
  bucket?: string;
  /** Object key: the rest of the path, decoded; undefined when the path stops at the bucket. */
  key?: string;
  /** Decoded query parameters (first value of each). */
  query: Record<string, string>;
  subject: Subject;
}

export class S3Env {
  readonly buckets: Buckets;
  readonly access: Access;
  private readonly workspacesMade = new Set<string>();

  constructor(
    readonly config: S3Config,
    readonly blobs: BlobStore,
    readonly db: Database,
    readonly auth: AuthHooks,
    readonly logger: Logger,
  ) {
    this.buckets = new Buckets(db, config.bucketCacheSeconds * 1000);
    this.access = new Access(auth, logger);
  }

  /**
   * Blob key prefix of a bucket's objects: `<blobPrefix><bucket>/`, or the prefix the bucket was
   * created with (a workspace bucket is its owner's workspace, `workspaces/<user>/`). This and
   * `objectBlobKey` are the one mapping from S3 to the blob store; everything goes through them.
   */
  bucketPrefix(bucket: Pick<Bucket, 'name' | 'blobPrefix'>): string {
    return bucket.blobPrefix ?? `${this.config.blobPrefix}${bucket.name}/`;
  }

  /**
   * The blob key of an object. S3 keys are blob keys under the bucket's prefix; the blob store's
   * own key rules (no '..' or '.' segment, no leading '/', no NUL or control character, no empty
   * segment) then refuse anything that could leave the bucket, with InvalidArgument.
   */
  objectBlobKey(bucket: Pick<Bucket, 'name' | 'blobPrefix'>, key: string): string {
    return `${this.bucketPrefix(bucket)}${key}`;
  }

  /**
   * Whether a bucket of this name, created by CreateBucket, would hold blobs that are not its own:
   * with an empty `blobPrefix` a bucket named `workspaces` would be every user's workspace.
   */
  overlapsWorkspaces(name: string): boolean {
    const prefix = `${this.config.blobPrefix}${name}/`;
    return WORKSPACES_ROOT.startsWith(prefix) || prefix.startsWith(WORKSPACES_ROOT);
  }

  uploadsPrefix(): string {
    return `${this.config.blobPrefix}.uploads/`;
  }

  partBlobKey(uploadId: string, partNumber: number): string {
    return `${this.uploadsPrefix()}${uploadId}/${String(partNumber).padStart(5, '0')}`;
  }

  async requireBucket(name: string | undefined): Promise<Bucket> {
    return (await this.requireBucketEntry(name)).bucket;
  }

  /** The bucket (from the short-lived cache) and whether its objects may have tags. */
  async requireBucketEntry(name: string | undefined): Promise<BucketEntry> {
    if (name === undefined || !isValidBucketName(name)) {
      // An invalid name cannot exist; S3 says NoSuchBucket for reads of one too.
      throw s3.noSuchBucket(name ?? '');
    }
    const found = await this.buckets.lookup(name);
    if (!found) throw s3.noSuchBucket(name);
    return found;
  }

  /** The workspace bucket name of a user: `<prefix><id>`, lower-cased, other characters as '-'. */
  workspaceNameOf(user: string): string | undefined {
    const { enabled, bucketPrefix } = this.config.workspaces;
    if (!enabled) return undefined;
    const name = `${bucketPrefix}${user.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.replace(/-+$/, '').slice(0, 63).replace(/-+$/, '');
    return isValidBucketName(name) ? name : undefined;
  }

  workspaceName(subject: Subject): string | undefined {
    return subject.anonymous ? undefined : this.workspaceNameOf(subject.id);
  }

  /**
   * Whether a bucket is its owner's workspace: named after them and created as one, so its objects
   * are their workspace's blobs. A bucket someone else created under that name is an ordinary one.
   */
  isWorkspace(bucket: Bucket): boolean {
    return bucket.blobPrefix !== undefined && bucket.blobPrefix === workspacePrefix(bucket.owner) && bucket.name === this.workspaceNameOf(bucket.owner);
  }

  /** Creates the subject's workspace bucket the first time it makes a request (or a job of theirs ends). */
  async ensureWorkspace(subject: Subject): Promise<void> {
    const name = this.workspaceName(subject);
    if (!name || this.workspacesMade.has(name)) return;
    const existing = await this.buckets.get(name);
    if (!existing) {
      const bucket: Bucket = { name, owner: subject.id, createdAt: new Date(), region: this.config.region, visibility: 'private', blobPrefix: workspacePrefix(subject.id) };
      if (await this.buckets.create(bucket)) {
        try {
          await this.auth.resourceCreated(subject, bucketResource(bucket));
        } catch (err) {
          await this.buckets.delete(name);
          throw err;
        }
        this.logger.info({ bucket: name, owner: subject.id }, 'workspace bucket created');
      }
    }
    this.workspacesMade.add(name);
  }

  /** The subject's workspace bucket, created on first use; undefined when workspaces are off, for anonymous, or when the name is someone else's bucket. */
  async workspaceOf(subject: Subject): Promise<Bucket | undefined> {
    const name = this.workspaceName(subject);
    if (!name) return undefined;
    await this.ensureWorkspace(subject);
    const found = await this.buckets.lookup(name);
    return found && found.bucket.owner === subject.id && this.isWorkspace(found.bucket) ? found.bucket : undefined;
  }
}
