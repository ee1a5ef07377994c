/** Buckets: names, owners and creation dates in the database (see migrations.ts for why). */
import type { Database } from '../../core/storage/db/types.js';
import { BucketCache, type BucketEntry } from './bucket-cache.js';
import { BUCKETS_TABLE, TAGS_TABLE } from './migrations.js';

export interface Bucket {
  name: string;
  owner: string;
  createdAt: Date;
  region: string;
  /** 'private' unless created with a public ACL; the policy decides what it means. */
  visibility: 'private' | 'public';
  /**
   * Blob key prefix of its objects when not the default `<blobPrefix><name>/`: a workspace bucket
   * is its owner's workspace (`workspaces/<user>/`). Set at creation, never changed.
   */
  blobPrefix?: string;
}

interface Row {
  name: string;
  owner: string;
  created_at: string;
  region: string;
  visibility: string;
  blob_prefix?: string | null;
}

const toBucket = (row: Row): Bucket => ({
  name: row.name,
  owner: row.owner,
  createdAt: new Date(row.created_at),
  region: row.region,
  visibility: row.visibility === 'public' ? 'public' : 'private',
  ...(row.blob_prefix ? { blobPrefix: row.blob_prefix } : {}),
});

/**
 * S3's bucket naming rules (general purpose buckets): 3-63 characters of lower-case letters,
 * digits, '.' and '-', starting and ending with a letter or digit, no '..', not an IPv4 address,
 * no reserved prefix or suffix.
 */
export function isValidBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return false;
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.endsWith('-s3alias') || name.endsWith('--ol-s3')) return false;
  return true;
}

export class Buckets {
  private readonly cache: BucketCache;

  /** `cacheMs`: how long `lookup` may answer from memory (see bucket-cache.ts). */
  constructor(
    private readonly db: Database,
    cacheMs = 0,
  ) {
    this.cache = new BucketCache((name) => this.load(name), cacheMs);
  }

  /** The bucket and whether its objects may have tags, from the short-lived cache. */
  lookup(name: string): Promise<BucketEntry | null> {
    return this.cache.get(name);
  }

  /** A tag was stored in the bucket: later lookups must not skip the tag query. */
  markTagged(name: string): void {
    this.cache.forget(name);
  }

  /** One query: the row, and whether a tag row exists for any of its objects. */
  private async load(name: string): Promise<BucketEntry | null> {
    const row = await this.db
      .knex<Row & { has_tags: unknown }>(BUCKETS_TABLE)
      .select(`${BUCKETS_TABLE}.*`, this.db.knex.raw(`exists (select 1 from ?? t where t.bucket = ??) as has_tags`, [TAGS_TABLE, `${BUCKETS_TABLE}.name`]))
      .where(`${BUCKETS_TABLE}.name`, name)
      .first();
    // PostgreSQL answers a boolean, SQLite 0 or 1.
    return row ? { bucket: toBucket(row), mayHaveTags: row.has_tags === true || Number(row.has_tags) === 1 } : null;
  }

  /** The row itself, never cached (creation and deletion decide on it). */
  async get(name: string): Promise<Bucket | null> {
    const row = await this.db.knex<Row>(BUCKETS_TABLE).where('name', name).first();
    return row ? toBucket(row) : null;
  }

  async list(): Promise<Bucket[]> {
    return (await this.db.knex<Row>(BUCKETS_TABLE).orderBy('name')).map(toBucket);
  }

  /** Inserts the bucket; false when a bucket of that name exists (whoever created it first wins). */
  async create(bucket: Bucket): Promise<boolean> {
    const row: Row = { name: bucket.name, owner: bucket.owner, created_at: bucket.createdAt.toISOString(), region: bucket.region, visibility: bucket.visibility };
    if (bucket.blobPrefix) row.blob_prefix = bucket.blobPrefix;
    await this.db.knex(BUCKETS_TABLE).insert(row).onConflict('name').ignore();
    this.cache.forget(bucket.name);
    const now = await this.get(bucket.name);
    return now !== null && now.owner === bucket.owner && now.createdAt.getTime() === bucket.createdAt.getTime();
  }

  async delete(name: string): Promise<boolean> {
    const deleted = (await this.db.knex(BUCKETS_TABLE).where('name', name).delete()) > 0;
    this.cache.forget(name);
    return deleted;
  }
}
