/**
 * S3 actions on Meridian's resources and actions, so the platform's policies apply unchanged
 * (README "Access control"). Each request is decided by `ctx.auth.enforce` on a bucket or object
 * resource; `filter` obligations are checked against that one resource.
 */
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { obligationsPermit } from '../../core/auth/obligations.js';
import type { AuthHooks, Resource, Subject } from '../../core/auth/types.js';
import type { Bucket } from './buckets.js';
import { s3 } from './errors.js';

/** S3 action name -> Meridian action. */
export const ACTIONS = {
  's3:ListAllMyBuckets': 'read',
  's3:CreateBucket': 'create',
  's3:DeleteBucket': 'delete',
  's3:ListBucket': 'read',
  's3:GetBucketLocation': 'read',
  's3:ListBucketMultipartUploads': 'read',
  's3:GetObject': 'read',
  's3:GetObjectTagging': 'read',
  's3:ListMultipartUploadParts': 'read',
  's3:PutObject': 'write',
  's3:PutObjectTagging': 'write',
  's3:DeleteObjectTagging': 'write',
  's3:AbortMultipartUpload': 'write',
  's3:DeleteObject': 'delete',
} as const;
export type S3Action = keyof typeof ACTIONS;

export const SERVICE = 's3';

export function bucketResource(bucket: Pick<Bucket, 'name' | 'owner' | 'visibility'>): Resource {
  return { type: 'bucket', service: SERVICE, id: bucket.name, owner: bucket.owner, attributes: { visibility: bucket.visibility } };
}

/** Objects inherit the bucket's owner and visibility: S3 objects have no owner of their own here. */
export function objectResource(bucket: Bucket, key: string): Resource {
  return { type: 'object', service: SERVICE, id: `${bucket.name}/${key}`, owner: bucket.owner, attributes: { bucket: bucket.name, key, visibility: bucket.visibility } };
}

export class Access {
  constructor(
    private readonly auth: AuthHooks,
    private readonly logger: Logger,
  ) {}

  async enforce(ctx: Context, resource: Resource, action: S3Action): Promise<void> {
    const decision = await this.auth.enforce(ctx, resource, ACTIONS[action], { s3Action: action });
    if (decision.obligations.length > 0 && !obligationsPermit(decision.obligations, propertiesOf(resource), this.logger, 's3')) throw s3.accessDenied();
  }

  /** Whether `subject` may do `action`: for filtering listings (ListBuckets), never throws. */
  async permits(subject: Subject, resource: Resource, action: S3Action): Promise<boolean> {
    const decision = await this.auth.authorize(subject, resource, ACTIONS[action], { s3Action: action });
    if (decision.decision !== 'Permit') return false;
    return decision.obligations.length === 0 || obligationsPermit(decision.obligations, propertiesOf(resource), this.logger, 's3');
  }
}

function propertiesOf(resource: Resource): { id?: string; properties: Record<string, unknown> } {
  const out: { id?: string; properties: Record<string, unknown> } = { properties: { ...resource.attributes, owner: resource.owner ?? null } };
  if (resource.id !== undefined) out.id = resource.id;
  return out;
}
